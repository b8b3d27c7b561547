"""`spasmlog serve`: the web front end's own command (spasmlog.cli.app's table names this module
and loads it only when `serve` runs, like every command). Parse, call, print."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from spasmlog.core import clock
from spasmlog.core import settings as person_settings
from spasmlog.core.errors import InvalidInput
from spasmlog.core.paths import resolve_db_path

app = typer.Typer()


def _diary(ctx: typer.Context) -> Path:
    """The diary the root options chose (--db, $SPASMLOG_DB, the data folder)."""
    return resolve_db_path(getattr(ctx.find_root().obj, "db", None))


def _serve_args(
    port: int, lan: bool, address: str | None, hosts: list[str], read_only: bool
) -> list[str]:
    args = ["--port", str(port)]
    if lan:
        args.append("--lan")
    if address:
        args += ["--address", address]
    for name in hosts:
        args += ["--allow-host", name]
    if read_only:
        args.append("--read-only")
    return args


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port (default 8737, the same every time).")
    ] = 8737,
    lan: Annotated[
        bool,
        typer.Option(
            "--lan", help="Serve on this machine's local-network address, for your phone."
        ),
    ] = False,
    address: Annotated[
        str | None, typer.Option(help="With --lan: which of this machine's addresses to use.")
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open a login link in this computer's browser.")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Also answer to this host name (repeatable), e.g. a name in your DNS."),
    ] = None,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Show the diary and reports; change nothing.")
    ] = False,
    new_link: Annotated[
        bool, typer.Option("--new-link", help="Print a fresh login link for the running server.")
    ] = False,
    devices: Annotated[
        bool, typer.Option("--devices", help="List the logged-in devices (with --revoke: end).")
    ] = False,
    revoke: Annotated[
        str | None,
        typer.Option(help='End one device\'s session (its id from --devices), or "all".'),
    ] = None,
    install: Annotated[
        bool, typer.Option("--install", help="Run it as a per-user service (systemd, launchd).")
    ] = False,
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Stop the service and remove it.")
    ] = False,
) -> None:
    """Serve the diary to your phone's browser (log, check in, reports). Example: spasmlog serve --lan

    Pages: Log, Check-in, Diary and Reports. Listens on 127.0.0.1 (--lan: the local network, plain HTTP) and prints a login link that
    works once; each device that opens one gets its own session (90 days, renewed by use).
    """
    diary = _diary(ctx)
    if revoke is not None:
        _revoke(diary, revoke)
        return
    if devices:
        _list_devices(diary)
        return
    if new_link:
        _new_link(diary)
        return
    if install or uninstall:
        _service(diary, install, _serve_args(port, lan, address, allow_host or [], read_only))
        return
    from spasmlog.web import server
    from spasmlog.web.common import Settings

    if address is not None and not lan:
        raise InvalidInput("--address", address, "Give --address together with --lan.")
    if lan:
        bound = server.check_address(address) if address else server.lan_address()
        if bound is None:
            raise InvalidInput(
                "--lan",
                "",
                "",
                message="--lan: this machine has no local-network address (is Wi-Fi on?). "
                "Give one with --address.",
            )
    else:
        bound = "127.0.0.1"
    person_settings.load()  # a broken settings file is refused now, not found by a page later
    settings = Settings(
        diary=diary,
        port=port,
        bound=(bound,),
        allow_hosts=tuple(allow_host or ()),
        read_only=read_only,
    )
    server.serve(settings, lan=lan, open_browser=open_browser, say=_say)


def _say(line: str) -> None:
    typer.echo(line)


def _new_link(diary: Path) -> None:
    from spasmlog.web.logins import Logins
    from spasmlog.web.server import login_link, qr_code

    logins = Logins(diary)
    base = logins.running_server()
    if base is None:
        typer.echo(
            "No `spasmlog serve` is running for this diary; start one (it prints a link).",
            err=True,
        )
        raise typer.Exit(1)
    link = login_link(logins, base)
    if not base.startswith(("http://127.", "http://[::1]", "http://localhost")):
        typer.echo(qr_code(link))
    typer.echo(f"Login link (works once, for an hour): {link}")


def _list_devices(diary: Path) -> None:
    from spasmlog.web.logins import Logins

    found = Logins(diary).devices(clock.now())
    if not found:
        typer.echo("No device is logged in.")
        return
    typer.echo("ID        Device                  Logged in         Last used         Expires")
    for device in found:
        stamps = [
            clock.local_time(moment, clock.local_offset_min(moment)).strftime("%Y-%m-%d %H:%M")
            for moment in (device.created, device.last_used, device.expires)
        ]
        typer.echo(f"{device.id:<8}  {device.device[:22]:<22}  " + "  ".join(stamps))
    typer.echo("End one: spasmlog serve --revoke ID (or --revoke all).")


def _revoke(diary: Path, which: str) -> None:
    from spasmlog.web.logins import Logins

    count = Logins(diary).revoke(which, clock.now())
    noun = "session" if count == 1 else "sessions"
    typer.echo(f"Ended {count} {noun}: that device must open a new login link.")


def _service(diary: Path, install: bool, args: list[str]) -> None:
    from spasmlog.web import service

    chosen = service.current(service.command_line(sys.executable, diary, args))
    if install:
        service.install(chosen)
        typer.echo(f"Installed and started {chosen.path}.")
        typer.echo("It runs whenever you are logged in. A login link: spasmlog serve --new-link")
    elif service.uninstall(chosen):
        typer.echo(f"Stopped and removed {chosen.path}.")
    else:
        typer.echo(f"Not installed ({chosen.path} does not exist); nothing to do.")
