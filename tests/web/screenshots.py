"""`make screenshots`: every page of `spasmlog serve` at phone (390x844) and desktop (1280x900)
size, on a made-up diary, into docs/screenshots/. Run from the repository's root:

    python -m tests.web.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from pathlib import Path

from tests.web.live import DESKTOP, PHONE, demo_diary, launch, live_server

PAGES = (
    ("log", "/"),
    ("checkin", "/checkin"),
    ("diary", "/diary"),
    ("reports", "/reports"),
    ("factors", "/reports/factors"),
    ("summary", "/reports/summary"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SPASMLOG_NOW", "2026-03-15T21:30:00+01:00")
    os.environ.setdefault("SPASMLOG_TZ", "Europe/Berlin")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        diary = demo_diary(Path(tmp))
        browser = launch(playwright)
        with live_server(diary) as live:
            dark = {**PHONE, "color_scheme": "dark"}
            for size, options in (("phone", PHONE), ("desktop", DESKTOP), ("phone-dark", dark)):
                context = browser.new_context(**options)
                page = context.new_page()
                page.goto(live.link if size == "phone" else live.new_link(diary, {}))
                for name, path in PAGES if size != "phone-dark" else PAGES[:3]:
                    page.goto(live.base + path)
                    page.wait_for_load_state("networkidle")
                    whole = size == "desktop" or name != "log"  # a phone shows Log as one screen
                    page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=whole)
                # the page after logging: the tip, the signs and Undo
                page.goto(live.base + "/")
                page.click("label[for='muscle-calf']")
                page.click("label[for='side-left']")
                page.click("label[for='severity-7']")
                page.click("button[type=submit]")
                page.wait_for_url(re.compile(r"/done/"))
                page.screenshot(path=str(out / f"saved-{size}.png"), full_page=True)
                context.close()
        browser.close()
    for path in sorted(out.glob("*.png")):
        print(path)


if __name__ == "__main__":
    main()
