"""Desktop notifications for the reminder: notify-send (Linux and other Unix desktops), osascript
(macOS) or a PowerShell toast (Windows).

The text never carries health details, since a notification shows on a locked screen or a
shared monitor: "No check-in today", or during a trial "Open spasmlog for tonight's trial
instruction" (never the remedy, never ON or OFF). When `spasmlog serve` is running
(spasmlog.core.serving), the notification carries the address of its check-in page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from spasmlog.core.errors import SpasmlogError

TITLE = "spasmlog"
NO_CHECKIN = "No check-in today"
TRIAL = "Open spasmlog for tonight's trial instruction"
TEST = "Test: this is how the check-in reminder looks"
APP_ID = r"{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe"


class NotifyError(SpasmlogError):
    """No notifier here, no desktop session, or the notifier failed."""


@dataclass(frozen=True)
class Message:
    body: str
    link: str | None = None  # a running `spasmlog serve`'s check-in page

    @property
    def text(self) -> str:
        return self.body if self.link is None else f"{self.body}: {self.link}"


def message(trial_tonight: bool, link: str | None) -> Message:
    return Message(TRIAL if trial_tonight else NO_CHECKIN, link)


def _applescript(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def command(note: Message, platform: str = sys.platform) -> tuple[str, ...]:
    """The notifier's command line for `note` on `platform`."""
    if platform == "darwin":
        script = f"display notification {_applescript(note.text)} with title {_applescript(TITLE)}"
        return ("osascript", "-e", script)
    if platform == "win32":
        launch = f" activationType='protocol' launch={quoteattr(note.link)}" if note.link else ""
        toast = (
            f"<toast{launch}><visual><binding template='ToastGeneric'><text>{escape(TITLE)}</text>"
            f"<text>{escape(note.text)}</text></binding></visual></toast>"
        )
        script = (
            "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, "
            "ContentType = WindowsRuntime] > $null; "
            "$xml = New-Object Windows.Data.Xml.Dom.XmlDocument; "
            f"$xml.LoadXml('{toast.replace(chr(39), chr(39) * 2)}'); "
            "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("
            f"'{APP_ID}').Show([Windows.UI.Notifications.ToastNotification]::new($xml))"
        )
        return ("powershell", "-NoProfile", "-NonInteractive", "-Command", script)
    return ("notify-send", "--app-name=spasmlog", TITLE, note.text)


def missing(platform: str = sys.platform, env: dict[str, str] | None = None) -> str | None:
    """Why no notification can be shown from here, in one line; None when one can be tried."""
    env = dict(os.environ) if env is None else env
    program = command(Message(""), platform)[0]
    if shutil.which(program, path=env.get("PATH")) is None:
        how = {
            "notify-send": " (Debian and Ubuntu: sudo apt install libnotify-bin; Fedora: "
            "sudo dnf install libnotify)",
        }.get(program, "")
        return f"No notifier here: `{program}` is not installed{how}."
    if program == "notify-send":
        runtime = env.get("XDG_RUNTIME_DIR")
        bus = env.get("DBUS_SESSION_BUS_ADDRESS") or (runtime and Path(runtime, "bus").exists())
        if not bus:
            return (
                "No desktop session here (DBUS_SESSION_BUS_ADDRESS is not set), so notify-send "
                "cannot reach your screen; under cron that is usual."
            )
    return None


def send(note: Message, platform: str = sys.platform) -> str:
    """Show `note`; the notifier's name. Raises NotifyError (one line) when it cannot."""
    reason = missing(platform)
    if reason is not None:
        raise NotifyError(reason)
    args = command(note, platform)
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NotifyError(f"`{args[0]}` could not run: {error}.") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise NotifyError(
            f"`{args[0]}` failed ({said[0] if said else f'exit code {done.returncode}'}); "
            "is a desktop session running?"
        )
    return args[0]
