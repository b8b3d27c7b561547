"""`spasmlog remind set|off|status|test|fire`: a daily desktop reminder to check in, run by the
platform's own scheduler (spasmlog.diary.reminders), shown by its notifier (spasmlog.diary.notify).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from spasmlog.cli.common import open_from
from spasmlog.cli.state import State, diary_path
from spasmlog.core import clock, serving, settings
from spasmlog.core.schedulers import Reminder
from spasmlog.diary import notify, reminders

app = typer.Typer()
remind_app = typer.Typer(
    help="A daily desktop reminder to check in, only on days without one.", no_args_is_help=True
)
app.add_typer(remind_app, name="remind")


def _days_label(days: str) -> str:
    return "every day" if days == "daily" else days


def fire_command(ctx: typer.Context) -> tuple[str, ...]:
    """What the scheduler runs: this Python and spasmlog, with the diary if one was chosen."""
    python = Path(sys.executable)
    if sys.platform == "win32" and (python.parent / "pythonw.exe").exists():
        python = python.parent / "pythonw.exe"  # no console window flashing up
    state = ctx.find_object(State) or State()
    chosen = state.db or os.environ.get("SPASMLOG_DB")
    db = ("--db", str(diary_path(ctx))) if chosen else ()
    return (str(python), "-m", "spasmlog", *db, "remind", "fire")


@remind_app.command("set")
def remind_set(
    ctx: typer.Context,
    time: Annotated[
        str | None,
        typer.Argument(help='When, 24-hour: "21:30" (default: the reminder_time setting).'),
    ] = None,
    days: Annotated[
        str | None,
        typer.Option(help='Which days: "daily" (default), "mon-fri", "sat-sun", "mon,wed,fri".'),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be written, and where; change nothing."),
    ] = False,
) -> None:
    """Remind me to check in at a time each day: a notification, only if the day has none yet.

    Uses your platform's scheduler: a systemd user timer on Linux (cron without one), a launchd
    agent on macOS, Task Scheduler on Windows. Setting it again replaces it.

    Example: spasmlog remind set 21:30 --days mon-fri
    """
    current = settings.load()
    at = settings.parse_clock_time(time, "TIME") if time is not None else current["reminder_time"]
    on = settings.parse_days(days if days is not None else current["reminder_days"])
    reminder = Reminder(at, on, fire_command(ctx))
    chosen = reminders.plan(reminder, reminders.detect())
    label = _days_label(settings.days_text(on))
    if dry_run:
        typer.echo(f"Would set a reminder at {at}, {label}, with {_name(chosen.scheduler)}.")
        for path, text in chosen.files:
            typer.echo(f"\nWould write {path}:\n{text.rstrip()}")
        if chosen.crontab_lines is not None:
            typer.echo(f"\nWould add to your crontab:\n{chosen.crontab_lines.rstrip()}")
        if chosen.task_xml is not None:
            typer.echo(f"\nWould register the task \\{reminders.TASK}:\n{chosen.task_xml.rstrip()}")
        typer.echo("\nWould run:")
        for command in chosen.commands:
            typer.echo("  " + " ".join(command))
        for note in chosen.notes:
            typer.echo(f"\n{note}")
        typer.echo("\nNothing was changed (--dry-run).")
        return
    record = reminders.install(chosen, settings.state_dir(), clock.now())
    for name, given, value in (
        ("reminder_time", time, at),
        ("reminder_days", days, settings.days_text(on)),
    ):
        if given is not None and current[name] != value:
            settings.set_value(name, value)
    typer.echo(
        f"Reminder set: {record.time}, {label}, with {_name(record.scheduler)} ({record.where}). "
        "It notifies only on a day without a check-in; `spasmlog remind off` removes it."
    )
    for note in chosen.notes:
        typer.echo(note)


def _name(scheduler: str) -> str:
    return reminders.SCHEDULER_NAMES.get(scheduler, scheduler)


@remind_app.command("off")
def remind_off() -> None:
    """Remove the reminder: everything `remind set` wrote, and nothing else.

    Example: spasmlog remind off
    """
    state = settings.state_dir()
    known = reminders.installed(state)
    scheduler = known.scheduler if known else _detected()
    removed = reminders.remove(state, scheduler)
    if not removed:
        typer.echo("No reminder was set; nothing changed.")
        return
    typer.echo(f"Reminder removed: {', '.join(removed)}.")


def _detected() -> str | None:
    try:
        return reminders.detect()
    except reminders.SchedulerError:
        return None


@remind_app.command("status")
def remind_status() -> None:
    """Whether a reminder is set, when, with which scheduler, and how it last went.

    Example: spasmlog remind status
    """
    state = settings.state_dir()
    known = reminders.installed(state)
    if known is None:
        typer.echo("No reminder is set. Set one: spasmlog remind set 21:30")
        return
    live = reminders.active(known.scheduler)
    said = {True: "active", False: "NOT active (run `spasmlog remind set` again)", None: "unknown"}
    typer.echo(
        f"Reminder: {known.time}, {_days_label(known.days)}, with {_name(known.scheduler)} "
        f"({known.where}); set {_when(known.installed_at)}; scheduler: {said[live]}."
    )
    last = reminders.last_fired(state)
    typer.echo(
        f"Last run: {_when(last[0])}, {last[1].rstrip('.')}." if last else "Last run: not yet."
    )
    wanted = settings.load()
    if (wanted["reminder_time"], wanted["reminder_days"]) != (known.time, known.days):
        typer.echo(
            f"Your settings say {wanted['reminder_time']}, {_days_label(wanted['reminder_days'])}: "
            "`spasmlog remind set` applies them."
        )


def _when(iso: str) -> str:
    """ "2026-12-07T21:30:00+01:00" -> "2026-12-07 21:30"."""
    return iso[:16].replace("T", " ")


@remind_app.command("test")
def remind_test() -> None:
    """Show a test notification now, to check that reminders can reach you.

    Example: spasmlog remind test
    """
    known = reminders.installed(settings.state_dir())
    scheduler = known.scheduler if known else _detected()
    note = reminders.session_note(scheduler) if scheduler == "cron" else None
    if note:
        typer.echo(note)
    link = serving.read(settings.state_dir())
    used = notify.send(notify.Message(notify.TEST, link.link if link else None))
    typer.echo(f"Sent a test notification with {used}. No notification? Then reminders cannot "
               "reach you from here either: check your desktop's notification settings.")  # fmt: skip


@remind_app.command("fire")
def remind_fire(ctx: typer.Context) -> None:
    """What the scheduler runs: a notification if today has no check-in yet, else nothing.

    The text never names a symptom, a remedy or a trial's arm.

    Example: spasmlog remind fire
    """
    now = clock.now()
    state = settings.state_dir()
    due = reminders.Due(checked_in=False, trial_tonight=False)
    if diary_path(ctx).exists():  # a reminder never creates a diary
        with open_from(ctx).reading() as session:
            due = reminders.due(session, now.date())
    if due.checked_in:
        reminders.record_fired(state, now, "checked in already, no notification")
        typer.echo("Today has a check-in; no notification.")
        return
    served = serving.read(state)
    note = notify.message(due.trial_tonight, served.link if served else None)
    try:
        used = notify.send(note)
    except notify.NotifyError as error:
        reminders.record_fired(state, now, f"could not notify: {error}")
        raise
    reminders.record_fired(state, now, f"notified with {used}: {note.body}")
    typer.echo(f"Notified with {used}: {note.text}.")
