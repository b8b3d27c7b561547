"""The selects of an import: the stored rows a file's rows could repeat or update.

Read as plain values a batch at a time, with times and lists as their stored text (no per-row
processing): a million stored rows are compared with a million file rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from spasmlog.db.models import Checkin, Episode, ExerciseSession, Tracked

Row = tuple[Any, ...]


def _as_stored(column: InstrumentedAttribute[Any]) -> Any:
    """A column's text as stored: no per-row processing."""
    return type_coerce(column, String)


def _streamed(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Row]:
    for batch in session.execute(query.execution_options(yield_per=10_000)).partitions():
        yield from batch


def episodes_started_between(session: Session, low: str, high: str) -> Iterator[Row]:
    """Live episodes whose stored start text is in [low, high]: (id, start text, muscle, side,
    duration_s, severity, woke, fluid_ml_24h, exercise activity, minutes, intensity, relief JSON,
    relief_score, symptoms JSON, medications JSON, note)."""
    started = _as_stored(Episode.started_at)
    query = (
        select(
            Episode.id,
            started,
            Episode.muscle,
            Episode.side,
            Episode.duration_s,
            Episode.severity,
            Episode.woke,
            Episode.fluid_ml_24h,
            ExerciseSession.activity,
            ExerciseSession.minutes,
            ExerciseSession.intensity,
            _as_stored(Episode.relief),
            Episode.relief_score,
            _as_stored(Episode.symptoms),
            _as_stored(Episode.medications),
            Episode.note,
        )  # fmt: skip
        .outerjoin(ExerciseSession, ExerciseSession.id == Episode.exercise_session_id)
        .where(Episode.deleted_at.is_(None), started >= low, started <= high)
    )
    return _streamed(session, query)


def sessions_started_between(session: Session, low: str, high: str) -> Iterator[Row]:
    """Live exercise sessions whose stored start text is in [low, high]: (id, start text,
    activity, minutes, intensity, muscles JSON, source)."""
    started = _as_stored(ExerciseSession.started_at)
    query = select(
        ExerciseSession.id, started, ExerciseSession.activity, ExerciseSession.minutes,
        ExerciseSession.intensity, _as_stored(ExerciseSession.muscles), ExerciseSession.source,
    ).where(ExerciseSession.deleted_at.is_(None), started >= low, started <= high)  # fmt: skip
    return _streamed(session, query)


def sessions_with_episodes(session: Session, starts: Sequence[str]) -> list[Row]:
    """Live sessions starting between the earliest and latest of `starts` (stored text), each
    with the episode linked to it if any: (id, start text, activity, minutes, intensity, source,
    episode id), oldest first."""
    raw = _as_stored(ExerciseSession.started_at)
    query = (
        select(
            ExerciseSession.id,
            raw,
            ExerciseSession.activity,
            ExerciseSession.minutes,
            ExerciseSession.intensity,
            ExerciseSession.source,
            Episode.id,
        )  # fmt: skip
        .outerjoin(Episode, Episode.exercise_session_id == ExerciseSession.id)
        .where(ExerciseSession.deleted_at.is_(None), raw >= min(starts), raw <= max(starts))
    )  # sorted here: in SQL, SQLite would walk the whole table by id rather than search by start
    return sorted(session.execute(query), key=lambda row: row[0])


def live_rows(
    session: Session, model: type[Tracked], columns: Sequence[str], days: tuple[Any, Any] | None
) -> Iterator[Row]:
    """(id, *columns) of every live row of a small table (check-ins: only dates in `days`)."""
    query = select(model.id, *(getattr(model, name) for name in columns))
    query = query.where(model.deleted_at.is_(None))
    if days is not None:
        query = query.where(Checkin.date >= days[0], Checkin.date <= days[1])
    return _streamed(session, query)


def deleted_checkins_on(session: Session, days: Iterable[dt.date]) -> dict[dt.date, int]:
    """The ids of soft-deleted check-ins on these dates (the date is unique)."""
    query = select(Checkin.id, Checkin.date).where(
        Checkin.deleted_at.is_not(None), Checkin.date.in_(list(days))
    )
    return {day: row_id for row_id, day in session.execute(query)}
