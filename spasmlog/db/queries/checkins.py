"""The selects of check-ins. Listings return live rows; `checkin_row_on` finds a soft-deleted one
on purpose, so that checking in again for its date revives it (the date is unique)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.db.models import Checkin, ExerciseSession


def checkin_row_on(session: Session, day: dt.date) -> Checkin | None:
    """The date's check-in row, even a soft-deleted one (the date is unique)."""
    return session.scalars(select(Checkin).where(Checkin.date == day)).first()


def list_checkins(
    session: Session, since: dt.date | None = None, until: dt.date | None = None
) -> Sequence[Checkin]:
    """Live check-ins, newest date first. Days without a row are simply absent."""
    query = select(Checkin).where(Checkin.deleted_at.is_(None))
    if since is not None:
        query = query.where(Checkin.date >= since)
    if until is not None:
        query = query.where(Checkin.date <= until)
    return session.scalars(query.order_by(Checkin.date.desc())).all()


def checkin_exercise(
    session: Session, since: dt.date, until: dt.date
) -> dict[dt.date, ExerciseSession]:
    """The live sessions given with `checkin --exercise`, by the local date they belong to."""
    rows = session.scalars(
        select(ExerciseSession)
        .where(
            ExerciseSession.deleted_at.is_(None),
            ExerciseSession.source == "checkin",
            ExerciseSession.local_date >= since,
            ExerciseSession.local_date <= until,
        )
        .order_by(ExerciseSession.id)
    ).all()
    return {row.local_date: row for row in rows}
