"""Diary settings (a start of observation set by hand) and the first records, which together
say when observation began."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from spasmlog.core.clock import analysis_day, local_time
from spasmlog.db.models import Checkin, DiarySetting, Episode

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
