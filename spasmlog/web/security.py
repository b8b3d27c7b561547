"""The web app's security, in one module: the Host allow-list, the same-origin check on every
POST, the session gate, read-only mode, the login link, and the headers of every response.

- Host: only names that cannot be rebound to another site's address (DNS rebinding): loopback,
  the address bound, this machine's `.local` name, and names given with `--allow-host`.
- POST: `Sec-Fetch-Site` must say same-origin where the browser sends it; else `Origin` must be
  this very origin (`Origin: null` and a missing Origin are refused). Refused: 403, nothing
  written. (Over plain HTTP to a LAN address browsers send no Sec-Fetch-Site; they do send Origin,
  as long as the Referrer-Policy is not no-referrer: it is same-origin here.)
- Session: every page but the login, the stylesheet, the manifest and the icons (no diary data)
  needs the cookie that a one-time link gave (spasmlog.web.logins): HttpOnly, SameSite=Lax.
- Headers: a strict Content-Security-Policy (scripts, styles and images from this origin only,
  no inline script, no framing), nosniff, Referrer-Policy same-origin, and no caching of pages.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, render_template, request

from spasmlog.core import clock
from spasmlog.web.logins import SESSION_TTL, Logins, Throttle, device_name

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PUBLIC = ("/static/", "/manifest.webmanifest", "/favicon.ico", "/login")
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


@dataclass(frozen=True)
class Rules:
    allowed_hosts: frozenset[str]
    port: int
    read_only: bool = False

    @property
    def cookie(self) -> str:
        """Cookies ignore ports: each port (each diary served) gets a name of its own."""
        return f"spasmlog-{self.port}"


def allowed_hosts(bound: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host names served: loopback names, the bound addresses, this machine's .local name
    and the names given with --allow-host."""
    names = set(LOOPBACK_NAMES) | {name.strip("[]").lower() for name in bound}
    host = socket.gethostname().split(".")[0].lower()
    if host:
        names.add(f"{host}.local")
    names |= {name.strip().lower().rstrip(".") for name in extra if name.strip()}
    return frozenset(names)


def host_name(header: str) -> str:
    """The name in a Host header, without its port: "[::1]:8737" -> "::1"."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(header: str, allowed: frozenset[str]) -> bool:
    name = host_name(header).rstrip(".")
    if name in allowed:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cross_origin(headers: Any, host: str) -> str | None:
    """Why a POST is not from this app's own pages; None when it is."""
    site = headers.get("Sec-Fetch-Site")
    if site is not None:
        return None if site in ("same-origin", "none") else f"Sec-Fetch-Site: {site}"
    origin = headers.get("Origin")
    if origin is None:
        return "no Origin header"
    if origin == "null":
        return "Origin: null"
    return None if origin.lower() == f"http://{host}".lower() else "another origin"


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def document_policy(document: str) -> str:
    """The policy of a self-contained HTML document (the doctor summary): its own <style>
    elements and style attributes admitted by hash, images only as data: URIs, nothing else."""
    elements = re.findall(r"<style>(.*?)</style>", document, re.S)
    attributes = sorted({html.unescape(v) for v in re.findall(r'\sstyle="([^"]*)"', document)})
    styles = [_sha256(text) for text in elements]
    if attributes:
        styles += ["'unsafe-hashes'", *(_sha256(text) for text in attributes)]
    style_src = " ".join(styles) or "'none'"
    return (
        f"default-src 'none'; img-src data:; style-src {style_src}; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


def _refuse(status: int, title: str, message: str) -> Response:
    page = render_template("refused.html", title=title, message=message)
    return Response(page, status=status, mimetype="text/html")


def install(app: Flask, rules: Rules, logins: Logins) -> None:
    """The checks before every request, the headers after, and the login route."""
    throttle = Throttle()

    @app.before_request
    def guard() -> Response | None:
        if not host_allowed(request.host, rules.allowed_hosts):
            return _refuse(
                403,
                "Unknown address",
                "spasmlog does not answer to this name. Open the address `spasmlog serve` printed "
                "(or add this name with --allow-host).",
            )
        if request.method == "POST":
            reason = cross_origin(request.headers, request.host)
            if reason is not None:
                return _refuse(
                    403,
                    "Refused",
                    "This form was not sent from spasmlog's own pages, so nothing was written. "
                    "Open spasmlog and try again there.",
                )
            if rules.read_only:
                return _refuse(
                    403,
                    "Read-only",
                    "This server shows the diary read-only (serve --read-only): nothing can be "
                    "changed here.",
                )
        if request.path.startswith(PUBLIC):
            return None
        checked = logins.check(request.cookies.get(rules.cookie), clock.now())
        if checked is None:
            return _refuse(
                401,
                "Log in first",
                "Open a login link on this device: `spasmlog serve` prints one when it starts, "
                "and `spasmlog serve --new-link` prints another (each works once).",
            )
        g.device = checked.device_id
        g.refresh_cookie = checked.refreshed
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", POLICY)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/static/") or request.path == "/manifest.webmanifest":
            response.headers["Cache-Control"] = "no-cache"
        else:
            response.headers["Cache-Control"] = "no-store"
        refreshed = g.get("refresh_cookie")
        if refreshed:
            _set_cookie(response, rules, refreshed)
        return response

    @app.get("/login")
    def login() -> Response:
        address = request.remote_addr or "?"
        wait = throttle.wait_s(address)
        if wait:
            response = _refuse(
                429, "Too many tries", f"Too many wrong login links; try again in {wait} s."
            )
            response.headers["Retry-After"] = str(wait)
            return response
        token = request.args.get("token", "")
        cookie = logins.redeem(
            token,
            clock.now(),
            device_name(request.headers.get("User-Agent", "")),
            replaces=request.cookies.get(rules.cookie),
        )
        if cookie is None:
            throttle.failed(address)
            return _refuse(
                403,
                "This link does not work",
                "A login link works once, for an hour. Get a fresh one with "
                "`spasmlog serve --new-link` on the computer.",
            )
        response = Response(status=303, headers={"Location": "/"})  # the token leaves the
        _set_cookie(response, rules, cookie)  # address bar and the history
        return response


def _set_cookie(response: Response, rules: Rules, value: str) -> None:
    response.set_cookie(
        rules.cookie,
        value,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="Lax",  # Strict would be withheld on the page a camera app's link opens
    )
