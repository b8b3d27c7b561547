"""The selects of the exports: every row of a table in time order, and the diary's first change."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.db.models import (
    Change,
    Checkin,
    Condition,
    Episode,
    ExerciseSession,
    LabResult,
    Medication,
    Tracked,
    Trial,
)

T = TypeVar("T", bound=Tracked)
# Each table's time order (then the id): the order of the exported files.
TIME_ORDER: dict[type[Tracked], tuple[Any, ...]] = {
    Episode: (Episode.started_at,),
    Checkin: (Checkin.date,),
    ExerciseSession: (ExerciseSession.started_at,),
    Medication: (Medication.started_on,),
    Condition: (),
    LabResult: (LabResult.taken_on,),
    Trial: (Trial.started_on,),
}


def rows(session: Session, model: type[T], include_deleted: bool = False) -> list[T]:
    """Every row of one table in its time order; soft-deleted ones only if asked."""
    query = select(model)
    if not include_deleted:
        query = query.where(model.deleted_at.is_(None))
    return list(session.scalars(query.order_by(*TIME_ORDER[model], model.id)))


def episodes_with_exercise(
    session: Session, include_deleted: bool = False
) -> list[tuple[Episode, ExerciseSession | None]]:
    """Episodes in time order, each with the exercise session logged with it."""
    query = select(Episode, ExerciseSession).outerjoin(
        ExerciseSession, Episode.exercise_session_id == ExerciseSession.id
    )
    if not include_deleted:
        query = query.where(Episode.deleted_at.is_(None))
    query = query.order_by(Episode.started_at, Episode.id)
    return [(row[0], row[1]) for row in session.execute(query)]


def first_change_time(session: Session) -> dt.datetime | None:
    """When the diary's first change was made: a stable seed for its FHIR patient id."""
    return session.scalar(select(Change.made_at).order_by(Change.id).limit(1))
