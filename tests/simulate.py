"""A diary simulator with planted effects, for testing the factor report against a known truth.

Spasms are drawn minute by minute from a known hazard over analysis days (spasmlog.core.clock: noon to
noon, the day whose context came before the night): a base rate a day, spread over the day by
`night_share` (the share of it falling 22:00-06:00; uniform by default), times the planted rate
ratio of every factor present (day-level factors for the whole analysis day, vigorous exercise
for the 24 h after a session's start, a statin from the day it is started), times any
`night_effects` of the day's factors on its night (22:00 to 06:00 the next morning), times an
optional gamma frailty (mean 1) per day or per ISO week to make spasms come in bursts. Exposures
are drawn independently of each other, so the crude rate ratio of each day-level factor is its
planted one times its night effect averaged over the day (`Scenario.truth`).

Check-ins are missing on some days, and not at random: busy days, when people also drink less,
are skipped more often (`missing_if_low_fluid`), and a spasm on a day without a check-in is only
logged with probability `logged_when_missing` (the diary was not open that day). Leaving those
days out keeps the comparison unbiased; treating them as zero does not (see the tests). Each
check-in answers "did you exercise?" truthfully (or leaves it blank, like any field), and every
real session is recorded with `exercise add`. With `exercise_typed_with_spasm`, a share of the
spasms is also logged with `log --exercise` (a vigorous session of source "log" just before the
spasm, whatever the person really did): exercise written down because a spasm happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert

from spasmlog.db.models import Checkin, Condition, Episode, ExerciseSession, LabResult, Medication
from spasmlog.db.store import open_store
from spasmlog.reports.load import Frames

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


NIGHT = (10 * 60, 18 * 60)  # 22:00 to 06:00, in minutes from the analysis day's noon


@dataclass(frozen=True)
class Scenario:
    days: int = 450
    start: dt.date = dt.date(2024, 6, 3)
    base_rate: float = 0.4  # spasms a day with no factor present
    effects: tuple[tuple[str, float], ...] = tuple(PLANTED.items())  # factor id, rate ratio
    night_effects: tuple[tuple[str, float], ...] = ()  # on the night after the day's factor
    night_share: float = 1 / 3  # of the base rate, 22:00-06:00 (1/3: uniform over the day)
    missing: float = 0.12  # chance a day has no check-in
    missing_if_low_fluid: float = 0.4  # ... when it was a low-fluid (busy) day
    logged_when_missing: float = 0.4  # chance a spasm is logged on a day without a check-in
    unanswered: float = 0.04  # chance a check-in field is left blank
    exercise_typed_with_spasm: float = 0.0  # chance a spasm is logged with `log --exercise`
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
        """The rate ratio over whole analysis days that the report should find."""
        night = dict(self.night_effects).get(factor, 1.0)
        return dict(self.effects).get(factor, 1.0) * (1 + self.night_share * (night - 1))


# The two biased designs of issue 13, a year each. Exercise has no effect, but half the spasms are
# logged with `log --exercise`, each inside its own session's 24 h:
TYPED_EXERCISE = Scenario(
    days=365, effects=(("low_fluid", 2.5), ("med:statin", 2.0)), exercise_typed_with_spasm=0.5
)
# Night cramps (3.5 a week with no factor, nine in ten 22:00-06:00), twice as many in the night
# after a low-fluid day, which a calendar date would give to the next day:
NEXT_NIGHT = Scenario(
    days=365, base_rate=0.5, night_share=0.9, effects=(), night_effects=(("low_fluid", 2.0),)
)


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


def _local(s: Scenario, seconds: np.ndarray) -> pd.DatetimeIndex:
    """Seconds from the first analysis day's noon as local wall-clock times."""
    return pd.Timestamp(s.start) + pd.Timedelta(hours=12) + pd.to_timedelta(seconds, unit="s")


def _sessions(
    s: Scenario, local: pd.Series, intensity: str, minutes: np.ndarray, source: str
) -> pd.DataFrame:
    """Sessions as the loader gives them."""
    exercise = pd.DataFrame(
        {
            "start_local": local,
            "intensity": intensity,
            "minutes": minutes.astype(float),
            "activity": "run" if intensity == "vigorous" else "walk",
            "source": source,
        }
    )
    exercise["start_utc"] = (
        exercise["start_local"] - pd.Timedelta(minutes=s.utc_offset_min)
    ).dt.tz_localize("UTC")
    exercise["date"] = exercise["start_local"].dt.normalize()
    return exercise


def _exercise(s: Scenario, rng: np.random.Generator) -> pd.DataFrame:
    """About one vigorous session in four days and a lighter one in three, at 6:00-21:59, from
    the first date to the morning after the last analysis day, all recorded independently."""
    rows = []
    for intensity, chance in (("vigorous", 0.25), ("moderate", 0.33)):
        on = np.flatnonzero(rng.random(s.days + 1) < chance)
        minute = rng.integers(6 * 60, 22 * 60, on.size)
        local = pd.Timestamp(s.start) + pd.to_timedelta(on * 1440 + minute, unit="min")
        rows.append(
            _sessions(s, pd.Series(local), intensity, rng.integers(20, 90, on.size), "exercise")
        )
    return pd.concat(rows).sort_values("start_local").reset_index(drop=True)


def _hazard_per_minute(
    s: Scenario, days: pd.DataFrame, exercise: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """Spasms a minute, from the first analysis day's noon to the last one's end."""
    day_factor = np.full(s.days, float(s.base_rate))
    night_factor = np.ones(s.days)
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
    effects, nights = dict(s.effects), dict(s.night_effects)
    for factor, column in columns.items():
        day_factor *= np.where(days[column], effects.get(factor, 1.0), 1.0)
        night_factor *= np.where(days[column], nights.get(factor, 1.0), 1.0)
    if s.frailty == "day":
        day_factor *= rng.gamma(s.frailty_shape, 1 / s.frailty_shape, s.days)
    elif s.frailty == "week":
        week = (days["date"] - pd.Timestamp("1970-01-05")).dt.days.to_numpy() // 7
        week -= week.min()
        day_factor *= rng.gamma(s.frailty_shape, 1 / s.frailty_shape, week.max() + 1)[week]
    at_night = np.zeros(1440, dtype=bool)
    at_night[NIGHT[0] : NIGHT[1]] = True
    profile = np.where(
        at_night, s.night_share / (NIGHT[1] - NIGHT[0]), (1 - s.night_share) / (1440 - 480)
    )
    hazard = (day_factor[:, None] * profile[None, :]).ravel()
    hazard *= np.repeat(night_factor, 1440) ** np.tile(at_night, s.days)
    vigorous = exercise[exercise["intensity"] == "vigorous"]
    noon = pd.Timestamp(s.start) + pd.Timedelta(hours=12)
    first = ((vigorous["start_local"] - noon) // pd.Timedelta(minutes=1)).to_numpy()
    marks = np.zeros(hazard.size + 1441)
    np.add.at(marks, np.clip(first, 0, hazard.size), 1)
    np.add.at(marks, np.clip(first + 1440, 0, hazard.size), -1)
    in_window = np.cumsum(marks)[: hazard.size] > 0
    return hazard * np.where(in_window, s.truth("vigorous_exercise_24h"), 1.0)


def _episodes(
    s: Scenario, days: pd.DataFrame, hazard: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    minutes = np.repeat(np.arange(hazard.size), rng.poisson(hazard))
    logged_chance = np.where(days["checked_in"], 1.0, s.logged_when_missing)[minutes // 1440]
    minutes = minutes[rng.random(minutes.size) < logged_chance]
    seconds = minutes * 60 + rng.integers(0, 60, minutes.size)
    local = _local(s, seconds)
    return pd.DataFrame(
        {
            "muscle": "calf",
            "side": "left",
            "duration_s": pd.array(rng.integers(10, 300, minutes.size), dtype="Float64"),
            "severity": pd.array(rng.integers(2, 9, minutes.size), dtype="Float64"),
            "start_utc": (local - pd.Timedelta(minutes=s.utc_offset_min)).tz_localize("UTC"),
            "start_local": local,
            "date": local.normalize(),
            "day": pd.Timestamp(s.start) + pd.to_timedelta(minutes // 1440, unit="D"),
        }
    )


def _typed_with_spasms(
    s: Scenario, episodes: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """`log --exercise "run 45m vigorous"` on a share of the spasms: a session ending as the
    spasm began (spasmlog.diary.episodes), recorded only because the spasm happened."""
    chosen = episodes[rng.random(len(episodes)) < s.exercise_typed_with_spasm]
    minutes = rng.integers(20, 90, len(chosen))
    local = chosen["start_local"].reset_index(drop=True) - pd.to_timedelta(minutes, unit="min")
    return _sessions(s, local, "vigorous", minutes, "log")


def _checkins(
    s: Scenario, days: pd.DataFrame, exercise: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    seen = days[days["checked_in"]].reset_index(drop=True)
    checkins = pd.DataFrame({"date": seen["date"]})
    for column in ("fluid_ml", "sleep_h", "magnesium_mg", "alcohol_units"):
        checkins[column] = _blank(rng, seen[column], s.unanswered, "Float64")
    for column in ("sweating", "vomiting", "diarrhea", "fever", "hot_weather"):
        checkins[column] = _blank(rng, seen[column], s.unanswered, "boolean")
    exercised = seen["date"].isin(exercise.loc[exercise["source"] == "exercise", "date"])
    checkins["exercised"] = _blank(rng, exercised, s.unanswered, "boolean")
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
    checkins = _checkins(scenario, days, exercise, rng)
    if scenario.exercise_typed_with_spasm:
        typed = _typed_with_spasms(scenario, episodes, rng)
        exercise = pd.concat([exercise, typed]).sort_values("start_local", ignore_index=True)
    medications, conditions, labs = _context(scenario)
    frames = Frames(
        start=scenario.start,
        end=scenario.end,
        episodes=episodes,
        checkins=checkins,
        exercise=exercise,
        medications=medications,
        conditions=conditions,
        labs=labs,
        observed_from=scenario.start,
        ongoing_from=scenario.end + dt.timedelta(days=1),
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
    ).drop(columns=["start_utc", "start_local", "date", "day"])
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
    diary = open_store(path)
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
