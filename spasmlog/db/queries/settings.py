"""Diary settings (a start of observation set by hand) and the first records, which together
say when observation began."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from spasmlog.core.clock import analysis_day, local_time
from spasmlog.db.models import Checkin, DiarySetting, Episode, Provenance

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
    """The analysis day of the earliest live episode and the date of the earliest live check-in
    the person made.

    Only what the person recorded counts: episodes (logged or imported) and check-ins, never
    medications, conditions or labs, whose start dates reach back years before any diary, nor
    check-ins that only an import of another app's data made (years of a phone's water and
    sleep are not years of a spasm diary)."""
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
    return episode_day, first_own_checkin(executor)


# The check-in columns a person can answer: one of them set, and not by an import from another
# app, makes a check-in the person's own.
ANSWERS = (
    "fluid_ml", "sweating", "vomiting", "diarrhea", "fever", "hot_weather", "sleep_h",
    "magnesium_mg", "alcohol_units", "tags", "note", "exercised", "trial_taken",
)  # fmt: skip


def first_own_checkin(executor: Session | Connection) -> dt.date | None:
    """The date of the earliest live check-in the person made: not one that an import of
    health data from another app made and nobody added to since. Such a check-in holds only
    values with provenance equal to them (spasmlog.db.models.Provenance); a value typed over
    an imported one no longer equals it, and makes the day the person's."""
    live = Checkin.deleted_at.is_(None)
    imported = select(Provenance.row_id).where(
        Provenance.table_name == Checkin.__tablename__, Provenance.deleted_at.is_(None)
    )
    untouched = select(func.min(Checkin.date)).where(live, Checkin.id.not_in(imported))
    first = executor.execute(untouched).scalar()
    early = live & Checkin.id.in_(imported)
    if first is not None:
        early &= Checkin.date < first
    columns = [getattr(Checkin, name) for name in ANSWERS]
    candidates = executor.execute(
        select(Checkin.id, Checkin.date, *columns).where(early).order_by(Checkin.date)
    ).all()
    if not candidates:
        return first
    wrote: dict[int, dict[str, object]] = {}
    for row_id, name, value in executor.execute(
        select(Provenance.row_id, Provenance.field, Provenance.value)
        .join(Checkin, Checkin.id == Provenance.row_id)
        .where(Provenance.table_name == Checkin.__tablename__, Provenance.deleted_at.is_(None))
        .where(early)
    ):
        wrote.setdefault(row_id, {})[name] = value
    for row_id, day, *values in candidates:
        imported_values = wrote.get(row_id, {})
        for name, value in zip(ANSWERS, values, strict=True):
            if value is None or value == []:
                continue
            source = imported_values.get(name)
            if name == "tags" and isinstance(source, list):
                if any(tag not in source for tag in value):
                    return day
            elif source != value:
                return day
    return first


def observed_from(executor: Session | Connection) -> dt.date | None:
    """The first day of observation: the earliest episode or check-in, or the start the person
    set (`spasmlog observe --since`) when that is earlier. None for a diary with neither."""
    days = [day for day in first_records(executor) if day is not None]
    set_by_hand = setting(executor, OBSERVED_SINCE)
    if set_by_hand:
        days.append(dt.date.fromisoformat(set_by_hand))
    return min(days, default=None)
