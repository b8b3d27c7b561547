"""The only loader from the diary to pandas DataFrames.

The store reads the rows as chunks of plain tuples (spasmlog.db.queries.reports), and they become
frames in bulk, a chunk at a time, so a report over a million episodes holds only the columns it
needs. `load` reads everything in one read transaction: a write that lands between two of its
queries cannot mix two states of the diary into one report.

Times come out as `start_utc` (aware, UTC) and `start_local` (naive wall-clock time at the offset
the person had), with the two kinds of day of spasmlog.core.clock as normalized Timestamps: `date`, the
calendar date (the stored local_date), and for episodes `day`, the analysis day (noon to noon),
which is what every report counts them by. Soft-deleted rows are never loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np
import pandas as pd

from spasmlog.core.clock import ANALYSIS_DAY_SHIFT, analysis_day
from spasmlog.db import Connection, queries
from spasmlog.db.queries import reports as rows_of
from spasmlog.db.store import Store

if TYPE_CHECKING:
    from pandas.api.typing import NaTType, NAType

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Frames:
    """What a report needs from the diary for one period (both ends inclusive, local dates).

    `observed_from` is the first day of observation (spasmlog.db.queries.episodes.observed_from): every day
    from it on is observed, an episode-free one a zero; days before it are unknown. None: the
    diary holds no episode and no check-in at all. `ongoing_from` is the first analysis day that
    is not over yet (today's, until tomorrow noon): it and later days are not observed yet either.
    """

    start: dt.date
    end: dt.date
    episodes: pd.DataFrame
    checkins: pd.DataFrame
    exercise: pd.DataFrame
    medications: pd.DataFrame
    conditions: pd.DataFrame
    labs: pd.DataFrame
    observed_from: dt.date | None = None
    ongoing_from: dt.date | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def observed_days(self, first: dt.date, last: dt.date) -> int:
        """How many days of [first, last], inside the period, are observed and over."""
        begin = max(first, self.start, self.observed_from or dt.date.max)
        finish = min(last, self.end, (self.ongoing_from or dt.date.max) - _DAY)
        return max(0, (finish - begin).days + 1)


NOTHING_YET = (
    "Nothing to report yet: the diary has no episodes and no check-ins. "
    "Start with `spasmlog log` or `spasmlog checkin`."
)


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


@contextlib.contextmanager
def reading(store: Store) -> Iterator[Connection]:
    """One read transaction: every query on it sees the same state of the diary."""
    with store.snapshot() as connection:
        yield connection


def _frame(
    chunks: rows_of.Chunks, shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None
) -> pd.DataFrame:
    """The rows as a frame, a chunk at a time. `shape` turns each chunk into its compact final
    form (parsed times, typed columns) as it arrives, so that a million rows never sit in memory
    as Python objects all at once."""
    names, parts_read = chunks
    parts = []
    for rows in parts_read:
        part = pd.DataFrame.from_records(rows, columns=names)
        parts.append(part if shape is None else shape(part))
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
    """Add start_utc, start_local and date (the stored local_date) from the stored values."""
    utc = pd.to_datetime(frame["started_at"], format="ISO8601", utc=True)
    local = utc.dt.tz_localize(None) + pd.to_timedelta(frame["utc_offset_min"], unit="min")
    return frame.drop(columns=["started_at", "local_date"]).assign(
        start_utc=utc, start_local=local, date=_dates(frame["local_date"])
    )


def analysis_days(start_local: pd.Series) -> pd.Series:
    """spasmlog.core.clock.analysis_day for a column of wall-clock times: noon to noon."""
    return (start_local - ANALYSIS_DAY_SHIFT).dt.normalize()


def _json_lists(series: pd.Series) -> pd.Series:
    """JSON list texts as lists, each distinct text decoded once: a long diary repeats a few
    ("[]", '["stretch"]') 100,000 times. Rows with the same text share one list; read it only."""
    codes, uniques = pd.factorize(series)  # a missing value gets code -1...
    lists = np.empty(len(uniques) + 1, dtype=object)
    for i, text in enumerate(uniques):
        lists[i] = json.loads(text) if text else []
    lists[-1] = []  # ...which picks this one
    return pd.Series(lists[codes], index=series.index, dtype=object)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="ISO8601")


def load_episodes(
    connection: Connection, start: dt.date, end: dt.date, detail: bool = False
) -> pd.DataFrame:
    """Episodes whose analysis day is in [start, end]; `detail` adds symptoms (lists) and the
    note."""
    chunks = rows_of.episodes(
        connection, start, end + _DAY, detail
    )  # a night runs into the next date

    def shape(chunk: pd.DataFrame) -> pd.DataFrame:
        chunk = _local_times(chunk)
        chunk = chunk.assign(day=analysis_days(chunk["start_local"]))
        chunk = chunk[(chunk["day"] >= pd.Timestamp(start)) & (chunk["day"] <= pd.Timestamp(end))]
        chunk = chunk.astype(
            {
                "duration_s": "Float64",
                "severity": "Float64",
                "fluid_ml_24h": "Float64",
                "woke": "boolean",
                "time_known": "boolean",
            }
        )
        chunk = chunk.assign(
            muscle=_shared_text(chunk["muscle"]),
            side=_shared_text(chunk["side"]),
            severity_scale=_shared_text(chunk["severity_scale"]),
        )
        if detail:
            chunk["note"] = chunk["note"].astype("str")  # whatever NULLs a chunk happens to hold
            chunk["symptoms"] = _json_lists(chunk["symptoms"])
        return chunk

    return _frame(chunks, shape).reset_index(drop=True)


def load_checkins(connection: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per check-in day; days without a check-in are simply absent (missing, not zero)."""
    frame = _frame(rows_of.checkins(connection, start, end))
    frame["date"] = _dates(frame["date"])
    frame["tags"] = _json_lists(frame["tags"])
    flags = ["sweating", "vomiting", "diarrhea", "fever", "hot_weather", "exercised"]
    numbers = ["fluid_ml", "sleep_h", "magnesium_mg", "alcohol_units"]
    return frame.astype({**dict.fromkeys(flags, "boolean"), **dict.fromkeys(numbers, "Float64")})


def load_exercise(connection: Connection, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Exercise sessions from the day before `start` (their 24 h can reach into its analysis
    day, which begins at noon) to the day after `end` (where its analysis day ends)."""
    frame = _local_times(_frame(rows_of.exercise(connection, start - _DAY, end + _DAY)))
    return frame.astype({"minutes": "Float64"})


def load_medications(connection: Connection, end: dt.date) -> pd.DataFrame:
    """Every medication period that started by `end` (stopped_on NaT while still taken)."""
    frame = _frame(rows_of.medications(connection, end))
    for column in ("started_on", "stopped_on"):
        frame[column] = _dates(frame[column])
    return frame


def load_conditions(connection: Connection) -> pd.DataFrame:
    frame = _frame(rows_of.conditions(connection))
    for column in ("since", "until"):
        frame[column] = _dates(frame[column])
    return frame


def load_labs(connection: Connection, end: dt.date) -> pd.DataFrame:
    frame = _frame(rows_of.labs(connection, end))
    frame["taken_on"] = _dates(frame["taken_on"])
    return frame


def observed_from(store: Store) -> dt.date | None:
    """The first day of observation (see Frames.observed_from), for choosing a default period."""
    with reading(store) as connection:
        return queries.observed_from(connection)


def load(
    store: Store, start: dt.date, end: dt.date, now: dt.datetime, detail: bool = False
) -> Frames:
    """Everything a report needs for the local dates [start, end] as of `now`, in one read
    transaction."""
    with reading(store) as connection:
        observed = queries.observed_from(connection)
        checkins = load_checkins(connection, start, end)
        return Frames(
            start=start,
            end=end,
            episodes=load_episodes(connection, start, end, detail=detail),
            # nothing observed yet: check-ins an import of health data made are no diary days
            checkins=checkins if observed is not None else checkins.iloc[0:0],
            exercise=load_exercise(connection, start, end),
            medications=load_medications(connection, end),
            conditions=load_conditions(connection),
            labs=load_labs(connection, end),
            observed_from=observed,
            ongoing_from=analysis_day(now),
        )


def episode_ids_with_symptoms(
    store: Store, start: dt.date, end: dt.date, symptoms: tuple[str, ...]
) -> set[int]:
    """The episodes (by ID) of the analysis days [start, end] that had any of `symptoms`: what
    the see-a-doctor signs need, without loading every episode's lists."""
    with reading(store) as connection:
        return set(rows_of.episodes_with_symptoms(connection, start, end + _DAY, symptoms))
