"""The data exports: one kind as CSV, the whole diary as JSON (formats in spasmlog.interchange.records).

Records come straight from the ORM rows through the record functions in spasmlog.interchange.records, so a
CSV written here is exactly what `spasmlog import` reads back. Nothing here imports pandas.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog import __version__
from spasmlog.db.models import (
    Checkin,
    Condition,
    Episode,
    ExerciseSession,
    LabResult,
    Medication,
    Tracked,
)
from spasmlog.interchange.records import (
    COLUMNS_BY_KIND,
    DIARY_SCHEMA,
    checkin_record,
    condition_record,
    episode_record,
    exercise_record,
    lab_record,
    medication_record,
    write_csv,
)

KINDS: tuple[str, ...] = tuple(COLUMNS_BY_KIND)
T = TypeVar("T", bound=Tracked)

_SIMPLE: dict[str, tuple[type[Tracked], Callable[[Any], dict[str, Any]], tuple[Any, ...]]] = {
    "checkins": (Checkin, checkin_record, (Checkin.date,)),
    "exercise": (ExerciseSession, exercise_record, (ExerciseSession.started_at,)),
    "meds": (Medication, medication_record, (Medication.started_on,)),
    "conditions": (Condition, condition_record, ()),
    "labs": (LabResult, lab_record, (LabResult.taken_on,)),
}


def rows(session: Session, model: type[T], *order: Any, include_deleted: bool = False) -> list[T]:
    """Rows of one table in the given order (then by id); soft-deleted ones only if asked."""
    query = select(model)
    if not include_deleted:
        query = query.where(model.deleted_at.is_(None))
    return list(session.scalars(query.order_by(*order, model.id)))


def _with_deleted_at(record: dict[str, Any], row: Tracked) -> dict[str, Any]:
    deleted = row.deleted_at
    return {**record, "deleted_at": None if deleted is None else deleted.isoformat()}


def kind_records(
    session: Session, kind: str, include_deleted: bool = False
) -> list[dict[str, Any]]:
    """Every record of one kind, in time order; with `include_deleted` each has "deleted_at"."""
    if kind == "episodes":
        query = select(Episode, ExerciseSession).outerjoin(
            ExerciseSession, Episode.exercise_session_id == ExerciseSession.id
        )
        if not include_deleted:
            query = query.where(Episode.deleted_at.is_(None))
        query = query.order_by(Episode.started_at, Episode.id)
        pairs: list[tuple[Tracked, dict[str, Any]]] = [
            (row[0], episode_record(row[0], row[1])) for row in session.execute(query)
        ]
    else:
        model, to_record, order = _SIMPLE[kind]
        found = rows(session, model, *order, include_deleted=include_deleted)
        pairs = [(row, to_record(row)) for row in found]
    if include_deleted:
        return [_with_deleted_at(record, row) for row, record in pairs]
    return [record for _, record in pairs]


def export_csv(session: Session, kind: str) -> tuple[str, int]:
    """One kind as CSV (one header row, lists joined with ";", formula-like text guarded), and
    how many rows it holds: a note with line breaks makes lines and rows differ."""
    records = kind_records(session, kind)
    return write_csv(records, COLUMNS_BY_KIND[kind]), len(records)


def export_json(session: Session, exported_at: dt.datetime, include_deleted: bool = False) -> str:
    """The whole diary as one JSON document (schema "spasmlog.diary/1")."""
    document: dict[str, Any] = {
        "schema": DIARY_SCHEMA,
        "spasmlog_version": __version__,
        "exported_at": exported_at.isoformat(),
    }
    for kind in KINDS:
        document[kind] = kind_records(session, kind, include_deleted)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
