"""The rules of spasmlog.web.security, in-process: the one-time link and its cookie, the
session gate, the Host allow-list, the same-origin check on every POST, the headers, read-only
mode, and a form far too large; every refused write leaves the diary byte-identical."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from spasmlog.core import clock
from spasmlog.web.logins import Logins
from spasmlog.web.security import POLICY
from tests.conftest import diary_fingerprint, pin_clock
from tests.web.conftest import ORIGIN, get, log_in, make_app, nonce_of, post

DATA_PAGES = ["/", "/checkin", "/diary", "/episodes/1/edit", "/reports", "/reports/factors",
              "/reports/summary", "/reports/summary.pdf", "/reports/weekly.svg", "/done/abc"]  # fmt: skip
PUBLIC = ["/manifest.webmanifest", "/static/app.css", "/static/app.js", "/static/icon-192.png",
          "/static/icon-512.png", "/static/apple-touch-icon.png", "/static/icon.svg", "/favicon.ico"]  # fmt: skip


@pytest.mark.parametrize("path", DATA_PAGES)
def test_diary_data_needs_a_session(anonymous: FlaskClient, path: str) -> None:
    response = get(anonymous, path)
    assert response.status_code == 401
    assert "Open a login link on this device" in response.text


@pytest.mark.parametrize("path", PUBLIC)
def test_the_manifest_and_icons_need_none(anonymous: FlaskClient, path: str) -> None:
    assert get(anonymous, path).status_code == 200


def test_the_manifest_opens_a_browser_window() -> None:
    from spasmlog.web.app import MANIFEST

    assert MANIFEST["display"] in ("browser", "minimal-ui")
    assert {icon["sizes"] for icon in MANIFEST["icons"]} >= {"192x192", "512x512"}


def cookie_header(response: Any) -> str:
    found = [value for name, value in response.headers.items() if name == "Set-Cookie"]
    assert len(found) == 1
    return str(found[0])


def test_a_link_works_once_and_becomes_a_cookie(app: Flask, seeded: Path) -> None:
    token = Logins(seeded).new_link(clock.now())
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 256 bits
    client = app.test_client()
    response = get(client, f"/login?token={token}")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = cookie_header(response)
    assert cookie.startswith("spasmlog-8737=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "max-age", "path", "samesite"} <= attributes
    assert "SameSite=Lax" in cookie and "Max-Age=7776000" in cookie  # 90 days
    assert "secure" not in attributes  # plain HTTP: a Secure cookie would never come back
    assert get(client, "/").status_code == 200
    again = app.test_client()
    refused = get(again, f"/login?token={token}")
    assert refused.status_code == 403 and "A login link works once" in refused.text
    assert get(again, "/").status_code == 401


def test_a_link_expires_after_an_hour(
    app: Flask, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = Logins(seeded).new_link(clock.now())
    pin_clock(monkeypatch, "2026-03-15T13:00:01+01:00")
    assert get(app.test_client(), f"/login?token={token}").status_code == 403


def test_sessions_slide_and_expire(
    client: FlaskClient, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(monkeypatch, "2026-05-01T12:00:00+02:00")  # 47 days later: still in, renewed
    response = get(client, "/")
    assert response.status_code == 200
    assert "Max-Age=7776000" in cookie_header(response)
    pin_clock(monkeypatch, "2026-07-29T12:00:00+02:00")  # 89 days after the last use
    assert get(client, "/").status_code == 200
    pin_clock(monkeypatch, "2026-10-28T12:00:00+01:00")  # over 90 days without use
    assert get(client, "/").status_code == 401


def test_a_forged_or_revoked_cookie_is_refused(client: FlaskClient, seeded: Path) -> None:
    cookie = client.get_cookie("spasmlog-8737", domain="127.0.0.1")
    assert cookie is not None
    session, _, signature = cookie.value.partition(".")
    forged = app_client_with(client, f"{session}.{'0' * 64}")
    assert get(forged, "/").status_code == 401
    devices = Logins(seeded).devices(clock.now())
    assert len(devices) == 1
    assert Logins(seeded).revoke(devices[0].id, clock.now()) == 1
    assert get(client, "/").status_code == 401


def app_client_with(client: FlaskClient, value: str) -> FlaskClient:
    other = client.application.test_client()
    other.set_cookie("spasmlog-8737", value, domain="127.0.0.1")
    return other


def test_each_device_has_its_own_session(app: Flask, seeded: Path) -> None:
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, seeded)
    log_in(laptop, seeded)
    log_in(phone, seeded)  # a second link on the same phone replaces its session
    assert len(Logins(seeded).devices(clock.now())) == 2
    assert Logins(seeded).revoke("all", clock.now()) == 2
    assert get(phone, "/").status_code == get(laptop, "/").status_code == 401


def test_wrong_tokens_are_rate_limited(app: Flask, seeded: Path) -> None:
    client = app.test_client()
    for _ in range(5):
        assert get(client, "/login?token=" + "A" * 43).status_code == 403
    token = Logins(seeded).new_link(clock.now())
    limited = get(client, f"/login?token={token}")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert get(client, "/").status_code == 401


def test_the_secret_and_sessions_files_are_private(client: FlaskClient, seeded: Path) -> None:
    logins = Logins(seeded)
    for path in (logins.secret_path, logins.state_path):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert seeded.parent.stat().st_mode & 0o777 == 0o700
    assert (
        client.get_cookie("spasmlog-8737", domain="127.0.0.1").value.split(".")[0]
        not in logins.state_path.read_text()
    )


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8737", "localhost:8737", "[::1]:8737", "127.0.0.1",
     f"{socket.gethostname().split('.')[0]}.local:8737"],
)  # fmt: skip
def test_loopback_and_this_machines_names_are_served(
    anonymous: FlaskClient, seeded: Path, host: str
) -> None:
    log_in(anonymous, seeded, f"http://{host}")
    assert anonymous.get("/", base_url=f"http://{host}").status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8737", "127.0.0.1.nip.io", "phone.test", ""])
def test_other_host_names_are_refused(client: FlaskClient, host: str) -> None:
    for path in ("/", "/static/app.css", "/login?token=x"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 403, (host, path)
        assert "does not answer to this name" in response.text


def test_allow_host_adds_a_name_and_the_bound_address(seeded: Path) -> None:
    app = make_app(seeded, bound=("192.0.2.7",), allow_hosts=("phone.test",))
    for host in ("phone.test:8737", "192.0.2.7:8737", "PHONE.TEST."):
        client = app.test_client()
        log_in(client, seeded, f"http://{host}")
        assert client.get("/", base_url=f"http://{host}").status_code == 200, host
    assert client.get("/", headers={"Host": "other.test"}).status_code == 403
    app.extensions["spasmlog"].store.close()


CROSS = [
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:9999"},
    {"Origin": "null"},
    {"Origin": "https://evil.example"},
    {"Origin": "http://127.0.0.1:9999"},
    {},
]


@pytest.mark.parametrize(
    "headers", CROSS, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items()) or "none"
)
@pytest.mark.parametrize("path", ["/log", "/checkin", "/undo", "/episodes/1/delete", "/meds/add"])
def test_a_post_from_elsewhere_is_refused_and_writes_nothing(
    client: FlaskClient, seeded: Path, headers: dict[str, str], path: str
) -> None:
    nonce = nonce_of(get(client, "/").text)
    before = diary_fingerprint(seeded)
    form = {"nonce": nonce, "muscle": "calf", "at": "now", "fluid": "1L", "change": "1",
            "name": "aspirin"}  # fmt: skip
    response = post(client, path, form, headers=headers)
    assert response.status_code == 403
    assert "nothing was written" in response.text
    assert diary_fingerprint(seeded) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": ORIGIN},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin", "Origin": ORIGIN},
    ],
)
def test_a_post_from_the_apps_own_pages_passes(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    """Over plain HTTP to a LAN address browsers send no Sec-Fetch-Site: Origin decides."""
    nonce = nonce_of(get(client, "/").text)
    response = post(
        client, "/log", {"nonce": nonce, "muscle": "calf", "at": "now"}, headers=headers
    )
    assert response.status_code == 303


def test_every_page_carries_the_headers(client: FlaskClient) -> None:
    for path in ["/", "/diary", "/reports", "/static/app.css", "/manifest.webmanifest"]:
        response = get(client, path)
        assert response.headers["Content-Security-Policy"] == POLICY, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in POLICY and "'unsafe-inline'" not in POLICY
    assert "script-src 'self'" in POLICY and "default-src 'self'" in POLICY
    assert get(client, "/diary").headers["Cache-Control"] == "no-store"
    page = get(client, "/").text
    assert "<script>" not in page and " style=" not in page and "<style" not in page


def test_the_summary_page_admits_exactly_its_own_style(client: FlaskClient) -> None:
    response = get(client, "/reports/summary")
    policy = response.headers["Content-Security-Policy"]
    style = re.search(r"<style>(.*?)</style>", response.text, re.S)
    assert style
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy and "script-src" not in policy
    assert policy.startswith("default-src 'none'; img-src data:;")
    assert "frame-ancestors 'none'" in policy


def test_read_only_shows_everything_and_changes_nothing(seeded: Path) -> None:
    app = make_app(seeded, read_only=True)
    client = app.test_client()
    log_in(client, seeded)
    for path in ("/", "/diary", "/checkin", "/reports", "/reports/summary.pdf"):
        assert get(client, path).status_code == 200, path
    assert "Read-only" in get(client, "/diary").text
    assert 'action="/episodes/1/delete"' not in get(client, "/diary").text
    before = diary_fingerprint(seeded)
    for path in ("/log", "/checkin", "/undo", "/episodes/1/delete", "/meds/add"):
        form = {"nonce": "n" * 22, "muscle": "calf", "at": "now", "fluid": "1L", "change": "3"}
        response = post(client, path, form)
        assert response.status_code == 403 and "read-only" in response.text, path
    assert diary_fingerprint(seeded) == before
    app.extensions["spasmlog"].store.close()


def test_a_huge_form_is_refused_with_413(client: FlaskClient, seeded: Path) -> None:
    nonce = nonce_of(get(client, "/").text)
    before = diary_fingerprint(seeded)
    form = {"nonce": nonce, "muscle": "calf", "at": "now", "note": "x" * (10 * 1024 * 1024)}
    response = post(client, "/log", form)
    assert response.status_code == 413
    assert diary_fingerprint(seeded) == before


def test_devices_list_names_the_browser(app: Flask, seeded: Path) -> None:
    client = app.test_client()
    token = Logins(seeded).new_link(clock.now())
    agent = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"
    )
    client.get(f"/login?token={token}", base_url=ORIGIN, headers={"User-Agent": agent})
    devices = Logins(seeded).devices(clock.now())
    assert [device.device for device in devices] == ["iPhone Safari"]
    assert devices[0].expires - devices[0].last_used == dt.timedelta(days=90)
