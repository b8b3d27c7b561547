"""Exercise sessions, from every source: `exercise add`, a check-in's exercise, an episode's
`log --exercise` and imports. The sessions table is the one source of truth for exercise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from spasmlog.core import when
from spasmlog.core.clock import local_offset_min, local_time
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import format_exercise
from spasmlog.db import Session, history, queries
from spasmlog.db.models import ExerciseSession
from spasmlog.diary import edits
from spasmlog.diary.edits import FieldChange


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


def new_session(entry: ExerciseInput, source: str, now: dt.datetime) -> ExerciseSession:
    """A session row, not yet added, with the offset its own start had in the person's zone;
    `source` is the command that made it."""
    return ExerciseSession(
        started_at=entry.started_at,
        utc_offset_min=local_offset_min(entry.started_at),
        activity=entry.activity,
        minutes=entry.minutes,
        intensity=entry.intensity,
        muscles=list(entry.muscles),
        source=source,
        created_at=now,
        updated_at=now,
    )


def add_exercise(session: Session, entry: ExerciseInput, now: dt.datetime) -> ExerciseSession:
    row = new_session(entry, "exercise", now)
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


EXERCISE_FIELDS = ("started_at", "activity", "minutes", "intensity", "muscles")


@dataclass(frozen=True)
class ExerciseEdited:
    session: ExerciseSession
    changes: list[FieldChange]  # empty: it said that already, and nothing was written


def edit_exercise(
    session: Session, session_id: int, updates: dict[str, object], now: dt.datetime
) -> ExerciseEdited:
    """Change the given fields of a session, from any source (`updates` keys: EXERCISE_FIELDS;
    muscles a list). A session logged with an episode may be moved off the episode's start."""
    unknown = set(updates) - set(EXERCISE_FIELDS)
    if unknown or not updates:
        raise InvalidInput(
            "edit",
            ", ".join(sorted(unknown)) or "(nothing)",
            "Give a field to change, e.g. --minutes 40.",
        )
    [row] = edits.get_rows(
        session, ExerciseSession, [session_id], "exercise session", "spasmlog exercise"
    )
    changes = edits.changes_of(row, updates)
    if not changes:
        return ExerciseEdited(row, [])
    change = history.start_change(
        session, "exercise edit", f"edited exercise session {describe_exercise(row)}", now
    )
    values = {c.field: c.after for c in changes}
    if "started_at" in values:
        values["utc_offset_min"] = local_offset_min(values["started_at"])  # type: ignore[arg-type]
    edits.write(session, change, row, values, now)
    session.flush()
    return ExerciseEdited(row, changes)


def delete_exercise(
    session: Session, ids: Sequence[int], now: dt.datetime
) -> list[ExerciseSession]:
    """Soft delete sessions from any source, as one change: a run recorded twice (by `log
    --exercise` and `checkin --exercise`) loses one copy. An episode logged with a deleted
    session no longer names it (undo puts both back)."""
    rows = edits.get_rows(session, ExerciseSession, ids, "exercise session", "spasmlog exercise")

    def detach(change: history.Change, row: ExerciseSession) -> None:
        for episode in queries.episodes_with_exercise(session, row.id):
            history.remember_before(session, change, episode)
            episode.exercise_session_id = None
            episode.updated_at = now

    edits.soft_delete(
        session, rows, "exercise delete", describe_exercise, "exercise session", now, detach
    )
    return rows


def restore_exercise(
    session: Session, ids: Sequence[int], now: dt.datetime
) -> list[ExerciseSession]:
    rows = edits.get_rows(
        session, ExerciseSession, ids, "exercise session", "spasmlog exercise", deleted=True
    )
    edits.undelete(session, rows, "exercise restore", describe_exercise, "exercise session", now)
    return rows
