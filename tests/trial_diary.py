"""Fill a diary with nights for trial tests: check-ins and cramps written straight through the
ORM in one transaction (a 24-week trial through the CLI would take minutes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from spasmlog.core import clock
from spasmlog.db.models import Checkin, Episode
from spasmlog.db.store import open_store

_DAY = dt.timedelta(days=1)


def fill(
    db_path: Path,
    first: dt.date,
    cramps: Sequence[int],
    checked_in: Sequence[bool] | None = None,
    taken: Sequence[bool | None] | None = None,
    severity: int = 5,
) -> None:
    """Night n (from `first`) gets cramps[n] calf cramps at 23:30 and, when checked_in[n], a
    check-in whose trial answer is taken[n]. The clock's zone must be pinned."""
    now = clock.now()
    diary = open_store(db_path)
    try:
        with diary.writing() as session:
            for n, count in enumerate(cramps):
                day = first + n * _DAY
                at = clock.at(day, dt.time(23, 30))
                for _ in range(count):
                    session.add(
                        Episode(
                            started_at=at,
                            utc_offset_min=clock.local_offset_min(at),
                            muscle="calf",
                            severity=severity,
                            relief=[],
                            symptoms=[],
                            medications=[],
                            created_at=now,
                            updated_at=now,
                        )
                    )
                if checked_in is None or checked_in[n]:
                    answer = None if taken is None else taken[n]
                    session.add(
                        Checkin(
                            date=day, tags=[], trial_taken=answer, created_at=now, updated_at=now
                        )
                    )
    finally:
        diary.close()
