"""The selects behind `spasmlog trial`: trials, and the check-ins and cramps of their nights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from spasmlog.db.models import Checkin, Episode, Trial

_DAY = dt.timedelta(days=1)


def live_trials(session: Session) -> Sequence[Trial]:
    """Every trial that was not undone, newest first."""
    query = select(Trial).where(Trial.deleted_at.is_(None))
    return session.scalars(query.order_by(Trial.started_on.desc(), Trial.id.desc())).all()


def get_trial(session: Session, trial_id: int) -> Trial | None:
    """A trial by id; None when there is none or it was undone."""
    row = session.get(Trial, trial_id)
    return None if row is None or row.deleted_at is not None else row


def trial_answers(session: Session, first: dt.date, last: dt.date) -> dict[dt.date, bool | None]:
    """The dates in [first, last] with a live check-in, each with its answer to "did you take
    the trial's remedy that night?" (None: not answered)."""
    query = select(Checkin.date, Checkin.trial_taken).where(
        Checkin.deleted_at.is_(None), Checkin.date >= first, Checkin.date <= last
    )
    return {day: taken for day, taken in session.execute(query)}


def episodes_near(
    session: Session, first: dt.date, last: dt.date
) -> Sequence[Row[dt.datetime, int, int | None, int | None, list[str]]]:
    """Live episodes that can belong to the nights [first, last] (an analysis day runs into the
    next calendar date): start, UTC offset, severity, duration and symptoms."""
    query = select(
        Episode.started_at,
        Episode.utc_offset_min,
        Episode.severity,
        Episode.duration_s,
        Episode.symptoms,
    ).where(
        Episode.deleted_at.is_(None),
        Episode.local_date >= first,
        Episode.local_date <= last + _DAY,
    )
    return session.execute(query).all()
