"""The daily check-in reminder: installed with the platform's own scheduler, removed again, and
what it says when it fires.

`plan` works out what `remind set` would write (spasmlog.core.schedulers makes the text) and
where; `install` writes it and asks the scheduler to run it, undoing its own steps if one fails;
`remove` takes out what spasmlog wrote and nothing else (files carrying its mark, its lines of
the crontab, its task); `status` says what is installed. What was installed is remembered in
`reminder.json` in the state folder. Nothing here prints: results and SpasmlogErrors go up.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from spasmlog.core import schedulers
from spasmlog.core.errors import SpasmlogError
from spasmlog.core.paths import make_private_dir, write_private_bytes
from spasmlog.core.schedulers import LABEL, TASK, UNIT, Reminder
from spasmlog.core.settings import days_text
from spasmlog.db import Session, queries
from spasmlog.diary import trials

MANIFEST = "reminder.json"
LAST_FIRED = "reminder-last.json"
SESSION_VARS = ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY")
SCHEDULER_NAMES = {
    "systemd": "a systemd user timer",
    "cron": "your crontab",
    "launchd": "a launchd agent",
    "schtasks": "Windows Task Scheduler",
}


class SchedulerError(SpasmlogError):
    """The platform's scheduler refused, or there is none."""


@dataclass(frozen=True)
class Plan:
    """What `remind set` writes and runs on this platform."""

    scheduler: str
    reminder: Reminder
    files: tuple[tuple[Path, str], ...] = ()  # (where, exact text)
    crontab_lines: str | None = None
    task_xml: str | None = None
    commands: tuple[tuple[str, ...], ...] = ()  # run after writing, in order
    notes: tuple[str, ...] = field(default=())  # what the person should know (the session)

    @property
    def where(self) -> str:
        if self.files:
            return ", ".join(str(path) for path, _ in self.files)
        if self.crontab_lines is not None:
            return "between spasmlog's marker lines; `crontab -l` shows them"
        return f"Task Scheduler, task \\{TASK}"


# --- running the scheduler's commands -------------------------------------------------------------


def _run(args: tuple[str, ...], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            args, input=stdin, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SchedulerError(f"Could not run `{' '.join(args)}`: {error}.") from None


def _must(args: tuple[str, ...], stdin: str | None = None) -> str:
    done = _run(args, stdin)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[0] if said else f"exit code {done.returncode}"
        raise SchedulerError(f"`{' '.join(args)}` failed: {reason}.")
    return done.stdout


# --- which scheduler, and where -------------------------------------------------------------------


def detect(platform: str = sys.platform) -> str:
    """The scheduler to use: launchd on macOS, Task Scheduler on Windows, elsewhere a systemd
    user manager when one answers, else cron."""
    if platform == "darwin":
        return "launchd"
    if platform == "win32":
        return "schtasks"
    if shutil.which("systemctl"):
        done = _run(("systemctl", "--user", "show-environment"))
        if done.returncode == 0:
            return "systemd"
    if shutil.which("crontab"):
        return "cron"
    raise SchedulerError(
        "No scheduler found: no systemd user manager answers and there is no `crontab`. "
        "Install cron, or run `spasmlog remind fire` from your own scheduler."
    )


def systemd_folder() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def launchd_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LABEL}.plist"


def session_note(scheduler: str, env: dict[str, str] | None = None) -> str | None:
    """What the person should know about the desktop session the notification needs."""
    env = dict(os.environ) if env is None else env
    if scheduler == "cron":
        return (
            "Note: jobs run by cron usually have no desktop session, so the notification may "
            "not reach your screen. `spasmlog remind test` shows whether one can from here; "
            "`spasmlog remind status` says how the last reminder went, and the next morning's "
            "nudge catches a missed day either way."
        )
    if scheduler == "systemd" and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return (
            "Note: this terminal has no desktop session (DISPLAY and WAYLAND_DISPLAY are not "
            "set), so none was passed to the timer; the notification shows if your desktop "
            "shares its session with systemd, as GNOME and KDE do. `spasmlog remind test` "
            "checks from a desktop terminal."
        )
    return None


def plan(reminder: Reminder, scheduler: str, env: dict[str, str] | None = None) -> Plan:
    """What `remind set` writes and runs for `reminder` with `scheduler`."""
    env = dict(os.environ) if env is None else env
    note = session_note(scheduler, env)
    notes = (note,) if note else ()
    if scheduler == "systemd":
        folder = systemd_folder()
        session = tuple(name for name in SESSION_VARS if env.get(name))
        commands: tuple[tuple[str, ...], ...] = (
            *((("systemctl", "--user", "import-environment", *session),) if session else ()),
            ("systemctl", "--user", "daemon-reload"),
            ("systemctl", "--user", "enable", "--now", f"{UNIT}.timer"),
        )
        files = (
            (folder / f"{UNIT}.service", schedulers.systemd_service(reminder)),
            (folder / f"{UNIT}.timer", schedulers.systemd_timer(reminder)),
        )
        return Plan(scheduler, reminder, files, commands=commands, notes=notes)
    if scheduler == "cron":
        lines = schedulers.cron_lines(reminder)
        return Plan(
            scheduler, reminder, crontab_lines=lines, commands=(("crontab", "-"),), notes=notes
        )
    if scheduler == "launchd":
        path = launchd_path()
        gui = f"gui/{os.getuid() if hasattr(os, 'getuid') else 0}"
        return Plan(
            scheduler,
            reminder,
            ((path, schedulers.launchd_plist(reminder)),),
            commands=(("launchctl", "bootstrap", gui, str(path)),),
        )
    return Plan(
        scheduler,
        reminder,
        task_xml=schedulers.windows_task(reminder),
        commands=(("schtasks", "/Create", "/TN", TASK, "/XML", "<the task above>", "/F"),),
    )


# --- installing and removing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    scheduler: str
    time: str
    days: str
    where: str
    installed_at: str


def _manifest(state: Path) -> dict[str, object] | None:
    try:
        data = json.loads((state / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def installed(state: Path) -> Installed | None:
    data = _manifest(state)
    if data is None:
        return None
    return Installed(
        str(data.get("scheduler")),
        str(data.get("time")),
        str(data.get("days")),
        str(data.get("where")),
        str(data.get("installed_at")),
    )


def install(chosen: Plan, state: Path, now: dt.datetime) -> Installed:
    """Write the plan's files and run its commands; a failed step undoes the ones before it, so
    nothing is left half-installed. A reminder already installed is replaced."""
    remove(state, chosen.scheduler)
    written: list[Path] = []
    try:
        if chosen.scheduler == "cron":
            current = _crontab()
            kept = schedulers.without_cron_lines(current)
            joined = kept if not kept or kept.endswith("\n") else kept + "\n"
            _must(("crontab", "-"), joined + (chosen.crontab_lines or ""))
        elif chosen.scheduler == "schtasks":
            _register_task(chosen.task_xml or "", state)
        else:
            for path, text in chosen.files:
                write_private_bytes(path, text.encode("utf-8"), overwrite=True)
                written.append(path)
            for command in chosen.commands:
                _must(command)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if chosen.scheduler == "systemd" and written:
            _run(("systemctl", "--user", "daemon-reload"))
        raise
    record = Installed(
        chosen.scheduler,
        chosen.reminder.time,
        days_text(chosen.reminder.days),
        chosen.where,
        now.isoformat(timespec="seconds"),
    )
    data = record.__dict__ | {"files": [str(path) for path, _ in chosen.files]}
    write_private_bytes(state / MANIFEST, json.dumps(data, indent=1).encode(), overwrite=True)
    return record


def _crontab() -> str:
    done = _run(("crontab", "-l"))
    if done.returncode != 0:
        if "no crontab" in (done.stderr or "").lower():
            return ""
        raise SchedulerError(f"`crontab -l` failed: {(done.stderr or '').strip()}.")
    return done.stdout


def _register_task(xml: str, state: Path) -> None:
    make_private_dir(state)
    temporary = state / "reminder-task.xml"
    write_private_bytes(temporary, xml.encode("utf-16"), overwrite=True)
    try:
        _must(("schtasks", "/Create", "/TN", TASK, "/XML", str(temporary), "/F"))
    finally:
        temporary.unlink(missing_ok=True)


def _ours(path: Path) -> bool:
    try:
        return schedulers.WRITTEN_BY in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def remove(state: Path, scheduler: str | None = None) -> list[str]:
    """Take out the reminder spasmlog installed (with the scheduler that installed it, else the
    given one); what was removed, empty when there was nothing."""
    data = _manifest(state) or {}
    which = str(data.get("scheduler") or scheduler or "")
    removed: list[str] = []
    if which == "systemd":
        folder = systemd_folder()
        files = [folder / f"{UNIT}.timer", folder / f"{UNIT}.service"]
        ours = [path for path in files if _ours(path)]
        if ours:
            _run(("systemctl", "--user", "disable", "--now", f"{UNIT}.timer"))
            for path in ours:
                path.unlink()
                removed.append(str(path))
            _must(("systemctl", "--user", "daemon-reload"))
    elif which == "cron":
        current = _crontab()
        if schedulers.has_cron_lines(current):
            _must(("crontab", "-"), schedulers.without_cron_lines(current))
            removed.append("its lines in your crontab")
    elif which == "launchd":
        path = launchd_path()
        if _ours(path):
            gui = f"gui/{os.getuid() if hasattr(os, 'getuid') else 0}"
            _run(("launchctl", "bootout", f"{gui}/{LABEL}"))
            path.unlink()
            removed.append(str(path))
    elif which == "schtasks":
        if _run(("schtasks", "/Query", "/TN", TASK)).returncode == 0:
            _must(("schtasks", "/Delete", "/TN", TASK, "/F"))
            removed.append(f"the task \\{TASK}")
    (state / MANIFEST).unlink(missing_ok=True)
    if removed:
        (state / LAST_FIRED).unlink(missing_ok=True)  # a new reminder starts its own record
    return removed


def active(scheduler: str) -> bool | None:
    """Whether the scheduler has the reminder now; None when it cannot say."""
    if scheduler == "systemd":
        done = _run(("systemctl", "--user", "is-active", f"{UNIT}.timer"))
        return done.stdout.strip() == "active"
    if scheduler == "cron":
        try:
            return schedulers.has_cron_lines(_crontab())
        except SchedulerError:
            return None
    if scheduler == "launchd":
        gui = f"gui/{os.getuid() if hasattr(os, 'getuid') else 0}"
        return _run(("launchctl", "print", f"{gui}/{LABEL}")).returncode == 0
    if scheduler == "schtasks":
        return _run(("schtasks", "/Query", "/TN", TASK)).returncode == 0
    return None


# --- firing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    checked_in: bool  # the day has a check-in: no reminder
    trial_tonight: bool  # a trial covers tonight: the reminder says to open spasmlog


def due(session: Session, day: dt.date) -> Due:
    row = queries.checkin_row_on(session, day)
    return Due(
        checked_in=row is not None and row.deleted_at is None,
        trial_tonight=trials.remedy_on(session, day) is not None,
    )


def record_fired(state: Path, now: dt.datetime, outcome: str) -> None:
    """What the last `remind fire` did, for `remind status` (a failure must not go unseen)."""
    data = {"at": now.isoformat(timespec="seconds"), "outcome": outcome}
    try:
        write_private_bytes(state / LAST_FIRED, json.dumps(data).encode(), overwrite=True)
    except OSError:
        pass


def last_fired(state: Path) -> tuple[str, str] | None:
    try:
        data = json.loads((state / LAST_FIRED).read_text(encoding="utf-8"))
        return str(data["at"]), str(data["outcome"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
