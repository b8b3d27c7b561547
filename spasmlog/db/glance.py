"""A glance at a diary without opening it as one: no creation, no upgrade, no write.

For what runs beside a command rather than as one (the daily nudge, a reminder firing): the file
is opened read-write only so that SQLite, as the last connection, tidies its WAL files away
again (a read-only connection on a WAL diary leaves them behind), and `query_only` forbids any
write. A diary that is missing, busy, damaged or of another schema answers None.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

from spasmlog.db.sqlite import sqlite_uri

# Both lookups use an index: the first change by primary key, the check-in by its unique date.
_CHECKIN_GAP = (
    "SELECT (SELECT made_at FROM changes WHERE id = (SELECT min(id) FROM changes)), "
    "EXISTS (SELECT 1 FROM checkins WHERE date = ? AND deleted_at IS NULL)"
)


def checked_in(diary: Path, day: dt.date, kept_before: dt.datetime) -> bool | None:
    """Whether `day` has a check-in, in one indexed query; None when the diary does not exist,
    cannot be read, or held nothing before `kept_before` (an aware instant)."""
    if not diary.is_file():
        return None
    since = kept_before.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    try:
        connection = sqlite3.connect(sqlite_uri(diary, "rw"), uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    with contextlib.closing(connection):
        try:
            connection.execute("PRAGMA query_only = ON")
            first_change, has_checkin = connection.execute(
                _CHECKIN_GAP, (day.isoformat(),)
            ).fetchone()
        except sqlite3.Error:
            return None
    if first_change is None or str(first_change) >= since:
        return None
    return bool(has_checkin)
