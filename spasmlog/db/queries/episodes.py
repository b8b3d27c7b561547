"""Every select the diary's use cases need; writes go through the ORM inside `Store.writing()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, select, update
from sqlalchemy.orm import Session

from spasmlog.core.clock import analysis_day, local_time
from spasmlog.core.errors import NotFound
from spasmlog.core.parsing import Bound
from spasmlog.db.models import Checkin, DiarySetting, Episode, ExerciseSession, Medication


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
    """Episodes newest first, each with its exercise session (if any)."""
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


def live_medications(session: Session) -> Sequence[Medication]:
    """Every live medication period, in the order they started."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    return session.scalars(query.order_by(Medication.started_on, Medication.id)).all()


def exercise_for(session: Session, episode: Episode) -> ExerciseSession | None:
    if episode.exercise_session_id is None:
        return None
    return session.get(ExerciseSession, episode.exercise_session_id)


# --- observation ---------------------------------------------------------------------------------

OBSERVED_SINCE = "observed_since"  # the diary_settings key of a start set by hand


def setting(executor: Session | Connection, key: str) -> str | None:
    """A live diary setting's value, or None."""
    query = select(DiarySetting.value).where(
        DiarySetting.key == key, DiarySetting.deleted_at.is_(None)
    )
    return executor.execute(query).scalar()


def setting_row(session: Session, key: str) -> DiarySetting | None:
    """A setting's row, even a deleted one (the key is unique), for writing."""
    return session.scalars(select(DiarySetting).where(DiarySetting.key == key)).first()


def first_records(executor: Session | Connection) -> tuple[dt.date | None, dt.date | None]:
    """The analysis day of the earliest live episode and the date of the earliest live check-in.

    Only what the person recorded counts: episodes (logged or imported) and check-ins, never
    medications, conditions or labs, whose start dates reach back years before any diary."""
    live = Episode.deleted_at.is_(None)
    first_date = executor.execute(select(func.min(Episode.local_date)).where(live)).scalar()
    episode_day = None
    if first_date is not None:  # the earliest analysis day is on that date or the one before
        early = executor.execute(
            select(Episode.started_at, Episode.utc_offset_min).where(
                live, Episode.local_date <= first_date + dt.timedelta(days=1)
            )
        )
        episode_day = min(analysis_day(local_time(start, offset)) for start, offset in early)
    checkin_day = executor.execute(
        select(func.min(Checkin.date)).where(Checkin.deleted_at.is_(None))
    ).scalar()
    return episode_day, checkin_day


def observed_from(executor: Session | Connection) -> dt.date | None:
    """The first day of observation: the earliest episode or check-in, or the start the person
    set (`spasmlog observe --since`) when that is earlier. None for a diary with neither."""
    days = [day for day in first_records(executor) if day is not None]
    set_by_hand = setting(executor, OBSERVED_SINCE)
    if set_by_hand:
        days.append(dt.date.fromisoformat(set_by_hand))
    return min(days, default=None)
