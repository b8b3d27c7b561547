"""Every select the diary's use cases need; writes go through the ORM inside `Diary.writing()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from spasmlog.db.models import Episode, ExerciseSession, Medication
from spasmlog.errors import NotFound


def get_episode(session: Session, episode_id: int, include_deleted: bool = False) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None or (episode.deleted_at is not None and not include_deleted):
        hint = " It is deleted; `spasmlog restore ID` brings it back." if episode else ""
        raise NotFound(f"No episode with ID {episode_id}.{hint} See `spasmlog list`.")
    return episode


def list_episodes(
    session: Session,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    muscle: str | None = None,
    limit: int | None = None,
    include_deleted: bool = False,
) -> Sequence[tuple[Episode, ExerciseSession | None]]:
    """Episodes newest first, each with its exercise session (if any)."""
    query = select(Episode, ExerciseSession).outerjoin(
        ExerciseSession, Episode.exercise_session_id == ExerciseSession.id
    )
    if not include_deleted:
        query = query.where(Episode.deleted_at.is_(None))
    if since is not None:
        query = query.where(Episode.started_at >= since)
    if until is not None:
        query = query.where(Episode.started_at <= until)
    if muscle is not None:
        query = query.where(Episode.muscle == muscle)
    query = query.order_by(Episode.started_at.desc(), Episode.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query).all()]


def count_episodes_between(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    """Live episodes with start in (start, end]."""
    query = select(func.count(Episode.id)).where(
        Episode.deleted_at.is_(None), Episode.started_at > start, Episode.started_at <= end
    )
    return int(session.scalar(query) or 0)


def episode_medications_between(
    session: Session, start: dt.datetime, end: dt.datetime | None, batch: int = 5_000
) -> Iterator[Sequence[Row[int, dt.datetime, int, list[str], dt.datetime, dt.datetime | None]]]:
    """Episodes' medication lists (deleted episodes too) with start in [start, end) (no end:
    every later one), as plain rows, a batch at a time."""
    query = select(
        Episode.id,
        Episode.started_at,
        Episode.utc_offset_min,
        Episode.medications,
        Episode.updated_at,
        Episode.deleted_at,
    ).where(Episode.started_at >= start)
    if end is not None:
        query = query.where(Episode.started_at < end)
    ordered = query.order_by(Episode.started_at, Episode.id).execution_options(yield_per=batch)
    yield from session.execute(ordered).partitions()


def set_episode_medications(
    session: Session, lists: Sequence[tuple[int, list[str]]], now: dt.datetime
) -> None:
    """New medication lists for episodes by id, in one executemany."""
    if lists:
        session.execute(
            update(Episode),
            [{"id": row_id, "medications": meds, "updated_at": now} for row_id, meds in lists],
        )


def live_medications(session: Session) -> Sequence[Medication]:
    """Every live medication period, in the order they started."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    return session.scalars(query.order_by(Medication.started_on, Medication.id)).all()


def exercise_for(session: Session, episode: Episode) -> ExerciseSession | None:
    if episode.exercise_session_id is None:
        return None
    return session.get(ExerciseSession, episode.exercise_session_id)
