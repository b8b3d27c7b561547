"""The selects of episodes: one by ID, listings, the week before one, their medication lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from spasmlog.core.errors import NotFound
from spasmlog.core.when import Bound
from spasmlog.db.models import Episode, ExerciseSession


def get_episode(session: Session, episode_id: int, include_deleted: bool = False) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None or (episode.deleted_at is not None and not include_deleted):
        hint = " It is deleted; `spasmlog restore ID` brings it back." if episode else ""
        raise NotFound(f"No episode with ID {episode_id}.{hint} See `spasmlog list`.")
    return episode


def since_until(model: Any, since: Bound | None, until: Bound | None) -> list[Any]:
    """WHERE clauses for --since/--until: a date against the row's calendar date (its indexed
    local_date), an instant against its start."""
    clauses = []
    if since is not None:
        clauses.append(
            model.local_date >= since.day if since.day else model.started_at >= since.instant
        )
    if until is not None:
        clauses.append(
            model.local_date <= until.day if until.day else model.started_at <= until.instant
        )
    return clauses


def list_episodes(
    session: Session,
    since: Bound | None = None,
    until: Bound | None = None,
    muscle: str | None = None,
    limit: int | None = None,
    include_deleted: bool = False,
) -> Sequence[tuple[Episode, ExerciseSession | None]]:
    """Episodes newest first (dates compared with each one's own calendar date), each with the
    exercise session logged with it (if any)."""
    query = select(Episode, ExerciseSession).outerjoin(
        ExerciseSession, Episode.exercise_session_id == ExerciseSession.id
    )
    if not include_deleted:
        query = query.where(Episode.deleted_at.is_(None))
    query = query.where(*since_until(Episode, since, until))
    if muscle is not None:
        query = query.where(Episode.muscle == muscle)
    query = query.order_by(Episode.started_at.desc(), Episode.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [(row[0], row[1]) for row in session.execute(query).all()]


def frequent_muscles(session: Session, recent: int = 500) -> list[str]:
    """The muscles of the latest `recent` live episodes, most frequent first (ties: the most
    recently logged first): a person's usual cramps lead the Log page's choices."""
    latest = (
        select(Episode.muscle, Episode.started_at)
        .where(Episode.deleted_at.is_(None))
        .order_by(Episode.started_at.desc())
        .limit(recent)
        .subquery()
    )
    query = (
        select(latest.c.muscle)
        .group_by(latest.c.muscle)
        .order_by(func.count().desc(), func.max(latest.c.started_at).desc())
    )
    return list(session.scalars(query))


def first_episode_near(
    session: Session, muscle: str, side: str | None, start: dt.datetime, within: dt.timedelta
) -> Episode | None:
    """The first logged live episode of `muscle` on `side` that started within `within` of
    `start` (one row, however many there are: a burst of logging stays cheap)."""
    query = select(Episode).where(
        Episode.deleted_at.is_(None),
        Episode.muscle == muscle,
        Episode.side.is_(None) if side is None else Episode.side == side,
        Episode.started_at >= start - within,
        Episode.started_at <= start + within,
    )
    return session.scalars(query.order_by(Episode.id).limit(1)).first()


def count_episodes_between(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    """Live episodes with start in (start, end]."""
    query = select(func.count(Episode.id)).where(
        Episode.deleted_at.is_(None), Episode.started_at > start, Episode.started_at <= end
    )
    return int(session.scalar(query) or 0)


def episode_medications_between(
    session: Session, first: dt.date, last: dt.date | None, batch: int = 5_000
) -> Iterator[Sequence[Row[int, dt.date, list[str], dt.datetime, dt.datetime | None]]]:
    """Episodes' medication lists (deleted episodes too) on the local dates [first, last] (no
    last: every later one), as plain rows, a batch at a time."""
    query = select(
        Episode.id,
        Episode.local_date,
        Episode.medications,
        Episode.updated_at,
        Episode.deleted_at,
    ).where(Episode.local_date >= first)
    if last is not None:
        query = query.where(Episode.local_date <= last)
    ordered = query.order_by(Episode.local_date, Episode.id).execution_options(yield_per=batch)
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


def exercise_for(session: Session, episode: Episode) -> ExerciseSession | None:
    if episode.exercise_session_id is None:
        return None
    return session.get(ExerciseSession, episode.exercise_session_id)


# --- observation ---------------------------------------------------------------------------------
