"""The selects of an import from another app: what each source wrote before, and the rows it
could meet in the diary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.db.models import Checkin, Episode, ExerciseSession, Provenance

_IN = 500  # ids per IN (...) list


def checkins_between(session: Session, first: dt.date, last: dt.date) -> dict[dt.date, Checkin]:
    """Check-ins on the dates [first, last], deleted ones too (the date is unique)."""
    query = select(Checkin).where(Checkin.date >= first, Checkin.date <= last)
    return {row.date: row for row in session.scalars(query)}


def provenance_of(session: Session, table: str, ids: Sequence[int]) -> list[Provenance]:
    """The live provenance rows of these rows of `table`."""
    found: list[Provenance] = []
    for at in range(0, len(ids), _IN):
        query = select(Provenance).where(
            Provenance.table_name == table,
            Provenance.row_id.in_(ids[at : at + _IN]),
            Provenance.deleted_at.is_(None),
        )
        found += session.scalars(query)
    return found


def rows_by_key(session: Session, source: str, table: str) -> dict[str, Provenance]:
    """The live whole-row provenance of one source in one table, by the source's key."""
    query = select(Provenance).where(
        Provenance.source == source,
        Provenance.table_name == table,
        Provenance.field == "*",
        Provenance.deleted_at.is_(None),
    )
    return {row.key: row for row in session.scalars(query) if row.key is not None}


def sessions_between(
    session: Session, first: dt.datetime, last: dt.datetime
) -> list[ExerciseSession]:
    """Live exercise sessions starting in [first, last]."""
    query = select(ExerciseSession).where(
        ExerciseSession.deleted_at.is_(None),
        ExerciseSession.started_at >= first,
        ExerciseSession.started_at <= last,
    )
    return list(session.scalars(query))


def episodes_at(session: Session, starts: Iterable[dt.datetime]) -> list[Episode]:
    """Live episodes starting at any of these instants."""
    moments = sorted(set(starts))
    found: list[Episode] = []
    for at in range(0, len(moments), _IN):
        query = select(Episode).where(
            Episode.deleted_at.is_(None), Episode.started_at.in_(moments[at : at + _IN])
        )
        found += session.scalars(query)
    return found
