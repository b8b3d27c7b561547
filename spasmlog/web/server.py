"""Running the app: waitress (a production WSGI server, pure Python, threads) on one address,
the login links, the QR code for a phone, and a clean stop on Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import errno
import io
import ipaddress
import os
import signal
import socket
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from spasmlog.core import clock, serving
from spasmlog.core.errors import Conflict, InvalidInput
from spasmlog.core.settings import state_dir
from spasmlog.web.app import create_app
from spasmlog.web.common import MAX_BODY, Settings
from spasmlog.web.logins import Logins

DEFAULT_PORT = 8737  # stable, so that a home-screen bookmark survives a restart
THREADS = 8
LAN_WARNING = (
    "Warning: --lan serves plain HTTP: anyone on this network can see the traffic (your diary "
    "and the login link). Use it on a home network you trust."
)

Say = Callable[[str], None]


def lan_address() -> str | None:
    """This machine's address on its local network: the one a route to the outside would use.
    A UDP socket is only pointed there (a documentation address), nothing is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        if probe.connect_ex(("192.0.2.1", 9)) != 0:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


def check_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        raise InvalidInput(
            "--address", text, "Give an IP address of this machine, e.g. 192.168.1.20."
        ) from None


def url_of(host: str, port: int, path: str = "/") -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


def qr_code(text: str) -> str:
    """`text` as a QR code drawn with block characters, for a phone's camera."""
    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue().rstrip("\n")


def login_link(logins: Logins, base: str) -> str:
    return f"{base}/login?token={logins.new_link(clock.now())}"


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemctl stop, launchctl) stops the server as Ctrl-C does."""

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(settings: Settings, lan: bool, open_browser: bool, say: Say) -> None:
    """Serve until Ctrl-C: bind, open the diary, print the login link (and for --lan the
    warning and a QR code), then answer requests."""
    from waitress.server import create_server

    host = settings.bound[0]
    holder: dict[str, Any] = {}

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    try:
        server = create_server(
            application,
            host=host,
            port=settings.port,
            threads=THREADS,
            max_request_body_size=MAX_BODY,
            ident="spasmlog",
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
            channel_timeout=60,
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise Conflict(
                f"Port {settings.port} on {host} is in use (another `spasmlog serve`?). Stop "
                "that one, or choose another port with --port."
            ) from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise InvalidInput(
                "--address", host, "That address is not one of this machine's."
            ) from None
        raise
    port = int(getattr(server, "effective_port", settings.port))
    try:
        with _stop_on_sigterm():
            _run(server, holder, replace(settings, port=port), lan, open_browser, say)
    except KeyboardInterrupt:
        pass
    finally:
        server.task_dispatcher.shutdown(timeout=5)  # lets requests under way finish
        server.close()
        if "app" in holder:
            context = holder["app"].extensions["spasmlog"]
            context.logins.clear_server(os.getpid())
            context.store.close()
            serving.remove(state_dir())
    say("Stopped.")


def _run(
    server: Any, holder: dict[str, Any], settings: Settings, lan: bool, open_browser: bool, say: Say
) -> None:
    host, port = settings.bound[0], settings.port
    app = create_app(settings)
    holder["app"] = app
    logins: Logins = app.extensions["spasmlog"].logins
    base = url_of(host, port).rstrip("/")
    logins.record_server(base, os.getpid())
    link = login_link(logins, base)
    _announce(host, port)
    mode = " read-only" if settings.read_only else ""
    say(f"Serving{mode} {settings.diary} at {base}/ (Ctrl-C stops it).")
    if lan:
        say(LAN_WARNING)
        say("Scan this with your phone's camera to log in (the link works once, for an hour):")
        say(qr_code(link))
    say(f"Login link (works once, for an hour): {link}")
    say("Another device: spasmlog serve --new-link")
    if open_browser:
        webbrowser.open(login_link(logins, base))  # a link of its own, not the one above
        say("Opened a login link in your browser.")
    server.run()  # until Ctrl-C or SIGTERM


def _announce(host: str, port: int) -> None:
    """Tell the reminder where to send the person (core.serving's serve.json): only a loopback
    server; on the LAN the computer's own browser has no address the contract allows."""
    if host not in serving.LOOPBACK:
        return
    info = serving.ServeInfo(url_of(host, port), url_of(host, port, "/checkin"), os.getpid())
    serving.write(state_dir(), info)
