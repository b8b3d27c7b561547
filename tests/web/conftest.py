"""Fixtures of the web tests: an app on a real diary under tmp_path, a logged-in test client that
sends what a browser sends on a same-origin form post, and a way to read a form's nonce."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from spasmlog.core import clock
from spasmlog.web.app import create_app
from spasmlog.web.common import Settings
from spasmlog.web.logins import Logins

PORT = 8737
HOST = f"127.0.0.1:{PORT}"
ORIGIN = f"http://{HOST}"
SAME_ORIGIN = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}


def make_app(diary: Path, **changes: Any) -> Flask:
    settings = Settings(diary=diary, port=PORT, busy_timeout_ms=changes.pop("busy", 300), **changes)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def app(seeded: Path) -> Iterator[Flask]:
    made = make_app(seeded)
    yield made
    made.extensions["spasmlog"].store.close()


def log_in(client: FlaskClient, diary: Path, base_url: str = ORIGIN) -> None:
    """Open a fresh login link, as the device would (cookies are kept per host name)."""
    token = Logins(diary).new_link(clock.now())
    response = client.get(f"/login?token={token}", base_url=base_url)
    assert response.status_code == 303, response.text


@pytest.fixture
def client(app: Flask, seeded: Path) -> FlaskClient:
    made = app.test_client()
    log_in(made, seeded)
    return made


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    return app.test_client()


def get(client: FlaskClient, path: str, **kwargs: Any) -> Any:
    return client.get(path, base_url=ORIGIN, **kwargs)


def post(
    client: FlaskClient, path: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    """A form post as Chromium sends it from one of the app's own pages."""
    return client.post(
        path, base_url=ORIGIN, data=data, headers=SAME_ORIGIN if headers is None else headers
    )


def nonce_of(html: str) -> str:
    found = re.search(r'name="nonce" value="([^"]+)"', html)
    assert found, "no nonce in the page"
    return found.group(1)
