"""A diary's Frames as exposure person-time, one table of rows per factor.

The unit is person-time on analysable days: local dates in the period that have a check-in. A day
without one is missing, so it is in no comparison (its episodes count in the totals only); a
check-in that leaves a factor's field blank is missing for that factor alone. Each factor becomes
rows of (ISO week, exposed, time in days, episodes): one row a day for the day-level factors, and
up to two a day (the exposed and unexposed part) for `vigorous_exercise_24h`, whose exposure is the
24 hours after the start of a vigorous session, counted in hours. All times are the person's local
wall-clock time, so a local day is 24 hours even when the clocks change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.reports.frames import Frames

SHORT_SLEEP_H = 6.0
WINDOW_H = 24.0
_MONDAY = pd.Timestamp("1970-01-05")  # any Monday: ISO weeks are counted from it
_DAY = pd.Timedelta(days=1)
_HOUR = pd.Timedelta(hours=1)


@dataclass(frozen=True, eq=False)
class Exposure:
    """One factor's person-time: `rows` has columns week, exposed, time (days) and count."""

    id: str
    label: str
    article_factor: str | None
    phrase: str  # opens the plain-language sentence: "On days you drank under 1.5 L"
    rows: pd.DataFrame
    unknown_days: int  # check-in days on which the factor's field was left blank


def litres(ml: float) -> str:
    return f"{ml / 1000:g} L"


def plain(label: str) -> str:
    """A label inside a sentence: "Statins" -> "statins"; "ARBs", "ACE inhibitors" kept."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def day_table(frames: Frames) -> pd.DataFrame:
    """The analysable days (indexed by local date) with their check-in, episode count and week."""
    checkins = frames.checkins
    inside = (checkins["date"] >= pd.Timestamp(frames.start)) & (
        checkins["date"] <= pd.Timestamp(frames.end)
    )
    days = checkins[inside].drop_duplicates("date").set_index("date").sort_index()
    counts = frames.episodes["date"].value_counts()
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
    days: pd.DataFrame, id_: str, label: str, article: str | None, phrase: str, flag: pd.Series
) -> Exposure:
    flag = flag.astype("boolean")
    return Exposure(id_, label, article, phrase, _rows(days, flag), int(flag.isna().sum()))


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
        ),
        _day_exposure(
            days,
            "fluid_loss",
            "Fluid loss (heavy sweating, vomiting, diarrhea, fever)",
            "dehydration",
            "On days with heavy sweating, vomiting, diarrhea or fever",
            fluid_loss,
        ),
        _day_exposure(
            days,
            "magnesium",
            "Magnesium taken",
            "lack_of_magnesium",
            "On days you took magnesium",
            days["magnesium_mg"] > 0,
        ),
        _day_exposure(
            days,
            "alcohol",
            "Alcohol",
            "dehydration",
            "On days you drank alcohol",
            days["alcohol_units"] > 0,
        ),
        _day_exposure(
            days, "hot_weather", "Hot weather", "dehydration", "On hot days", days["hot_weather"]
        ),
        _day_exposure(
            days,
            "short_sleep",
            f"Short sleep (under {SHORT_SLEEP_H:g} h)",
            None,
            f"On days after less than {SHORT_SLEEP_H:g} h of sleep",
            days["sleep_h"] < SHORT_SLEEP_H,
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


def _merged_windows(starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The union of [s, s + 24 h) as disjoint intervals (a, b) and the exposed hours before each."""
    starts = np.sort(starts)
    if starts.size == 0:
        return starts, starts, starts
    new = np.r_[True, starts[1:] > starts[:-1] + WINDOW_H]
    lows = starts[new]
    highs = starts[np.r_[new[1:], True]] + WINDOW_H  # each block ends 24 h after its last start
    before = np.r_[0.0, np.cumsum(highs - lows)[:-1]]
    return lows, highs, before


def _covered(lows: np.ndarray, highs: np.ndarray, before: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Exposed hours in (-inf, t) for each t."""
    if lows.size == 0:
        return np.zeros(t.shape)
    k = np.searchsorted(lows, t, side="right") - 1  # the last window starting at or before t
    j = np.maximum(k, 0)
    inside = np.clip(t - lows[j], 0.0, highs[j] - lows[j])
    return np.where(k >= 0, before[j] + inside, 0.0)


def vigorous_exercise(frames: Frames, days: pd.DataFrame) -> Exposure:
    """The 24 h after each vigorous session's start, on the analysable days' hours."""
    origin = pd.Timestamp(frames.start)
    sessions = frames.exercise[frames.exercise["intensity"] == "vigorous"]
    starts = ((sessions["start_local"] - origin) / _HOUR).to_numpy(dtype=float)
    lows, highs, before = _merged_windows(starts)
    day_at = ((_dates(days) - origin) / _HOUR).to_numpy(dtype=float)
    exposed_h = _covered(lows, highs, before, day_at + WINDOW_H) - _covered(
        lows, highs, before, day_at
    )

    episodes = frames.episodes[frames.episodes["date"].isin(days.index)]
    at = ((episodes["start_local"] - origin) / _HOUR).to_numpy(dtype=float)
    k = np.searchsorted(lows, at, side="right") - 1
    hit = (k >= 0) & (at < highs[np.maximum(k, 0)]) if lows.size else np.zeros(at.size, bool)
    exposed_count = (
        pd.Series(hit, index=episodes["date"].to_numpy())
        .groupby(level=0)
        .sum()
        .reindex(days.index, fill_value=0)
        .to_numpy(dtype="int64")
    )
    share = np.round(exposed_h / WINDOW_H, 9)  # no float dust: 1e-9 days is 0.1 ms
    rows = pd.DataFrame(
        {
            "week": np.r_[days["week"].to_numpy(), days["week"].to_numpy()],
            "exposed": np.r_[np.ones(len(days), bool), np.zeros(len(days), bool)],
            "time": np.r_[share, 1.0 - share],
            "count": np.r_[exposed_count, days["count"].to_numpy() - exposed_count],
        }
    )
    return Exposure(
        "vigorous_exercise_24h",
        "Vigorous exercise in the 24 h before",
        "strain_injury",
        "In the 24 hours after vigorous exercise",
        rows[rows["time"] > 0].reset_index(drop=True),
        0,
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
