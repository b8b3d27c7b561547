"""The only loader from the diary to pandas DataFrames.

Queries are SQLAlchemy Core selects on the models, run on the raw DBAPI cursor and turned into
frames in bulk (no ORM objects, no per-row type processing), so a report over a million episodes
reads only the columns it needs. Times come out twice: `start_utc` (aware, UTC) and `start_local`
(naive wall-clock time at the offset the person had when logging); `date` is the local calendar
date as a normalized Timestamp. Soft-deleted rows are never loaded.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy as np
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.dialects import sqlite

from spasmlog.db.models import Checkin, Condition, Episode, ExerciseSession, LabResult, Medication
from spasmlog.db.session import Diary

if TYPE_CHECKING:
    from pandas.api.typing import NaTType, NAType

# Local dates can be up to 14 h either side of UTC: pad the SQL range, then filter exactly.
_PAD = dt.timedelta(hours=15)


@dataclass(frozen=True)
class Frames:
    """What a report needs from the diary for one period (both ends inclusive, local dates)."""

    start: dt.date
    end: dt.date
    episodes: pd.DataFrame
    checkins: pd.DataFrame
    exercise: pd.DataFrame
    medications: pd.DataFrame
    conditions: pd.DataFrame
    labs: pd.DataFrame

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


CHUNK_ROWS = 100_000  # rows held as Python tuples at once while a frame is read


# The rows `itertuples` gives of the frames below. Type stubs cannot know a column's type, so
# the reports iterate through these. Blank text is NaN (None when a column holds no text at all),
# a blank nullable number pd.NA, a missing date NaT.


class EpisodeRow(Protocol):
    start_local: pd.Timestamp
    muscle: str
    side: str | float | None
    duration_s: float | NAType
    severity: float | NAType
    note: str | float | None  # with detail=True only


class MedicationRow(Protocol):
    name: str
    generic: str | float | None
    drug_class: str
    atc: str | float | None
    dose: str | float | None
    started_on: pd.Timestamp
    stopped_on: pd.Timestamp | NaTType  # NaT while still taken


class ConditionRow(Protocol):
    name: str
    group: str
    since: pd.Timestamp | NaTType
    until: pd.Timestamp | NaTType


class LabRow(Protocol):
    test: str
    taken_on: pd.Timestamp
    value: float
    unit: str
    value_mmol_l: float
    flag: str
    range_low_mmol_l: float
    range_high_mmol_l: float
    range_source: str


def episode_rows(frame: pd.DataFrame) -> Iterator[EpisodeRow]:
    return cast("Iterator[EpisodeRow]", frame.itertuples(index=False))


def medication_rows(frame: pd.DataFrame) -> Iterator[MedicationRow]:
    return cast("Iterator[MedicationRow]", frame.itertuples(index=False))


def condition_rows(frame: pd.DataFrame) -> Iterator[ConditionRow]:
    return cast("Iterator[ConditionRow]", frame.itertuples(index=False))


def lab_rows(frame: pd.DataFrame) -> Iterator[LabRow]:
    return cast("Iterator[LabRow]", frame.itertuples(index=False))


def _frame(
    diary: Diary,
    query: Select[*tuple[Any, ...]],
    shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The query's rows as a frame, read a chunk at a time. `shape` turns each chunk into its
    compact final form (parsed times, typed columns) as it arrives, so that a million rows never
    sit in memory as Python objects all at once."""
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    parts = []
    with diary.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(str(compiled))
        names = [column[0] for column in cursor.description]
        while rows := cursor.fetchmany(CHUNK_ROWS):
            part = pd.DataFrame.from_records(rows, columns=names)
            parts.append(part if shape is None else shape(part))
        connection.rollback()
    if not parts:
        empty = pd.DataFrame.from_records([], columns=names)
        return empty if shape is None else shape(empty)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _shared_text(series: pd.Series) -> pd.Series:
    """A repetitive text column as pandas' str dtype, holding one object per distinct value
    instead of one per row."""
    codes, uniques = pd.factorize(series)  # a missing value gets code -1...
    values = np.empty(len(uniques) + 1, dtype=object)  # ...which picks the last: None
    values[:-1] = uniques
    return pd.Series(values[codes], index=series.index).astype("str")


def _local_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Add start_utc, start_local and date from the stored UTC text and offset."""
    utc = pd.to_datetime(frame["started_at"], format="ISO8601", utc=True)
    local = utc.dt.tz_localize(None) + pd.to_timedelta(frame["utc_offset_min"], unit="min")
    return frame.drop(columns=["started_at"]).assign(
        start_utc=utc, start_local=local, date=local.dt.normalize()
    )


def _json_lists(series: pd.Series) -> pd.Series:
    return series.map(lambda text: json.loads(text) if text else [])


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="ISO8601")


def _utc_text(day: dt.date, pad: dt.timedelta) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + pad


def load_episodes(diary: Diary, start: dt.date, end: dt.date, detail: bool = False) -> pd.DataFrame:
    """Episodes with a local start date in [start, end]; `detail` adds lists and the note."""
    columns = [
        Episode.id,
        Episode.started_at,
        Episode.utc_offset_min,
        Episode.muscle,
        Episode.side,
        Episode.duration_s,
        Episode.severity,
        Episode.woke,
        Episode.fluid_ml_24h,
    ]
    if detail:
        columns += [
            Episode.symptoms,
            Episode.relief,
            Episode.relief_score,
            Episode.medications,
            Episode.note,
        ]
    query = (
        select(*columns)
        .where(
            Episode.deleted_at.is_(None),
            Episode.started_at >= _utc_text(start, -_PAD),
            Episode.started_at < _utc_text(end, dt.timedelta(days=1) + _PAD),
        )
        .order_by(Episode.started_at, Episode.id)
    )

    def shape(chunk: pd.DataFrame) -> pd.DataFrame:
        chunk = _local_times(chunk)
        chunk = chunk[(chunk["date"] >= pd.Timestamp(start)) & (chunk["date"] <= pd.Timestamp(end))]
        chunk = chunk.astype(
            {
                "duration_s": "Float64",
                "severity": "Float64",
                "fluid_ml_24h": "Float64",
                "woke": "boolean",
            }
        )
        chunk = chunk.assign(muscle=_shared_text(chunk["muscle"]), side=_shared_text(chunk["side"]))
        if detail:
            chunk["note"] = chunk["note"].astype("str")  # whatever NULLs a chunk happens to hold
            for column in ("symptoms", "relief", "medications"):
                chunk[column] = _json_lists(chunk[column])
        return chunk

    return _frame(diary, query, shape).reset_index(drop=True)


def load_checkins(diary: Diary, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per check-in day; days without a check-in are simply absent (missing, not zero)."""
    query = select(
        Checkin.date,
        Checkin.fluid_ml,
        Checkin.sweating,
        Checkin.vomiting,
        Checkin.diarrhea,
        Checkin.fever,
        Checkin.hot_weather,
        Checkin.sleep_h,
        Checkin.magnesium_mg,
        Checkin.alcohol_units,
        Checkin.tags,
    ).where(Checkin.deleted_at.is_(None), Checkin.date >= start, Checkin.date <= end)
    frame = _frame(diary, query.order_by(Checkin.date))
    frame["date"] = _dates(frame["date"])
    frame["tags"] = _json_lists(frame["tags"])
    flags = ["sweating", "vomiting", "diarrhea", "fever", "hot_weather"]
    numbers = ["fluid_ml", "sleep_h", "magnesium_mg", "alcohol_units"]
    return frame.astype({**dict.fromkeys(flags, "boolean"), **dict.fromkeys(numbers, "Float64")})


def load_exercise(diary: Diary, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Exercise sessions starting from a day before `start` (their 24 h can reach into it)."""
    query = (
        select(
            ExerciseSession.id,
            ExerciseSession.started_at,
            ExerciseSession.utc_offset_min,
            ExerciseSession.activity,
            ExerciseSession.minutes,
            ExerciseSession.intensity,
            ExerciseSession.source,
        )
        .where(
            ExerciseSession.deleted_at.is_(None),
            ExerciseSession.started_at >= _utc_text(start, -_PAD - dt.timedelta(days=1)),
            ExerciseSession.started_at < _utc_text(end, dt.timedelta(days=1) + _PAD),
        )
        .order_by(ExerciseSession.started_at)
    )
    frame = _local_times(_frame(diary, query))
    return frame.astype({"minutes": "Float64"})


def load_medications(diary: Diary, end: dt.date) -> pd.DataFrame:
    """Every medication period that started by `end` (stopped_on NaT while still taken)."""
    query = select(
        Medication.id,
        Medication.name,
        Medication.generic,
        Medication.drug_class,
        Medication.atc,
        Medication.dose,
        Medication.started_on,
        Medication.stopped_on,
    ).where(Medication.deleted_at.is_(None), Medication.started_on <= end)
    frame = _frame(diary, query.order_by(Medication.started_on, Medication.id))
    for column in ("started_on", "stopped_on"):
        frame[column] = _dates(frame[column])
    return frame


def load_conditions(diary: Diary) -> pd.DataFrame:
    query = select(Condition.id, Condition.name, Condition.group, Condition.since, Condition.until)
    frame = _frame(diary, query.where(Condition.deleted_at.is_(None)).order_by(Condition.id))
    for column in ("since", "until"):
        frame[column] = _dates(frame[column])
    return frame


def load_labs(diary: Diary, end: dt.date) -> pd.DataFrame:
    query = select(
        LabResult.id,
        LabResult.taken_on,
        LabResult.test,
        LabResult.value,
        LabResult.unit,
        LabResult.value_mmol_l,
        LabResult.range_low_mmol_l,
        LabResult.range_high_mmol_l,
        LabResult.range_source,
        LabResult.flag,
    ).where(LabResult.deleted_at.is_(None), LabResult.taken_on <= end)
    frame = _frame(diary, query.order_by(LabResult.taken_on, LabResult.id))
    frame["taken_on"] = _dates(frame["taken_on"])
    return frame


def first_episode_date(diary: Diary) -> dt.date | None:
    """The local date of the earliest live episode (None for an empty diary)."""
    query = (
        select(Episode.started_at, Episode.utc_offset_min)
        .where(Episode.deleted_at.is_(None))
        .order_by(Episode.started_at)
        .limit(1)
    )
    frame = _frame(diary, query)
    return None if frame.empty else _local_times(frame)["date"].iloc[0].date()


def first_checkin_date(diary: Diary) -> dt.date | None:
    """The date of the earliest live check-in (None when there is none)."""
    query = select(Checkin.date).where(Checkin.deleted_at.is_(None)).order_by(Checkin.date).limit(1)
    frame = _frame(diary, query)
    return None if frame.empty else dt.date.fromisoformat(str(frame["date"].iloc[0]))


def load(diary: Diary, start: dt.date, end: dt.date, detail: bool = False) -> Frames:
    """Everything a report needs for the local dates [start, end]."""
    return Frames(
        start=start,
        end=end,
        episodes=load_episodes(diary, start, end, detail=detail),
        checkins=load_checkins(diary, start, end),
        exercise=load_exercise(diary, start, end),
        medications=load_medications(diary, end),
        conditions=load_conditions(diary),
        labs=load_labs(diary, end),
    )
