"""What the doctor summary says, as plain data: numbers, dates and strings, no pandas.

spasmlog.reports.summary fills it from the diary; the layout turns it into a Document; the three
renderers draw that, so every format shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spasmlog.core.settings import LITRES, FluidUnit

if TYPE_CHECKING:
    from spasmlog.reports.trial import TrialSummary
    from spasmlog.reports.weekly import MuscleSides


# The charts' sizes in inches (width, height), as printed: page 1's compact chart of episodes a
# week fits beside the key numbers, page 2's five panels fit the text area of A4 and of letter.
COMPACT_CHART_IN = (3.1, 1.45)
PAGE_CHART_IN = (7.15, 9.1)


@dataclass(frozen=True)
class Sign:
    """One of the article's "see a doctor" signs, as found in the period."""

    label: str
    count: int
    dates: tuple[dt.date, ...]
    detail: str = ""
    rising: bool = False  # the frequency sign only: more episodes a week now than at the start

    @property
    def found(self) -> bool:
        return self.count > 0 or self.rising


@dataclass(frozen=True)
class CurrentMed:
    name: str
    dose: str | None
    started_on: dt.date
    class_label: str
    linked: bool  # the article links the class to spasms
    atc: str | None


@dataclass(frozen=True)
class MedChange:
    name: str
    class_label: str
    change: str  # "started" | "stopped" | "dose changed"
    date: dt.date
    per_week_before: float | None
    per_week_after: float | None
    episodes_before: int
    episodes_after: int
    days_before: float
    days_after: float
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    doses: tuple[str, str] | None = None  # (before, after) for a dose change


@dataclass(frozen=True)
class ConditionLine:
    name: str
    group: str
    since: dt.date | None
    until: dt.date | None


@dataclass(frozen=True)
class LabLine:
    test: str
    taken_on: dt.date
    value: float
    unit: str
    value_mmol_l: float
    flag: str
    condition: str | None
    range_low_mmol_l: float
    range_high_mmol_l: float
    range_source: str


@dataclass(frozen=True)
class FactorLine:
    label: str
    verdict: str
    rate_ratio: float
    ci_low: float | None
    ci_high: float | None
    exposed_episodes: int
    exposed_days: float
    unexposed_episodes: int
    unexposed_days: float
    q_value: float | None = None


@dataclass(frozen=True)
class EpisodeLine:
    date: dt.date
    time: str
    muscle: str
    side: str
    duration_s: int | None
    severity: int | None
    note: str


@dataclass(frozen=True)
class FluidLine:
    """Daily fluids over the period's check-in days that gave them; `unit` is how the person
    reads volumes (the summary states litres, and that unit beside them)."""

    days: int
    mean_ml: float | None
    low_days: int
    threshold_ml: float
    unit: FluidUnit = LITRES


@dataclass(frozen=True)
class SummaryData:
    start: dt.date
    end: dt.date
    generated: dt.date
    version: str
    checkin_days: int
    observed_days: int  # days of the period from the start of observation on, and over
    observed_from: dt.date | None
    diary_days: int  # days of the period from the start of observation on, today included
    episodes: int
    trend_weeks: int  # "now" is the last this many complete weeks, "the start" the first; 0: too
    # few complete weeks, and "now" is the rate over the observed days
    per_week_start: float | None
    per_week_now: float | None
    severity_bands: tuple[tuple[str, int], ...]  # ("mild (0-3)", 4), ...
    median_duration_s: float | None
    longest_duration_s: int | None
    nights_woken: int
    muscles: tuple[MuscleSides, ...]
    signs: tuple[Sign, ...]
    medications: tuple[CurrentMed, ...]
    changes: tuple[MedChange, ...]
    change_weeks: int  # the weeks before and after a medication change that are compared
    conditions: tuple[ConditionLine, ...]
    labs: tuple[LabLine, ...]
    factors: tuple[FactorLine, ...]
    factors_tested: int
    unconfirmed: tuple[FactorLine, ...]  # interval leaves out 1, q above the threshold
    q_threshold: float
    not_enough: tuple[str, ...]
    weekly: tuple[tuple[dt.date, int | None], ...]  # (first day, episodes or None for no data)
    chart_png: bytes  # page 1: episodes a week (empty without charts: Markdown)
    page_chart_png: bytes  # page 2: the five panels of the weekly report (empty without charts)
    appendix: tuple[EpisodeLine, ...]
    trial: TrialSummary | None = None  # a running or finished trial of a remedy
    fluids: FluidLine | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
