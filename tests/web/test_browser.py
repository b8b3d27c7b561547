"""A phone's browser on `spasmlog serve`: Debian's chromium driven by Playwright, on a 390x844
touch screen. Log an episode in four taps, see it, undo it, check in, open the weekly chart,
download the PDF; no page scrolls sideways, every image draws, a note's <script> is text, and
the console shows no Content-Security-Policy violation. Once more under a name that is not
loopback (as a phone on the LAN reaches it), where the browser sends no Sec-Fetch-Site.

Skipped, with the reason, only when chromium or the playwright package is absent; `.ci/run`
installs chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.web.live import PHONE, chromium_path, launch, live_server

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)
pytestmark = [
    pytest.mark.skipif(
        chromium_path() is None, reason="chromium is not installed (apt-get install chromium)"
    ),
    pytest.mark.allow_hosts(["127.0.0.1"]),
    pytest.mark.browser,
]
PAGES = [
    "/",
    "/checkin",
    "/diary",
    "/reports",
    "/reports/factors",
    "/reports/summary",
    "/episodes/1/edit",
]
SCRIPT_NOTE = "<script>window.hacked = 1</script><img src=x onerror='window.hacked=2'>" + "a" * 120


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    with playwright_api.sync_playwright() as running:
        yield running


class Watched:
    """A phone page, with every console message and CSP violation it produced."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(**PHONE, accept_downloads=True)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.requests: list[Any] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("request", lambda request: self.requests.append(request))

    def violations(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text]

    def no_sideways_scrolling(self) -> None:
        sizes = self.page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert sizes[0] <= sizes[1], (self.page.url, sizes)

    def images_drew(self) -> int:
        self.page.wait_for_load_state("load")
        widths = self.page.evaluate(
            "Array.from(document.images).map(img => img.complete ? img.naturalWidth : -1)"
        )
        assert all(width > 0 for width in widths), (self.page.url, widths)
        return len(widths)


def tap_to_next_page(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.tap(selector)


def log_four_taps(page: Any, muscle: str, side: str, severity: str) -> None:
    page.tap(f"label[for='muscle-{muscle}']")
    page.tap(f"label[for='side-{side}']")
    page.tap(f"label[for='severity-{severity}']")
    tap_to_next_page(page, "button:has-text('Save')")
    assert re.search(r"/done/[\w-]+$", page.url)


def test_a_phone_logs_undoes_checks_in_and_reads_reports(
    playwright: Any, seeded: Path, run: Run, tmp_path: Path
) -> None:
    browser = launch(playwright)
    try:
        with live_server(seeded) as live:
            phone = Watched(browser)
            page = phone.page
            page.goto(live.link)
            assert page.url == live.base + "/"  # the token left the address bar

            log_four_taps(page, "calf", "left", "8")
            assert "Logged #4 calf (left)" in page.inner_text("main")
            assert "This episode was severe (8/10)." in page.inner_text("main")
            tap_to_next_page(page, "a:has-text('Diary')")
            assert "Calf (left)" in page.inner_text("#episode-4")
            assert '"id": 4' in run("list", "--format", "json").stdout

            page.go_back()
            tap_to_next_page(page, "button:has-text('Undo')")
            assert "Undid: logged episode #4 calf (left)" in page.inner_text("main")
            assert '"id": 4' not in run("list", "--format", "json").stdout

            page.goto(live.base + "/checkin")
            for _ in range(6):
                page.tap("button[aria-label='One glass more']")
            assert page.input_value("#f-fluid") == "1.5 L"  # six glasses of 250 ml, in litres
            page.fill("#f-sleep", "7h30m")
            page.tap("label[for='exercised-no']")
            tap_to_next_page(page, "button:has-text('Save check-in')")
            assert "Checked in for 2026-03-15: fluids, sleep, exercise." in page.inner_text("main")
            assert "2026-03-15  1.5 L" in run("checkins").stdout

            page.goto(live.base + "/")
            page.tap("summary:has-text('More')")
            page.fill("#f-note", SCRIPT_NOTE)
            log_four_taps(page, "foot", "right", "3")
            page.goto(live.base + "/diary")
            assert SCRIPT_NOTE in page.inner_text("#episode-5 .note")
            assert page.evaluate("window.hacked") is None

            page.goto(live.base + "/reports")
            assert phone.images_drew() == 1  # the weekly chart, an SVG from this origin
            with page.expect_download() as download:
                page.tap("a:has-text('Download the doctor summary as PDF')")
            saved = tmp_path / "summary.pdf"
            download.value.save_as(saved)
            assert saved.read_bytes()[:5] == b"%PDF-"

            for path in PAGES:
                page.goto(live.base + path)
                phone.no_sideways_scrolling()
                phone.images_drew()
            assert phone.violations() == []
            phone.context.close()
    finally:
        browser.close()


def test_a_phone_on_the_lan_without_sec_fetch_site(playwright: Any, seeded: Path, run: Run) -> None:
    browser = launch(
        playwright,
        "--host-resolver-rules=MAP phone.test 127.0.0.1",
        "--disable-features=HttpsUpgrades",
    )
    try:
        with live_server(seeded, "--allow-host", "phone.test") as live:
            base = live.base.replace("127.0.0.1", "phone.test")
            phone = Watched(browser)
            page = phone.page
            page.goto(live.link.replace("127.0.0.1", "phone.test"))
            assert page.url == base + "/"
            log_four_taps(page, "neck", "none", "4")
            assert "Logged #4 neck" in page.inner_text("main")
            posts = [request for request in phone.requests if request.method == "POST"]
            assert len(posts) == 1
            headers = posts[0].all_headers()
            assert "sec-fetch-site" not in headers  # not a trustworthy origin: Origin decides
            assert headers["origin"] == base
            assert '"muscle": "neck"' in run("list", "--format", "json").stdout
            page.goto(base + "/diary")
            phone.no_sideways_scrolling()
            assert phone.violations() == []
            phone.context.close()
    finally:
        browser.close()
