"""A diary's Frames as exposure person-time, one table of rows per factor.

The rules, each chosen so that which time counts never depends on the spasms themselves:

- The unit is person-time on analysable days: days in the period that have a check-in, are
  observed (on or after the start of observation: a check-in that only an import of another
  app's health data made does not start it) and are over (today's runs until tomorrow noon). A day without a check-in is missing, so it is in no
  comparison (its episodes count in the totals only); a check-in that leaves a factor's field
  blank is missing for that factor alone, never a "no".
- Each day is an analysis day (spasmlog.core.clock): it runs from noon to noon, so a 3 a.m. cramp
  counts with the evening before, and is compared with that date's check-in and medications.
- Exposures come only from records kept whether or not a spasm happened: check-ins, the
  medication list and exercise sessions. A session typed with an episode (`log --exercise`,
  source "log") is written down only because a spasm happened, so it is never an exposure, and
  never makes a day's exercise known.
- `vigorous_exercise_24h` is counted in hours: the 24 h after an independent vigorous session's
  start are exposed. An hour is known to be unexposed only when exercise is *answered* for its
  calendar date and the date before (the dates the 24 h before it lie on): answered means the
  check-in says "no exercise" (`checkin --no-exercise`) or an independent session is recorded
  that date (the sessions are then taken as the day's exercise; a "yes" with no session is not
  enough). The 24 h after a session without an intensity are unknown, unless a vigorous one
  covers them. Other hours are unknown and left out.

Each factor becomes rows of (ISO week, exposed, time in days, episodes): one row a day for the
day-level factors, up to two a day (the exposed and unexposed part) for vigorous exercise. All
times are the person's local wall-clock time, so a local day is 24 hours even when the clocks
change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.reports.load import Frames

SHORT_SLEEP_H = 6.0
WINDOW_H = 24.0
OUTCOME_DEPENDENT_SOURCES = ("log",)  # exercise written down only because a spasm happened
_MONDAY = pd.Timestamp("1970-01-05")  # any Monday: ISO weeks are counted from it
_DAY = pd.Timedelta(days=1)
_ONE_DAY = dt.timedelta(days=1)
_HOUR = pd.Timedelta(hours=1)


@dataclass(frozen=True, eq=False)
class Exposure:
    """One factor's person-time: `rows` has columns week, exposed, time (days) and count."""

    id: str
    label: str
    article_factor: str | None
    phrase: str  # opens the plain-language sentence: "On days you drank under 1.5 L"
    rows: pd.DataFrame
    unknown_days: float  # analysable days (hours / 24 for exercise) where the factor is unknown
    answer: str | None = None  # what to answer so that blanks stop starving the factor


def litres(ml: float) -> str:
    return f"{ml / 1000:g} L"


def plain(label: str) -> str:
    """A label inside a sentence: "Statins" -> "statins"; "ARBs", "ACE inhibitors" kept."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def day_table(frames: Frames) -> pd.DataFrame:
    """The analysable days (indexed by local date) with their check-in, the count of episodes
    whose analysis day it is, and the week. A day still going on (today's, until tomorrow noon)
    is not analysable yet: its spasms are not all in."""
    checkins = frames.checkins
    last = (
        frames.end
        if frames.ongoing_from is None
        else min(frames.end, frames.ongoing_from - _ONE_DAY)
    )
    # Before observation began (the person's first episode or check-in), a day's check-in can
    # only be one an import of health data made: its zero spasms are not known zeros.
    first = max(frames.start, frames.observed_from or frames.start)
    inside = (checkins["date"] >= pd.Timestamp(first)) & (checkins["date"] <= pd.Timestamp(last))
    days = checkins[inside].drop_duplicates("date").set_index("date").sort_index()
    counts = frames.episodes["day"].value_counts()
    days["count"] = counts.reindex(days.index, fill_value=0).astype("int64")
    days["week"] = ((_dates(days) - _MONDAY) // pd.Timedelta(weeks=1)).astype("int64")
    return days


def _dates(days: pd.DataFrame) -> pd.DatetimeIndex:
    """The local dates that index a day table (the stubs type `set_index` as a plain Index)."""
    return cast(pd.DatetimeIndex, days.index)


def _rows(days: pd.DataFrame, exposed: pd.Series) -> pd.DataFrame:
    """One row per day on which `exposed` (nullable boolean) is known."""
    known = exposed.notna().to_numpy()
    return pd.DataFrame(
        {
            "week": days["week"].to_numpy()[known],
            "exposed": exposed.to_numpy()[known].astype(bool),
            "time": 1.0,
            "count": days["count"].to_numpy()[known],
        }
    )


def _day_exposure(
    days: pd.DataFrame,
    id_: str,
    label: str,
    article: str | None,
    phrase: str,
    flag: pd.Series,
    answer: str | None = None,
) -> Exposure:
    flag = flag.astype("boolean")
    return Exposure(
        id_, label, article, phrase, _rows(days, flag), float(flag.isna().sum()), answer
    )


def day_level(days: pd.DataFrame, fluid_threshold_ml: float) -> list[Exposure]:
    """The check-in factors; a blank field is unknown (pandas NA), never "no"."""
    fluid_loss = days["sweating"] | days["vomiting"] | days["diarrhea"] | days["fever"]  # Kleene
    below = litres(fluid_threshold_ml)
    return [
        _day_exposure(
            days,
            "low_fluid",
            f"Low fluids (under {below})",
            "dehydration",
            f"On days you drank under {below}",
            days["fluid_ml"] < fluid_threshold_ml,
            "give `spasmlog checkin --fluid 2L` with what you drank, every day",
        ),
        _day_exposure(
            days,
            "fluid_loss",
            "Fluid loss (heavy sweating, vomiting, diarrhea, fever)",
            "dehydration",
            "On days with heavy sweating, vomiting, diarrhea or fever",
            fluid_loss,
            "answer `spasmlog checkin --no-sweating --no-vomiting --no-diarrhea --no-fever` on "
            "days without them",
        ),
        _day_exposure(
            days,
            "magnesium",
            "Magnesium taken",
            "lack_of_magnesium",
            "On days you took magnesium",
            days["magnesium_mg"] > 0,
            "answer `spasmlog checkin --magnesium 0` on days without magnesium",
        ),
        _day_exposure(
            days,
            "alcohol",
            "Alcohol",
            "dehydration",
            "On days you drank alcohol",
            days["alcohol_units"] > 0,
            "answer `spasmlog checkin --alcohol 0` on days without alcohol",
        ),
        _day_exposure(
            days,
            "hot_weather",
            "Hot weather",
            "dehydration",
            "On hot days",
            days["hot_weather"],
            "answer `spasmlog checkin --no-hot-weather` on days that were not hot",
        ),
        _day_exposure(
            days,
            "short_sleep",
            f"Short sleep (under {SHORT_SLEEP_H:g} h)",
            None,
            f"On days after less than {SHORT_SLEEP_H:g} h of sleep",
            days["sleep_h"] < SHORT_SLEEP_H,
            "give `spasmlog checkin --sleep 7.5` with the hours you slept, every day",
        ),
    ]


def tag_level(days: pd.DataFrame) -> list[Exposure]:
    """`tag:<tag>` for every tag on an analysable day; a check-in without the tag is "no"."""
    tags = days["tags"].explode().dropna()
    exposures = []
    for tag in sorted(set(tags)):
        flag = pd.Series(days.index.isin(tags[tags == tag].index), index=days.index)
        exposures.append(
            _day_exposure(days, f"tag:{tag}", f"Tag: {tag}", None, f'On days tagged "{tag}"', flag)
        )
    return exposures


def _taking(medications: pd.DataFrame, dates: pd.DatetimeIndex) -> np.ndarray:
    """Whether any of these medication periods covers each date (the stop date is a day on)."""
    on = np.zeros(len(dates), dtype=bool)
    for started, stopped in zip(medications["started_on"], medications["stopped_on"], strict=True):
        on |= (dates >= started) & (pd.isna(stopped) | (dates <= stopped))
    return on


def medication_level(frames: Frames, days: pd.DataFrame) -> list[Exposure]:
    """`med:<class>` for each class taken on some days of the period and not on others."""
    period = pd.date_range(frames.start, frames.end, freq="D")
    exposures = []
    for class_id, info in CLASS_INFO.items():
        periods = frames.medications[frames.medications["drug_class"] == class_id]
        if periods.empty:
            continue
        on_period = _taking(periods, period)
        if on_period.all() or not on_period.any():
            continue
        names = sorted(
            {
                str(n if pd.isna(g) else g)
                for g, n in zip(periods["generic"], periods["name"], strict=True)
            }
        )
        label = info.label if class_id != "other" else f"Other medications ({', '.join(names)})"
        flag = pd.Series(_taking(periods, _dates(days)), index=days.index)
        article = "medications" if info.linked_to_spasms else None
        exposures.append(
            _day_exposure(
                days, f"med:{class_id}", label, article, f"While taking {plain(label)}", flag
            )
        )
    return exposures


@dataclass(frozen=True)
class _Windows:
    """The union of [s, s + 24 h) over session starts s (hours from an origin), as disjoint
    intervals [low, high) with the covered hours before each."""

    lows: np.ndarray
    highs: np.ndarray
    before: np.ndarray

    @staticmethod
    def after(starts: np.ndarray) -> _Windows:
        starts = np.sort(starts)
        if starts.size == 0:
            return _Windows(starts, starts, starts)
        new = np.r_[True, starts[1:] > starts[:-1] + WINDOW_H]
        lows = starts[new]
        highs = starts[np.r_[new[1:], True]] + WINDOW_H  # a block ends 24 h after its last start
        return _Windows(lows, highs, np.r_[0.0, np.cumsum(highs - lows)[:-1]])

    def _upto(self, t: np.ndarray) -> np.ndarray:
        """Covered hours in (-inf, t) for each t."""
        if self.lows.size == 0:
            return np.zeros(t.shape)
        k = np.searchsorted(self.lows, t, side="right") - 1  # the last block starting by t
        j = np.maximum(k, 0)
        inside = np.clip(t - self.lows[j], 0.0, self.highs[j] - self.lows[j])
        return np.where(k >= 0, self.before[j] + inside, 0.0)

    def hours(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Covered hours in [first, last) for each pair."""
        return self._upto(last) - self._upto(first)

    def holds(self, t: np.ndarray) -> np.ndarray:
        if self.lows.size == 0:
            return np.zeros(t.shape, dtype=bool)
        k = np.searchsorted(self.lows, t, side="right") - 1
        return (k >= 0) & (t < self.highs[np.maximum(k, 0)])


def independent_exercise(frames: Frames) -> pd.DataFrame:
    """Sessions recorded whether or not a spasm happened: every source but `log --exercise`."""
    exercise = frames.exercise
    return exercise[~exercise["source"].isin(OUTCOME_DEPENDENT_SOURCES)]


def _answered(frames: Frames, sessions: pd.DataFrame, origin: pd.Timestamp) -> np.ndarray:
    """Day numbers (from `origin`) of the dates whose exercise is answered (see above)."""
    checkins = frames.checkins
    said_no = checkins.loc[checkins["exercised"].eq(False).fillna(False).astype(bool), "date"]
    dates = pd.concat([said_no, sessions["date"]])
    return np.unique(((dates - origin) // _DAY).to_numpy(dtype="int64"))


def vigorous_exercise(frames: Frames, days: pd.DataFrame) -> Exposure:
    """The 24 h after each independent vigorous session's start, over the analysable days'
    noon-to-noon spans; hours not known to be without it are left out (module docstring)."""
    origin = pd.Timestamp(frames.start)
    sessions = independent_exercise(frames)
    at = ((sessions["start_local"] - origin) / _HOUR).to_numpy(dtype=float)
    intensity = sessions["intensity"]
    vigorous = _Windows.after(at[(intensity == "vigorous").to_numpy(dtype=bool)])
    uncertain = _Windows.after(
        at[(intensity == "vigorous").to_numpy(dtype=bool) | intensity.isna().to_numpy()]
    )
    answered = _answered(frames, sessions, origin)

    def known(day_number: np.ndarray) -> np.ndarray:
        """Is an hour on this date known (the date and the one before answered)?"""
        return np.isin(day_number, answered) & np.isin(day_number - 1, answered)

    number = ((_dates(days) - origin) // _DAY).to_numpy(dtype="int64")
    midnight = number * WINDOW_H  # the hour the calendar date of each analysis day begins
    noon, next_midnight, next_noon = midnight + 12, midnight + 24, midnight + 36
    exposed_h = vigorous.hours(noon, next_noon)
    unexposed_h = np.where(
        known(number), 12 - uncertain.hours(noon, next_midnight), 0.0
    ) + np.where(known(number + 1), 12 - uncertain.hours(next_midnight, next_noon), 0.0)

    episodes = frames.episodes[frames.episodes["day"].isin(days.index)]
    hour = ((episodes["start_local"] - origin) / _HOUR).to_numpy(dtype=float)
    date_number = ((episodes["date"] - origin) // _DAY).to_numpy(dtype="int64")
    in_window = vigorous.holds(hour)
    without = ~uncertain.holds(hour) & known(date_number)

    def per_day(hit: np.ndarray) -> np.ndarray:
        return (
            pd.Series(hit, index=episodes["day"].to_numpy())
            .groupby(level=0)
            .sum()
            .reindex(days.index, fill_value=0)
            .to_numpy(dtype="int64")
        )

    week = days["week"].to_numpy()
    rows = pd.DataFrame(
        {
            "week": np.r_[week, week],
            "exposed": np.r_[np.ones(len(days), bool), np.zeros(len(days), bool)],
            "time": np.round(np.r_[exposed_h, unexposed_h] / WINDOW_H, 9),  # no float dust
            "count": np.r_[per_day(in_window), per_day(without)],
        }
    )
    known_days = float(rows["time"].sum())
    return Exposure(
        "vigorous_exercise_24h",
        "Vigorous exercise in the 24 h before",
        "strain_injury",
        "In the 24 hours after vigorous exercise",
        rows[rows["time"] > 0].reset_index(drop=True),
        max(0.0, round(len(days) - known_days, 9)),
        "answer `spasmlog checkin --no-exercise` on days without exercise, and record each "
        "session with `spasmlog exercise add` or `checkin --exercise`",
    )


def exposures(frames: Frames, days: pd.DataFrame, fluid_threshold_ml: float) -> list[Exposure]:
    """Every factor the report can test, in report order."""
    low_fluid, fluid_loss, *others = day_level(days, fluid_threshold_ml)
    return [
        low_fluid,
        fluid_loss,
        vigorous_exercise(frames, days),
        *others,
        *medication_level(frames, days),
        *tag_level(days),
    ]


def before_after(
    days: pd.DataFrame, on: dt.date, weeks: int, after_includes_on: bool
) -> pd.DataFrame:
    """Rows for the `weeks` before vs after a date (exposed = after) over the analysable days."""
    first_after = pd.Timestamp(on) + (_DAY if not after_includes_on else pd.Timedelta(0))
    span = pd.Timedelta(weeks=weeks)
    before = (days.index >= first_after - span) & (days.index < first_after)
    after = (days.index >= first_after) & (days.index < first_after + span)
    window = days[before | after]
    return pd.DataFrame(
        {
            "week": window["week"].to_numpy(),
            "exposed": after[before | after],
            "time": 1.0,
            "count": window["count"].to_numpy(),
        }
    )
