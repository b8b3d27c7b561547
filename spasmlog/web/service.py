"""`serve --install` / `--uninstall`: `spasmlog serve` as a per-user service that starts with the
session and restarts after a failure: a systemd user unit on Linux, a launchd agent on macOS.

The files are made here as text (golden-tested); installing writes the file, then asks the
platform's own tool (`systemctl --user`, `launchctl`) to load and start it. Uninstalling stops it
and removes exactly the file it wrote.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spasmlog.core.errors import SpasmlogError, StorageError

UNIT_NAME = "spasmlog-serve.service"
AGENT_LABEL = "org.spasmlog.serve"


class ServiceError(SpasmlogError):
    """The platform's service manager is missing or refused."""


@dataclass(frozen=True)
class Service:
    """Where the service file goes, what it says, and the commands that load and unload it."""

    path: Path
    text: str
    load: tuple[tuple[str, ...], ...]
    unload: tuple[tuple[str, ...], ...]
    tool: str


def command_line(python: str, diary: Path, serve_args: Sequence[str]) -> list[str]:
    """The command the service runs: this Python, this diary, the options given."""
    return [python, "-m", "spasmlog", "--db", str(diary), "serve", *serve_args]


def _systemd_quote(word: str) -> str:
    """One ExecStart word: "%" and "$" doubled (specifiers, variables), quoted when needed."""
    escaped = word.replace("%", "%%").replace("$", "$$")
    if escaped and not any(ch in escaped for ch in " \t\"'\\;"):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_unit(command: Sequence[str]) -> str:
    return "\n".join(
        [
            "# Written by `spasmlog serve --install`; `spasmlog serve --uninstall` removes it.",
            "[Unit]",
            "Description=spasmlog: the diary on your phone (spasmlog serve)",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "Type=simple",
            f"ExecStart={' '.join(_systemd_quote(word) for word in command)}",
            "Restart=on-failure",
            "RestartSec=5",
            "UMask=0077",
            "Environment=PYTHONUNBUFFERED=1",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
    )


def launchd_agent(command: Sequence[str], log: Path) -> str:
    plist = {
        "Label": AGENT_LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "Umask": 0o077,
        "StandardOutPath": str(log),
        "StandardErrorPath": str(log),
        "EnvironmentVariables": {"PYTHONUNBUFFERED": "1"},
    }
    return plistlib.dumps(plist, sort_keys=True).decode()


def for_platform(
    platform: str, home: Path, command: Sequence[str], uid: int, config_home: Path | None = None
) -> Service:
    """The service for `platform` (sys.platform) of the user whose home is `home`."""
    if platform.startswith("linux"):
        folder = (config_home or home / ".config") / "systemd" / "user"
        systemctl = ("systemctl", "--user")
        return Service(
            path=folder / UNIT_NAME,
            text=systemd_unit(command),
            load=((*systemctl, "daemon-reload"), (*systemctl, "enable", "--now", UNIT_NAME)),
            unload=((*systemctl, "disable", "--now", UNIT_NAME), (*systemctl, "daemon-reload")),
            tool="systemctl",
        )
    if platform == "darwin":
        path = home / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"
        log = home / "Library" / "Logs" / "spasmlog-serve.log"
        domain = f"gui/{uid}"
        return Service(
            path=path,
            text=launchd_agent(command, log),
            load=(("launchctl", "bootstrap", domain, str(path)),),
            unload=(("launchctl", "bootout", domain, str(path)),),
            tool="launchctl",
        )
    raise ServiceError(
        f"Running spasmlog serve as a service is not supported on {platform} yet: start it in a "
        "terminal (or with the system's task scheduler) instead."
    )


def current(command: Sequence[str]) -> Service:
    config = os.environ.get("XDG_CONFIG_HOME")
    return for_platform(
        sys.platform, Path.home(), command, os.getuid(), Path(config) if config else None
    )


def _run(steps: Sequence[Sequence[str]], tool: str, check: bool = True) -> None:
    if shutil.which(tool) is None:
        raise ServiceError(
            f"`{tool}` was not found, so the service cannot be managed here (no systemd user "
            "session?). Run `spasmlog serve` in a terminal instead."
        )
    for step in steps:
        done = subprocess.run(list(step), capture_output=True, text=True, timeout=60)
        if done.returncode != 0 and check:
            reason = (done.stderr or done.stdout).strip().splitlines()
            raise ServiceError(
                f"`{' '.join(step)}` failed: {reason[-1] if reason else done.returncode}."
            )


def install(service: Service) -> None:
    """Write the file (0600, replacing an older one of ours) and start the service."""
    if shutil.which(service.tool) is None:
        _run((), service.tool)
    try:
        service.path.parent.mkdir(parents=True, exist_ok=True)
        partial = service.path.with_name(service.path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as stream:
            stream.write(service.text)
        os.replace(partial, service.path)
    except OSError as error:
        raise StorageError(f"Cannot write {service.path}: {error.strerror}.") from None
    _run(service.load, service.tool)


def uninstall(service: Service) -> bool:
    """Stop the service and remove its file; False when it was not installed."""
    if not service.path.exists():
        return False
    _run(service.unload[:1], service.tool, check=False)  # already stopped is fine
    service.path.unlink()
    _run(service.unload[1:], service.tool, check=False)
    return True
