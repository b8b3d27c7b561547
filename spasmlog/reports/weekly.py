"""The weekly report's numbers: one row per week (from Monday, or from Sunday: `week_start`, the
weekday a week begins on, 0 Monday or 6 Sunday), the 4-week trend, the panels' data.

Pure: `Frames` in, frozen dataclasses of plain Python values out, so the terminal table, the chart
and the doctor summary all show the same numbers.

Which weeks count never depends on the outcome: every day from the start of observation
(Frames.observed_from: the first episode or check-in, or a start set by hand) is observed, so a
week without episodes is a 0, and only weeks before it are "no data". Episodes count for their
analysis day (spasmlog.core.clock: noon to noon, so a night's cramps fall in the week the night began).
Trends and the 4-week mean compare complete weeks only: a week that has just begun is not scaled
up to seven days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import format_duration
from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.knowledge.factors import SEVERE_AT
from spasmlog.knowledge.muscles import label
from spasmlog.reports.load import Frames, medication_rows

DEFAULT_WEEKS = 12
MAX_WEEKS = 1100  # about 21 years; the chart stays readable and fast
TREND_WEEKS = 4
STEADY_BAND = 0.10  # rates within ±10 % of each other are "about the same"
MODERATE_AT = 4  # worst severity 0-3 mild, 4 to SEVERE_AT-1 moderate, SEVERE_AT-10 severe
MONDAY, SUNDAY = 0, 6  # the weekdays a week may start on


def severity_band(worst: int | None) -> str:
    """The band a week's worst severity falls in; "severe" agrees with the doctor signs."""
    if worst is None:
        return "not rated"
    if worst >= SEVERE_AT:
        return "severe"
    return "moderate" if worst >= MODERATE_AT else "mild"


@dataclass(frozen=True)
class WeekRow:
    """One week (local time) from its first day, a Monday or a Sunday, clipped to the report's
    period."""

    first_day: dt.date
    days: int  # days of this week inside the period (7 except at the period's ends)
    observed_days: int  # of those, days from the start of observation on
    episodes: int
    mean_severity: float | None
    worst_severity: int | None
    total_duration_s: int | None  # over episodes with a duration; None when none had one
    median_duration_s: float | None
    nights_woken: int  # distinct nights (noon to noon) with an episode that woke the person
    checkin_days: int
    mean_fluid_ml: float | None  # over check-in days that gave fluids
    top_muscle: str | None  # most episodes; ties go to the name first in the alphabet

    @property
    def has_data(self) -> bool:
        """False before observation started: nothing is known about such a week."""
        return self.observed_days > 0

    @property
    def complete(self) -> bool:
        """Observed on all seven days: the weeks trends compare."""
        return self.observed_days == 7

    @property
    def band(self) -> str:
        return severity_band(self.worst_severity)


@dataclass(frozen=True)
class Trend:
    """Episodes a week in the latest TREND_WEEKS complete weeks against the TREND_WEEKS before.

    Only complete weeks count (see WeekRow.complete): a week that has just begun, or one before
    observation started, neither pulls the rate down nor is scaled up.
    """

    recent_from: dt.date | None
    recent_rate: float | None
    recent_weeks: int  # complete weeks in the window
    earlier_from: dt.date | None
    earlier_rate: float | None
    earlier_weeks: int

    @property
    def change(self) -> float | None:
        """Relative change (0.25 = 25 % more); None when it cannot be computed."""
        if self.recent_rate is None or self.earlier_rate is None or self.earlier_rate == 0:
            return None
        return (self.recent_rate - self.earlier_rate) / self.earlier_rate

    @property
    def direction(self) -> str:
        """One of up, down, steady, or unknown (a window without data)."""
        if self.recent_rate is None or self.earlier_rate is None:
            return "unknown"
        if self.earlier_rate == 0:
            return "steady" if self.recent_rate == 0 else "up"
        change = self.change or 0.0
        if abs(change) < STEADY_BAND:
            return "steady"
        return "up" if change > 0 else "down"

    def sentence(self) -> str:
        n = TREND_WEEKS
        if self.recent_rate is None or self.earlier_rate is None:
            return (
                f"Trend: needs 2 complete weeks or more, to compare the latest (up to {n}) with "
                "as many before them (complete weeks so far: "
                f"{self.recent_weeks + self.earlier_weeks})."
            )
        said = {
            "up": "up (more episodes)",
            "down": "down (fewer episodes)",
            "steady": "about the same",
        }[self.direction]
        if self.change is not None and self.direction != "steady":
            said = said.replace(" (", f" {abs(self.change):.0%} (", 1)
        recent = _weeks(self.recent_weeks, "latest ")
        earlier = _weeks(self.earlier_weeks, "")
        return (
            f"Trend: {self.recent_rate:.1f} episodes a week in the {recent} (from "
            f"{self.recent_from}) vs {self.earlier_rate:.1f} in the {earlier} before (from "
            f"{self.earlier_from}): {said}."
        )


def _weeks(count: int, which: str) -> str:
    return f"{which}complete week" if count == 1 else f"{which}{count} complete weeks"


# --- the period -------------------------------------------------------------------------------


def week_of(day: dt.date, week_start: int = MONDAY) -> dt.date:
    """The first day of the week holding `day`: the Monday (or Sunday) on or before it."""
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def period(
    today: dt.date,
    weeks: int | None,
    since: dt.date | None,
    until: dt.date | None,
    week_start: int = MONDAY,
) -> tuple[dt.date, dt.date]:
    """The report's local dates: `--weeks` whole weeks back from `until` (default today)'s week,
    or from `since`; both ends inclusive."""
    if weeks is not None and since is not None:
        raise InvalidInput("--weeks", str(weeks), "Give --weeks or --since, not both.")
    if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput("--weeks", str(weeks), f"Give a number of weeks from 1 to {MAX_WEEKS}.")
    end = until or today
    start = since or week_of(end, week_start) - dt.timedelta(weeks=(weeks or DEFAULT_WEEKS) - 1)
    if start > end:
        raise InvalidInput("--since", str(since), f"--since must be on or before {end}.")
    if (week_of(end, week_start) - week_of(start, week_start)).days // 7 + 1 > MAX_WEEKS:
        raise InvalidInput("--since", str(since), f"The period can span at most {MAX_WEEKS} weeks.")
    return start, end


def default_start(usual: dt.date, observed_from: dt.date | None, last: dt.date) -> dt.date:
    """A report's default first day: the usual one, or the diary's first day when that is later,
    so that no weeks of "no data" stand before the diary existed."""
    if observed_from is None:
        return usual
    return min(max(usual, observed_from), last)


# --- weekly rows ------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _week_key(dates: pd.Series, week_start: int) -> pd.Series:
    back = (dates.dt.day_of_week - week_start) % 7
    return (dates - pd.to_timedelta(back, unit="D")).dt.date


def weekly_rows(frames: Frames, week_start: int = MONDAY) -> list[WeekRow]:
    """One WeekRow per week (from `week_start`) touching [frames.start, frames.end]."""
    episodes = frames.episodes.assign(week=_week_key(frames.episodes["day"], week_start))
    checkins = frames.checkins.assign(week=_week_key(frames.checkins["date"], week_start))
    by_week = episodes.groupby("week")
    counts = by_week.size().to_dict()
    severity = by_week["severity"].agg(["mean", "max"]).to_dict("index")
    duration = by_week["duration_s"].agg(["sum", "median", "count"]).to_dict("index")
    woke = episodes[episodes["woke"].fillna(False).astype(bool)]
    nights_woken = woke.groupby("week")["day"].nunique().to_dict()  # a night: one analysis day
    per_muscle = episodes.groupby(["week", "muscle"]).size().reset_index(name="n")
    per_muscle = per_muscle.sort_values(["week", "n", "muscle"], ascending=[True, False, True])
    top = per_muscle.drop_duplicates("week").set_index("week")["muscle"].to_dict()
    checkin_days = checkins.groupby("week").size().to_dict()
    fluids = checkins.groupby("week")["fluid_ml"].mean().to_dict()

    rows = []
    first = week_of(frames.start, week_start)
    while first <= frames.end:
        last = first + dt.timedelta(days=6)
        days = (min(last, frames.end) - max(first, frames.start)).days + 1
        n = int(counts.get(first, 0))
        sev = severity.get(first, {})
        dur = duration.get(first, {})
        timed = int(dur.get("count", 0))
        worst = _number(sev.get("max"))
        rows.append(
            WeekRow(
                first_day=first,
                days=days,
                observed_days=frames.observed_days(first, last),
                episodes=n,
                mean_severity=_number(sev.get("mean")),
                worst_severity=None if worst is None else int(worst),
                total_duration_s=int(dur["sum"]) if timed else None,
                median_duration_s=_number(dur.get("median")) if timed else None,
                nights_woken=int(nights_woken.get(first, 0)),
                checkin_days=int(checkin_days.get(first, 0)),
                mean_fluid_ml=_number(fluids.get(first)),
                top_muscle=top.get(first),
            )
        )
        first += dt.timedelta(weeks=1)
    return rows


def per_week(rows: Sequence[WeekRow]) -> float | None:
    """Episodes a week over the complete weeks among `rows`; None when there is none."""
    complete = [row for row in rows if row.complete]
    return sum(row.episodes for row in complete) / len(complete) if complete else None


def rolling_rate(rows: Sequence[WeekRow], window: int = TREND_WEEKS) -> list[float | None]:
    """For each complete week, episodes a week over the complete weeks among it and the window-1
    weeks before; None for a week that is not complete."""
    return [
        per_week(rows[max(0, i - window + 1) : i + 1]) if row.complete else None
        for i, row in enumerate(rows)
    ]


def trend(rows: Sequence[WeekRow], window: int = TREND_WEEKS) -> Trend:
    """The latest `window` complete weeks against as many before them (fewer, and equal in
    number, when there are not 2 x `window` complete weeks)."""
    complete = [row for row in rows if row.complete]
    size = min(window, len(complete) // 2)
    recent = complete[len(complete) - size :] if size else []
    earlier = complete[len(complete) - 2 * size : len(complete) - size] if size else []
    recent_rate, recent_weeks = per_week(recent), len(recent)
    earlier_rate, earlier_weeks = per_week(earlier), len(earlier)
    return Trend(
        recent_from=recent[0].first_day if recent else None,
        recent_rate=recent_rate,
        recent_weeks=recent_weeks,
        earlier_from=earlier[0].first_day if earlier else None,
        earlier_rate=earlier_rate,
        earlier_weeks=earlier_weeks,
    )


# --- the other panels' data -------------------------------------------------------------------

SIDES = ("left", "right", "both", "unsided")  # "unsided": side "none" or not given


@dataclass(frozen=True)
class MuscleSides:
    muscle: str
    label: str
    left: int
    right: int
    both: int
    unsided: int

    @property
    def total(self) -> int:
        return self.left + self.right + self.both + self.unsided


@dataclass(frozen=True)
class FluidPanel:
    """Daily fluids on check-in days (days without a check-in, or without fluids, are absent)."""

    start: dt.date
    end: dt.date
    fluids: tuple[tuple[dt.date, int], ...]
    episode_days: tuple[dt.date, ...]
    threshold_ml: int
    unit: FluidUnit = LITRES  # how the person reads volumes (the chart's axis)


@dataclass(frozen=True)
class MedPeriod:
    name: str
    dose: str | None
    drug_class: str
    class_label: str
    started_on: dt.date
    stopped_on: dt.date | None  # None while still taken


@dataclass(frozen=True)
class MedicationPanel:
    start: dt.date
    end: dt.date
    periods: tuple[MedPeriod, ...]


def muscle_sides(episodes: pd.DataFrame) -> list[MuscleSides]:
    """Episodes per muscle and side, most affected muscle first (ties by name)."""
    sides = episodes["side"].where(episodes["side"].isin(SIDES[:3]), "unsided")
    table = pd.crosstab(episodes["muscle"], sides) if len(episodes) else pd.DataFrame()
    counts = table.reindex(columns=list(SIDES), fill_value=0)  # a side no episode had: 0
    result = [
        MuscleSides(str(muscle), label(str(muscle)), *(int(n) for n in row))
        for muscle, *row in counts.itertuples(name=None)
    ]
    return sorted(result, key=lambda m: (-m.total, m.muscle))


def hour_counts(episodes: pd.DataFrame) -> tuple[int, ...]:
    """Episodes by the local hour they started in, 0 to 23 (those imported with a date but no
    clock time are left out: they have no hour)."""
    known = episodes.get("time_known")
    timed = episodes if known is None else episodes[known.ne(False).fillna(True).astype(bool)]
    counts = timed["start_local"].dt.hour.value_counts()
    return tuple(int(counts.get(hour, 0)) for hour in range(24))


def fluid_panel(frames: Frames, threshold_ml: int, unit: FluidUnit = LITRES) -> FluidPanel:
    given = frames.checkins.dropna(subset=["fluid_ml"])
    return FluidPanel(
        start=frames.start,
        end=frames.end,
        fluids=tuple(
            (day, int(ml)) for day, ml in zip(given["date"].dt.date, given["fluid_ml"], strict=True)
        ),
        episode_days=tuple(sorted(set(frames.episodes["day"].dt.date))),
        threshold_ml=threshold_ml,
        unit=unit,
    )


def medication_panel(frames: Frames) -> MedicationPanel:
    """Medication periods that overlap the report's period, in the order they started."""
    meds = frames.medications
    periods = []
    for row in medication_rows(meds):
        stopped = None if pd.isna(row.stopped_on) else row.stopped_on.date()
        if stopped is not None and stopped < frames.start:
            continue
        info = CLASS_INFO.get(row.drug_class, CLASS_INFO["other"])
        periods.append(
            MedPeriod(
                name=row.name,
                dose=row.dose if isinstance(row.dose, str) and row.dose else None,
                drug_class=info.id,
                class_label=info.label,
                started_on=row.started_on.date(),
                stopped_on=stopped,
            )
        )
    return MedicationPanel(start=frames.start, end=frames.end, periods=tuple(periods))


# --- the terminal table -----------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return "-" if value is None else format_duration(round(value)) or "0s"


def mean_fluids(ml: float, unit: FluidUnit) -> str:
    """A week's mean daily fluids: "1.4 L", "1400 ml", "5.6 glasses", "47.3 oz"."""
    if unit.name == "ml":
        return f"{round(ml)} ml"
    return f"{unit.amount(ml):.1f} {'glasses' if unit.name == 'glass' else unit.name}"


def _row_cells(row: WeekRow, unit: FluidUnit) -> list[str]:
    cells = [row.first_day.isoformat()]
    if not row.has_data:
        return [*cells, "no data", "", "", "", "", "", ""]
    severity = (
        "-" if row.mean_severity is None else f"{row.mean_severity:.1f} / {row.worst_severity}"
    )
    duration = (
        "-"
        if row.total_duration_s is None
        else f"{_seconds(row.total_duration_s)} / {_seconds(row.median_duration_s)}"
    )
    fluids = "-" if row.mean_fluid_ml is None else mean_fluids(row.mean_fluid_ml, unit)
    return [
        *cells,
        str(row.episodes),
        severity,
        duration,
        str(row.nights_woken),
        f"{row.checkin_days}/{row.days}",
        fluids,
        label(row.top_muscle) if row.top_muscle else "-",
    ]


def render_table(rows: Sequence[WeekRow], trend: Trend, unit: FluidUnit = LITRES) -> str:
    """The weekly table for the terminal (fluids in the person's unit), then the trend line."""
    headers = [
        "Week of",
        "Episodes",
        "Severity mean/worst",
        "Duration total/median",
        "Nights woken",
        "Check-ins",
        "Fluids (mean)",
        "Top muscle",
    ]
    body = [_row_cells(row, unit) for row in rows]
    widths = [max(len(cells[i]) for cells in [headers, *body]) for i in range(len(headers))]
    right = {1, 4}  # the counts

    def line(cells: list[str]) -> str:
        padded = [
            c.rjust(w) if i in right and c != "no data" else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    lines = [line(headers), "  ".join("-" * w for w in widths), *(line(c) for c in body)]
    total = sum(row.episodes for row in rows)
    if total == 0:
        lines.append("No episodes were logged in this period.")
    lines.append(trend.sentence())
    return "\n".join(lines)
