"""A diary simulator with planted effects, for testing the factor report against a known truth.

Spasms are drawn minute by minute from a known hazard: a base rate a day, times the planted rate
ratio of every factor present (day-level factors for the whole local day, vigorous exercise for
the 24 h after a session's start, a statin from the day it is started), times an optional gamma
frailty (mean 1) per day or per ISO week to make spasms come in bursts. Exposures are drawn
independently of each other, so the crude rate ratio of each factor is its planted one.

Check-ins are missing on some days, and not at random: busy days, when people also drink less,
are skipped more often (`missing_if_low_fluid`), and a spasm on a day without a check-in is only
logged with probability `logged_when_missing` (the diary was not open that day). Leaving those
days out keeps the comparison unbiased; treating them as zero does not (see the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert

from spasmlog.db.models import Checkin, Condition, Episode, ExerciseSession, LabResult, Medication
from spasmlog.db.session import open_diary
from spasmlog.reports.frames import Frames

DAY_FACTORS = (
    "low_fluid",
    "fluid_loss",
    "magnesium",
    "alcohol",
    "hot_weather",
    "short_sleep",
    "tag:coffee",
    "tag:new shoes",
)
FACTORS = (*DAY_FACTORS, "vigorous_exercise_24h", "med:statin")
PLANTED = {"low_fluid": 2.5, "vigorous_exercise_24h": 2.0, "med:statin": 2.0}
RARE = ("tag:new shoes", "med:corticosteroid")  # too few days for a test


@dataclass(frozen=True)
class Scenario:
    days: int = 450
    start: dt.date = dt.date(2024, 6, 3)
    base_rate: float = 0.4  # spasms a day with no factor present
    effects: tuple[tuple[str, float], ...] = tuple(PLANTED.items())  # factor id, rate ratio
    missing: float = 0.12  # chance a day has no check-in
    missing_if_low_fluid: float = 0.4  # ... when it was a low-fluid (busy) day
    logged_when_missing: float = 0.4  # chance a spasm is logged on a day without a check-in
    unanswered: float = 0.04  # chance a check-in field is left blank
    frailty: str | None = None  # "day" or "week"
    frailty_shape: float = 2.0  # gamma shape: variance of the multiplier is 1 / shape
    utc_offset_min: int = 60

    @property
    def statin_from(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days // 2)

    @property
    def steroid_course(self) -> tuple[dt.date, dt.date]:
        first = self.start + dt.timedelta(days=self.days // 4)
        return first, first + dt.timedelta(days=9)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)

    def truth(self, factor: str) -> float:
        return dict(self.effects).get(factor, 1.0)


@dataclass(frozen=True, eq=False)
class Simulated:
    scenario: Scenario
    frames: Frames
    days: pd.DataFrame  # every day of the period: the true exposures, check-in or not


def _blank(rng: np.random.Generator, values: pd.Series, rate: float, dtype: str) -> pd.Series:
    return values.astype(dtype).mask(rng.random(len(values)) < rate)


def _days(s: Scenario, rng: np.random.Generator) -> pd.DataFrame:
    n = s.days
    dates = pd.date_range(s.start, periods=n, freq="D")
    days = pd.DataFrame(
        {
            "date": dates,
            "fluid_ml": np.clip(np.round(rng.normal(1800, 500, n), -1), 200, 5000),
            "sweating": rng.random(n) < 0.08,
            "vomiting": rng.random(n) < 0.01,
            "diarrhea": rng.random(n) < 0.02,
            "fever": rng.random(n) < 0.01,
            "hot_weather": rng.random(n) < 0.15,
            "sleep_h": np.clip(np.round(rng.normal(7, 0.9, n), 1), 3, 11),
            "magnesium_mg": np.where(rng.random(n) < 0.3, 250.0, 0.0),
            "alcohol_units": np.where(rng.random(n) < 0.3, rng.integers(1, 5, n), 0).astype(float),
            "coffee": rng.random(n) < 0.5,
            "new_shoes": rng.random(n) < 0.02,
        }
    )
    days["low_fluid"] = days["fluid_ml"] < 1500
    days["fluid_loss"] = days[["sweating", "vomiting", "diarrhea", "fever"]].any(axis=1)
    days["magnesium"] = days["magnesium_mg"] > 0
    days["alcohol"] = days["alcohol_units"] > 0
    days["short_sleep"] = days["sleep_h"] < 6
    days["statin"] = dates >= pd.Timestamp(s.statin_from)
    skip = np.where(days["low_fluid"], s.missing_if_low_fluid, s.missing)
    days["checked_in"] = rng.random(n) >= skip
    return days


def _exercise(s: Scenario, rng: np.random.Generator) -> pd.DataFrame:
    """About one vigorous session in four days and a lighter one in three, at 6:00-21:59."""
    rows = []
    for intensity, chance in (("vigorous", 0.25), ("moderate", 0.33)):
        on = np.flatnonzero(rng.random(s.days) < chance)
        minute = rng.integers(6 * 60, 22 * 60, on.size)
        local = pd.Timestamp(s.start) + pd.to_timedelta(on * 1440 + minute, unit="min")
        rows.append(
            pd.DataFrame(
                {
                    "start_local": local,
                    "intensity": intensity,
                    "minutes": rng.integers(20, 90, on.size).astype(float),
                    "activity": "run" if intensity == "vigorous" else "walk",
                }
            )
        )
    exercise = pd.concat(rows).sort_values("start_local").reset_index(drop=True)
    exercise["start_utc"] = (
        exercise["start_local"] - pd.Timedelta(minutes=s.utc_offset_min)
    ).dt.tz_localize("UTC")
    exercise["date"] = exercise["start_local"].dt.normalize()
    exercise["source"] = "exercise"
    return exercise


def _hazard_per_minute(
    s: Scenario, days: pd.DataFrame, exercise: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    day_factor = np.full(s.days, s.base_rate / 1440)
    columns = {
        "low_fluid": "low_fluid",
        "fluid_loss": "fluid_loss",
        "magnesium": "magnesium",
        "alcohol": "alcohol",
        "hot_weather": "hot_weather",
        "short_sleep": "short_sleep",
        "tag:coffee": "coffee",
        "tag:new shoes": "new_shoes",
        "med:statin": "statin",
    }
    for factor, column in columns.items():
        day_factor *= np.where(days[column], s.truth(factor), 1.0)
    if s.frailty == "day":
        day_factor *= rng.gamma(s.frailty_shape, 1 / s.frailty_shape, s.days)
    elif s.frailty == "week":
        week = (days["date"] - pd.Timestamp("1970-01-05")).dt.days.to_numpy() // 7
        week -= week.min()
        day_factor *= rng.gamma(s.frailty_shape, 1 / s.frailty_shape, week.max() + 1)[week]
    hazard = np.repeat(day_factor, 1440)
    vigorous = exercise[exercise["intensity"] == "vigorous"]
    first = (vigorous["start_local"] - pd.Timestamp(s.start)) // pd.Timedelta(minutes=1)
    marks = np.zeros(hazard.size + 1441)
    np.add.at(marks, first.to_numpy(), 1)
    np.add.at(marks, first.to_numpy() + 1440, -1)
    in_window = np.cumsum(marks)[: hazard.size] > 0
    return hazard * np.where(in_window, s.truth("vigorous_exercise_24h"), 1.0)


def _episodes(
    s: Scenario, days: pd.DataFrame, hazard: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    minutes = np.repeat(np.arange(hazard.size), rng.poisson(hazard))
    logged_chance = np.where(days["checked_in"], 1.0, s.logged_when_missing)[minutes // 1440]
    minutes = minutes[rng.random(minutes.size) < logged_chance]
    seconds = minutes * 60 + rng.integers(0, 60, minutes.size)
    local = pd.Timestamp(s.start) + pd.to_timedelta(seconds, unit="s")
    return pd.DataFrame(
        {
            "muscle": "calf",
            "side": "left",
            "duration_s": pd.array(rng.integers(10, 300, minutes.size), dtype="Float64"),
            "severity": pd.array(rng.integers(2, 9, minutes.size), dtype="Float64"),
            "start_utc": (local - pd.Timedelta(minutes=s.utc_offset_min)).tz_localize("UTC"),
            "start_local": local,
            "date": local.normalize(),
        }
    )


def _checkins(s: Scenario, days: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    seen = days[days["checked_in"]].reset_index(drop=True)
    checkins = pd.DataFrame({"date": seen["date"]})
    for column in ("fluid_ml", "sleep_h", "magnesium_mg", "alcohol_units"):
        checkins[column] = _blank(rng, seen[column], s.unanswered, "Float64")
    for column in ("sweating", "vomiting", "diarrhea", "fever", "hot_weather"):
        checkins[column] = _blank(rng, seen[column], s.unanswered, "boolean")
    checkins["tags"] = [
        ["coffee"] * coffee + ["new shoes"] * shoes
        for coffee, shoes in zip(seen["coffee"], seen["new_shoes"], strict=True)
    ]
    return checkins


def _context(s: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    steroid_from, steroid_to = s.steroid_course
    medications = pd.DataFrame(
        {
            "name": ["Lipitor 20mg", "prednisone", "magnesium citrate"],
            "generic": ["atorvastatin", "prednisone", "magnesium"],
            "drug_class": ["statin", "corticosteroid", "other"],
            "atc": ["C10AA05", "H02AB07", "A12CC"],
            "dose": ["20 mg", "40 mg", None],
            "started_on": pd.to_datetime(
                [s.statin_from, steroid_from, s.start - dt.timedelta(days=400)]
            ),
            "stopped_on": pd.to_datetime([None, steroid_to, None]),
        }
    )
    conditions = pd.DataFrame(
        {
            "name": ["type 2 diabetes"],
            "group": ["diabetes"],
            "since": pd.to_datetime(["2019-04-01"]),
            "until": pd.NaT,
        }
    )
    labs = pd.DataFrame(
        {
            "taken_on": pd.to_datetime([s.start + dt.timedelta(days=30)] * 2),
            "test": ["potassium", "sodium"],
            "value": [3.2, 140.0],
            "unit": ["mmol/L"] * 2,
            "value_mmol_l": [3.2, 140.0],
            "range_low_mmol_l": [3.5, 136.0],
            "range_high_mmol_l": [5.1, 145.0],
            "range_source": ["reference"] * 2,
            "flag": ["low", "normal"],
        }
    )
    return medications, conditions, labs


def simulate(scenario: Scenario, seed: int) -> Simulated:
    """A diary of `scenario.days` days drawn with this seed, as the report's Frames."""
    rng = np.random.default_rng(seed)
    days = _days(scenario, rng)
    exercise = _exercise(scenario, rng)
    hazard = _hazard_per_minute(scenario, days, exercise, rng)
    episodes = _episodes(scenario, days, hazard, rng)
    medications, conditions, labs = _context(scenario)
    frames = Frames(
        start=scenario.start,
        end=scenario.end,
        episodes=episodes,
        checkins=_checkins(scenario, days, rng),
        exercise=exercise,
        medications=medications,
        conditions=conditions,
        labs=labs,
    )
    return Simulated(scenario, frames, days)


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain Python values, NA as None."""
    return [
        {
            key: (None if value is pd.NA or value is pd.NaT or value != value else value)
            for key, value in row.items()
        }
        for row in frame.astype(object).to_dict("records")
    ]


def write_diary(simulated: Simulated, path: Path) -> None:
    """Store a simulation in a real diary file (created at the current schema)."""
    s, frames = simulated.scenario, simulated.frames
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    tracked = {"created_at": now, "updated_at": now, "deleted_at": None}

    def at(times: pd.Series) -> list[dt.datetime]:
        return [t.to_pydatetime() for t in times]

    episodes = frames.episodes.assign(
        started_at=at(frames.episodes["start_utc"]),
        utc_offset_min=s.utc_offset_min,
        relief=[[]] * len(frames.episodes),
        symptoms=[[]] * len(frames.episodes),
        medications=[[]] * len(frames.episodes),
        **tracked,
    ).drop(columns=["start_utc", "start_local", "date"])
    exercise = frames.exercise.assign(
        started_at=at(frames.exercise["start_utc"]),
        utc_offset_min=s.utc_offset_min,
        muscles=[[]] * len(frames.exercise),
        **tracked,
    ).drop(columns=["start_utc", "start_local", "date"])
    checkins = frames.checkins.assign(date=frames.checkins["date"].dt.date, **tracked)
    medications = frames.medications.assign(
        started_on=frames.medications["started_on"].dt.date,
        stopped_on=frames.medications["stopped_on"].dt.date,
        class_by_hand=False,
        **tracked,
    )
    conditions = frames.conditions.assign(
        since=frames.conditions["since"].dt.date, until=None, **tracked
    )
    labs = frames.labs.assign(taken_on=frames.labs["taken_on"].dt.date, **tracked)
    diary = open_diary(path)
    try:
        with diary.writing() as session:
            for model, frame in (
                (Episode, episodes),
                (ExerciseSession, exercise),
                (Checkin, checkins),
                (Medication, medications),
                (Condition, conditions),
                (LabResult, labs),
            ):
                session.execute(insert(model), _records(frame))
    finally:
        diary.close()
