"""The selects behind the reports, read as chunks of plain tuples.

Core selects run on the raw DBAPI cursor: no ORM objects and no per-row type processing, so a
report over a million episodes reads only the columns it needs, as stored (UTC times and dates as
ISO text, lists as JSON text); spasmlog.reports.load turns the chunks into frames. Soft-deleted
rows are never read. Run them on one `Store.snapshot()` connection, so that every table comes
from the same state of the diary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Select, String, or_, select, type_coerce
from sqlalchemy.dialects import sqlite

from spasmlog.db.models import Checkin, Condition, Episode, ExerciseSession, LabResult, Medication

CHUNK_ROWS = 100_000  # rows held as Python tuples at once
Chunks = tuple[list[str], Iterator[list[tuple[Any, ...]]]]  # column names, then rows by chunk
_DAY = dt.timedelta(days=1)


def _chunks(connection: Connection, query: Select[*tuple[Any, ...]]) -> Chunks:
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(str(compiled))
    names = [column[0] for column in cursor.description]

    def rows() -> Iterator[list[tuple[Any, ...]]]:
        try:
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                yield chunk
        finally:
            cursor.close()

    return names, rows()


def episodes(connection: Connection, first: dt.date, last: dt.date, detail: bool) -> Chunks:
    """Episodes whose calendar date is in [first, last], in time order; `detail` adds their
    symptoms and note (what the doctor summary shows)."""
    columns: list[Any] = [
        Episode.id, Episode.started_at, Episode.utc_offset_min, Episode.local_date,
        Episode.muscle, Episode.side, Episode.duration_s, Episode.severity, Episode.woke,
        Episode.fluid_ml_24h, Episode.time_known, Episode.severity_scale,
    ]  # fmt: skip
    if detail:
        columns += [Episode.symptoms, Episode.note]
    query = (
        select(*columns)
        .where(
            Episode.deleted_at.is_(None), Episode.local_date >= first, Episode.local_date <= last
        )
        .order_by(Episode.started_at, Episode.id)
    )
    return _chunks(connection, query)


def checkins(connection: Connection, first: dt.date, last: dt.date) -> Chunks:
    """One row per check-in date in [first, last]."""
    query = select(
        Checkin.date, Checkin.fluid_ml, Checkin.sweating, Checkin.vomiting, Checkin.diarrhea,
        Checkin.fever, Checkin.hot_weather, Checkin.sleep_h, Checkin.magnesium_mg,
        Checkin.alcohol_units, Checkin.exercised, Checkin.tags,
    ).where(Checkin.deleted_at.is_(None), Checkin.date >= first, Checkin.date <= last)  # fmt: skip
    return _chunks(connection, query.order_by(Checkin.date))


def exercise(connection: Connection, first: dt.date, last: dt.date) -> Chunks:
    """Exercise sessions whose calendar date is in [first, last], in time order."""
    query = (
        select(
            ExerciseSession.id,
            ExerciseSession.started_at,
            ExerciseSession.utc_offset_min,
            ExerciseSession.local_date,
            ExerciseSession.activity,
            ExerciseSession.minutes,
            ExerciseSession.intensity,
            ExerciseSession.source,
        )  # fmt: skip
        .where(
            ExerciseSession.deleted_at.is_(None),
            ExerciseSession.local_date >= first,
            ExerciseSession.local_date <= last,
        )
        .order_by(ExerciseSession.started_at)
    )
    return _chunks(connection, query)


def medications(connection: Connection, last: dt.date) -> Chunks:
    """Every medication period that started by `last`, in the order they started."""
    query = select(
        Medication.id, Medication.name, Medication.generic, Medication.drug_class, Medication.atc,
        Medication.dose, Medication.started_on, Medication.stopped_on,
    ).where(Medication.deleted_at.is_(None), Medication.started_on <= last)  # fmt: skip
    return _chunks(connection, query.order_by(Medication.started_on, Medication.id))


def conditions(connection: Connection) -> Chunks:
    query = select(Condition.id, Condition.name, Condition.group, Condition.since, Condition.until)
    return _chunks(connection, query.where(Condition.deleted_at.is_(None)).order_by(Condition.id))


def labs(connection: Connection, last: dt.date) -> Chunks:
    """Lab results taken by `last`, oldest first."""
    query = select(
        LabResult.id, LabResult.taken_on, LabResult.test, LabResult.value, LabResult.unit,
        LabResult.value_mmol_l, LabResult.range_low_mmol_l, LabResult.range_high_mmol_l,
        LabResult.range_source, LabResult.flag,
    ).where(LabResult.deleted_at.is_(None), LabResult.taken_on <= last)  # fmt: skip
    return _chunks(connection, query.order_by(LabResult.taken_on, LabResult.id))


def episodes_with_symptoms(
    connection: Connection, first: dt.date, last: dt.date, symptoms: tuple[str, ...]
) -> list[int]:
    """The IDs of episodes whose calendar date is in [first, last] and whose symptoms include
    any of `symptoms` (matched in the stored JSON text, without decoding every row)."""
    query = select(Episode.id).where(
        Episode.deleted_at.is_(None),
        Episode.local_date >= first,
        Episode.local_date <= last,
        or_(
            *(type_coerce(Episode.symptoms, String).like(f'%"{symptom}"%') for symptom in symptoms)
        ),
    )
    return [row[0] for chunk in _chunks(connection, query)[1] for row in chunk]
