"""Exercise sessions, from every source: `exercise add`, a check-in's exercise, an episode's
`log --exercise` and imports. The sessions table is the one source of truth for exercise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spasmlog.core import when
from spasmlog.core.clock import local_offset_min, local_time
from spasmlog.core.parsing import format_exercise
from spasmlog.db import Session, history, queries
from spasmlog.db.models import ExerciseSession


@dataclass(frozen=True)
class ExerciseInput:
    started_at: dt.datetime
    activity: str
    minutes: int
    intensity: str | None = None
    muscles: tuple[str, ...] = ()


def describe_exercise(row: ExerciseSession) -> str:
    """ "#4 run 45m vigorous, 2026-03-15 07:00": how messages name a session."""
    when = local_time(row.started_at, row.utc_offset_min).strftime("%Y-%m-%d %H:%M")
    return f"#{row.id} {format_exercise(row.activity, row.minutes, row.intensity)}, {when}"


def add_exercise(session: Session, entry: ExerciseInput, now: dt.datetime) -> ExerciseSession:
    row = ExerciseSession(
        started_at=entry.started_at,
        utc_offset_min=local_offset_min(entry.started_at),
        activity=entry.activity,
        minutes=entry.minutes,
        intensity=entry.intensity,
        muscles=list(entry.muscles),
        source="exercise",
        created_at=now,
        updated_at=now,
    )
    change = history.start_change(session, "exercise", "added an exercise session", now)
    session.add(row)
    session.flush()
    history.remember_created(session, change, row)
    change.summary = f"added exercise session {describe_exercise(row)}"
    return row


def list_exercise(
    session: Session, since: when.Bound | None = None, until: when.Bound | None = None
) -> list[ExerciseSession]:
    return list(queries.list_exercise(session, since, until))
