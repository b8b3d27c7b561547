"""The daily nudge: one line, after a command run on a terminal, when yesterday has no check-in.

    No check-in for Sunday 6 Dec: spasmlog checkin --date yesterday

At most once a day: the "shown today" mark is a small file in the state folder
(spasmlog.core.settings.state_dir), never in the diary, so a command, rejected or not, leaves the
diary as it was. Only a diary that already held something before today is nudged about (a diary
begun today has no yesterday to miss), and the nudge never creates or upgrades one: it glances at
the file (spasmlog.db.glance), one indexed query. Whether to nudge at all (a terminal, the
command, the `nudge` setting) is the front end's to decide.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from spasmlog.core import clock
from spasmlog.core.paths import write_private_bytes
from spasmlog.db import glance

MARK = "nudge-shown"  # holds the local date the nudge was last shown


def shown_today(state: Path, today: dt.date) -> bool:
    try:
        return (state / MARK).read_text(encoding="ascii").strip() == today.isoformat()
    except (OSError, UnicodeDecodeError):
        return False


def nudge_line(diary: Path, now: dt.datetime, state: Path) -> str | None:
    """The nudge to print now, marked as shown; None when there is nothing to say (or it was
    said today)."""
    today = now.date()
    if shown_today(state, today):
        return None
    yesterday = today - dt.timedelta(days=1)
    start_of_today = dt.datetime.combine(today, dt.time(0)).replace(tzinfo=clock.zone())
    if glance.checked_in(diary, yesterday, start_of_today) is not False:
        return None
    try:
        write_private_bytes(state / MARK, f"{today.isoformat()}\n".encode(), overwrite=True)
    except OSError:
        pass  # a state folder that cannot be written costs a repeated line, not the command
    return (
        f"No check-in for {yesterday:%A} {yesterday.day} {yesterday:%b}: "
        "spasmlog checkin --date yesterday"
    )
