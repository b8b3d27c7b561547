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
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.dialects import sqlite

from spasmlog.db.models import Checkin, Condition, Episode, ExerciseSession, LabResult, Medication
from spasmlog.db.session import Diary

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


def _rows(diary: Diary, query: Select[*tuple[Any, ...]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    with diary.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(str(compiled))
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
        connection.rollback()
    return names, rows


def _frame(diary: Diary, query: Select[*tuple[Any, ...]]) -> pd.DataFrame:
    names, rows = _rows(diary, query)
    return pd.DataFrame.from_records(rows, columns=names)


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
    frame = _local_times(_frame(diary, query))
    frame = frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(end))]
    frame = frame.astype(
        {
            "duration_s": "Float64",
            "severity": "Float64",
            "fluid_ml_24h": "Float64",
            "woke": "boolean",
        }
    )
    if detail:
        for column in ("symptoms", "relief", "medications"):
            frame[column] = _json_lists(frame[column])
    return frame.reset_index(drop=True)


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
