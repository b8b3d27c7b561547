"""The selects behind check-ins, exercise sessions, medications, conditions and labs.

Listings return live rows only (``deleted_at IS NULL``); a soft-deleted check-in is looked up on
purpose by `checkin_row_on`, so that checking in again for its date revives the row (the date is
unique).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.core.errors import NotFound
from spasmlog.core.parsing import Bound
from spasmlog.db.models import Checkin, Condition, ExerciseSession, LabResult, Medication
from spasmlog.db.queries.episodes import since_until

# --- check-ins ---------------------------------------------------------------------------------


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


# --- exercise ----------------------------------------------------------------------------------


def list_exercise(
    session: Session, since: Bound | None = None, until: Bound | None = None
) -> Sequence[ExerciseSession]:
    """Live sessions from every source (exercise, log, checkin, import), newest first."""
    query = select(ExerciseSession).where(ExerciseSession.deleted_at.is_(None))
    query = query.where(*since_until(ExerciseSession, since, until))
    order = (ExerciseSession.started_at.desc(), ExerciseSession.id.desc())
    return session.scalars(query.order_by(*order)).all()


# --- medications -------------------------------------------------------------------------------


def list_medications(session: Session, include_stopped: bool = False) -> Sequence[Medication]:
    """Live medication periods, current ones by default; oldest start first."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    if not include_stopped:
        query = query.where(Medication.stopped_on.is_(None))
    return session.scalars(query.order_by(Medication.started_on, Medication.id)).all()


def medication_periods(session: Session, generic: str | None, name: str) -> Sequence[Medication]:
    """Every live period of one drug: the same generic, or (when unknown) the same name."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    if generic is not None:
        query = query.where(Medication.generic == generic)
    else:
        query = query.where(Medication.generic.is_(None))
    rows = session.scalars(query.order_by(Medication.started_on, Medication.id)).all()
    if generic is not None:
        return rows
    wanted = " ".join(name.lower().split())
    return [row for row in rows if " ".join(row.name.lower().split()) == wanted]


# --- conditions --------------------------------------------------------------------------------


def list_conditions(session: Session) -> Sequence[Condition]:
    """Live conditions, current ones first, then by when they began."""
    query = select(Condition).where(Condition.deleted_at.is_(None))
    order = (Condition.until.is_not(None), Condition.since, Condition.id)
    return session.scalars(query.order_by(*order)).all()


def get_condition(session: Session, condition_id: int) -> Condition:
    row = session.get(Condition, condition_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"No condition with ID {condition_id}. See `spasmlog conditions list`.")
    return row


# --- labs --------------------------------------------------------------------------------------


def list_labs(session: Session, test: str | None = None) -> Sequence[LabResult]:
    """Live lab results, newest first."""
    query = select(LabResult).where(LabResult.deleted_at.is_(None))
    if test is not None:
        query = query.where(LabResult.test == test)
    return session.scalars(query.order_by(LabResult.taken_on.desc(), LabResult.id.desc())).all()
