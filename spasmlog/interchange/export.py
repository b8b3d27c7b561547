"""The data exports: one kind as CSV, the whole diary as JSON (formats in spasmlog.interchange.records).

Records come straight from the ORM rows through the record functions in spasmlog.interchange.records, so a
CSV written here is exactly what `spasmlog import` reads back. Nothing here imports pandas.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from spasmlog import __version__
from spasmlog.db import Session
from spasmlog.db.models import (
    Checkin,
    Condition,
    ExerciseSession,
    LabResult,
    Medication,
    Tracked,
    Trial,
)
from spasmlog.db.queries import exports
from spasmlog.diary.trials import copy_record
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
_SIMPLE: dict[str, tuple[type[Tracked], Callable[[Any], dict[str, Any]]]] = {
    "checkins": (Checkin, checkin_record),
    "exercise": (ExerciseSession, exercise_record),
    "meds": (Medication, medication_record),
    "conditions": (Condition, condition_record),
    "labs": (LabResult, lab_record),
}


def _with_deleted_at(record: dict[str, Any], row: Tracked) -> dict[str, Any]:
    deleted = row.deleted_at
    return {**record, "deleted_at": None if deleted is None else deleted.isoformat()}


def kind_records(
    session: Session, kind: str, include_deleted: bool = False
) -> list[dict[str, Any]]:
    """Every record of one kind, in time order; with `include_deleted` each has "deleted_at"."""
    if kind == "episodes":
        pairs: list[tuple[Tracked, dict[str, Any]]] = [
            (episode, episode_record(episode, exercise))
            for episode, exercise in exports.episodes_with_exercise(session, include_deleted)
        ]
    else:
        model, to_record = _SIMPLE[kind]
        found = exports.rows(session, model, include_deleted=include_deleted)
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
    found = exports.rows(session, Trial, include_deleted=include_deleted)
    document["trials"] = [
        _with_deleted_at(copy_record(trial), trial) if include_deleted else copy_record(trial)
        for trial in found
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
