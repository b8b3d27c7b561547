"""The text of a daily reminder job for each platform's own scheduler. Pure: a `Reminder` in,
the exact files (or crontab lines) out, so `remind set --dry-run` can show them and the tests can
compare them byte for byte (spasmlog.diary.reminders writes them and runs the scheduler).

- Linux with a user systemd: a service and a timer in ~/.config/systemd/user/.
- Linux and other Unix without one: two lines in the user's crontab, between marker comments.
- macOS: a launchd agent in ~/Library/LaunchAgents/.
- Windows: a Task Scheduler task (XML, registered with schtasks).

Each runs `spasmlog remind fire`, which notifies only when the day has no check-in yet.
"""

from __future__ import annotations

import plistlib
import shlex
from dataclasses import dataclass
from xml.sax.saxutils import escape

UNIT = "spasmlog-reminder"
LABEL = "org.spasmlog.reminder"
TASK = "spasmlog check-in reminder"
WRITTEN_BY = "Written by `spasmlog remind set`; `spasmlog remind off` removes it."
CRON_BEGIN = "# >>> spasmlog reminder (`spasmlog remind off` removes these lines) >>>"
CRON_END = "# <<< spasmlog reminder <<<"
_SYSTEMD_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WINDOWS_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Reminder:
    """When to remind (a 24-hour "HH:MM" on weekdays 0=Monday..6=Sunday) and the command to run."""

    time: str
    days: tuple[int, ...]
    command: tuple[str, ...]  # e.g. ("/usr/bin/python3", "-m", "spasmlog", "remind", "fire")

    @property
    def hour(self) -> int:
        return int(self.time[:2])

    @property
    def minute(self) -> int:
        return int(self.time[3:])

    @property
    def daily(self) -> bool:
        return len(self.days) == 7


# --- systemd ------------------------------------------------------------------------------------


def _systemd_word(word: str) -> str:
    """One ExecStart argument: specifiers (%) and variables ($) escaped, quoted when needed."""
    word = word.replace("%", "%%").replace("$", "$$")
    if word and not any(ch.isspace() or ch in "\"'\\;" for ch in word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def on_calendar(reminder: Reminder) -> str:
    """systemd's OnCalendar: "Mon,Tue,Wed,Thu,Fri *-*-* 21:30:00" ("*-*-* ..." every day)."""
    days = "" if reminder.daily else ",".join(_SYSTEMD_DAYS[d] for d in reminder.days) + " "
    return f"{days}*-*-* {reminder.time}:00"


def systemd_service(reminder: Reminder) -> str:
    return (
        f"# {WRITTEN_BY}\n"
        "[Unit]\n"
        "Description=spasmlog check-in reminder (notifies only if today has no check-in)\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={' '.join(_systemd_word(word) for word in reminder.command)}\n"
    )


def systemd_timer(reminder: Reminder) -> str:
    # Persistent=false: a reminder missed while the computer was off would only come at the
    # next boot, when "no check-in today" is no longer what it meant.
    return (
        f"# {WRITTEN_BY}\n"
        "[Unit]\n"
        f"Description=spasmlog check-in reminder at {reminder.time}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={on_calendar(reminder)}\n"
        "Persistent=false\n"
        f"Unit={UNIT}.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


# --- cron ---------------------------------------------------------------------------------------


def cron_lines(reminder: Reminder) -> str:
    """The lines added to the user's crontab, markers included ("%" is a newline to cron)."""
    weekdays = "*" if reminder.daily else ",".join(str((d + 1) % 7) for d in reminder.days)
    command = " ".join(shlex.quote(word) for word in reminder.command).replace("%", "\\%")
    return f"{CRON_BEGIN}\n{reminder.minute} {reminder.hour} * * {weekdays} {command}\n{CRON_END}\n"


def without_cron_lines(crontab: str) -> str:
    """A crontab with the lines `cron_lines` added taken out, and nothing else."""
    kept, inside = [], False
    for line in crontab.splitlines(keepends=True):
        if line.rstrip("\n") == CRON_BEGIN:
            inside = True
        elif inside and line.rstrip("\n") == CRON_END:
            inside = False
        elif not inside:
            kept.append(line)
    return "".join(kept)


def has_cron_lines(crontab: str) -> bool:
    return CRON_BEGIN in crontab.splitlines()


# --- launchd ------------------------------------------------------------------------------------


def launchd_plist(reminder: Reminder) -> str:
    """A launchd agent; launchd counts weekdays from Sunday (0)."""
    times: list[dict[str, int]] = [
        {"Hour": reminder.hour, "Minute": reminder.minute}
        | ({} if reminder.daily else {"Weekday": (day + 1) % 7})
        for day in (reminder.days if not reminder.daily else (0,))
    ]
    agent = {
        "Label": LABEL,
        "Comment": WRITTEN_BY,
        "ProgramArguments": list(reminder.command),
        "StartCalendarInterval": times,
        "ProcessType": "Background",
    }
    return plistlib.dumps(agent, sort_keys=False).decode("utf-8")


# --- Windows Task Scheduler -----------------------------------------------------------------------


def windows_task(reminder: Reminder) -> str:
    """A Task Scheduler task for the current user, as `schtasks /Create /XML` reads it."""
    program, *arguments = reminder.command
    days = "".join(f"<{_WINDOWS_DAYS[day]} />" for day in reminder.days)
    args = " ".join(_windows_quote(arg) for arg in arguments)
    return (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\n'
        "  <RegistrationInfo>\n"
        f"    <Description>{escape(WRITTEN_BY)}</Description>\n"
        "  </RegistrationInfo>\n"
        "  <Triggers>\n"
        "    <CalendarTrigger>\n"
        f"      <StartBoundary>2026-01-01T{reminder.time}:00</StartBoundary>\n"
        "      <Enabled>true</Enabled>\n"
        "      <ScheduleByWeek>\n"
        f"        <DaysOfWeek>{days}</DaysOfWeek>\n"
        "        <WeeksInterval>1</WeeksInterval>\n"
        "      </ScheduleByWeek>\n"
        "    </CalendarTrigger>\n"
        "  </Triggers>\n"
        "  <Principals>\n"
        '    <Principal id="Author">\n'
        "      <LogonType>InteractiveToken</LogonType>\n"
        "      <RunLevel>LeastPrivilege</RunLevel>\n"
        "    </Principal>\n"
        "  </Principals>\n"
        "  <Settings>\n"
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
        "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
        "    <StartWhenAvailable>false</StartWhenAvailable>\n"
        "    <ExecutionTimeLimit>PT5M</ExecutionTimeLimit>\n"
        "  </Settings>\n"
        '  <Actions Context="Author">\n'
        "    <Exec>\n"
        f"      <Command>{escape(program)}</Command>\n"
        f"      <Arguments>{escape(args)}</Arguments>\n"
        "    </Exec>\n"
        "  </Actions>\n"
        "</Task>\n"
    )


def _windows_quote(arg: str) -> str:
    if arg and not any(ch.isspace() or ch == '"' for ch in arg):
        return arg
    return '"' + arg.replace('"', '\\"') + '"'
