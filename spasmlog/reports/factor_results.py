"""The factor report's results as frozen dataclasses, and their JSON form ("spasmlog.factors/1").

`factors.analyse` makes them; the doctor summary and the demo read them. Extra JSON keys beyond
the issue's contract: coverage, options, and per factor its two rates, the expected exposed
episodes, `unknown_days` (check-in days with the factor unknown: its field left blank, or for
exercise the hours not known, over 24), the variance inflation seen by the over-dispersion
check, what was missing when there was not enough data (`shortfall`) and, when blanks starve
the factor, the answer that would feed it (`answer_hint`, e.g. "answer `spasmlog checkin
--alcohol 0` on days without alcohol"), and `unconfirmed_signal`: true for a factor whose 95%
interval leaves out 1 but whose q is above the threshold, so its verdict stays "no clear
association" (possible, not confirmed once every tested factor is allowed for). A medication
change is "started", "stopped" or "dose changed" (the same drug, by generic or else by name,
started again on the day the last period stopped or the day after, at another dose), with
`dose_before` and `dose_after` for the last.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from spasmlog.knowledge.factors import LOW_FLUID_ML
from spasmlog.reports import rates

SCHEMA = "spasmlog.factors/1"
ASSOCIATED = "associated"
PROTECTIVE = "protective"
UNCLEAR = "no clear association"
NOT_ENOUGH = "not enough data"
VERDICTS = (ASSOCIATED, PROTECTIVE, UNCLEAR, NOT_ENOUGH)


@dataclass(frozen=True)
class FactorOptions:
    fluid_threshold_ml: float = LOW_FLUID_ML
    window_weeks: int = 8
    min_exposed_days: float = 14
    min_unexposed_days: float = 14
    min_expected_exposed: float = 5
    q_threshold: float = 0.10


def _number(value: float | None) -> float | None:
    """JSON has no infinity: an unbounded limit or undefined ratio is null."""
    return None if value is None or not math.isfinite(value) else float(value)


@dataclass(frozen=True)
class FactorResult:
    id: str
    label: str
    article_factor: str | None
    method: str
    exposed_days: float
    unexposed_days: float
    exposed_episodes: int
    unexposed_episodes: int
    rate_ratio: float | None  # None when not tested; inf when no unexposed episodes
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    q_value: float | None
    verdict: str
    phrase: str  # "On days you drank under 1.5 L"
    expected_exposed: float
    unknown_days: float  # hours / 24 for exercise
    variance_inflation: float | None
    shortfall: tuple[str, ...]  # what is missing for a test, when "not enough data"
    answer_hint: str | None = None  # the answer that would feed a factor starved by blanks

    @property
    def unconfirmed_signal(self) -> bool:
        """The interval leaves out 1, but the q-value does not clear the threshold."""
        if self.verdict != UNCLEAR or self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 1 or self.ci_high < 1

    @property
    def rate_exposed(self) -> float | None:
        return rates.rate(self.exposed_episodes, self.exposed_days)

    @property
    def rate_unexposed(self) -> float | None:
        return rates.rate(self.unexposed_episodes, self.unexposed_days)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "article_factor": self.article_factor,
            "method": self.method,
            "exposed_days": self.exposed_days,
            "unexposed_days": self.unexposed_days,
            "exposed_episodes": self.exposed_episodes,
            "unexposed_episodes": self.unexposed_episodes,
            "rate_ratio": _number(self.rate_ratio),
            "ci_low": _number(self.ci_low),
            "ci_high": _number(self.ci_high),
            "p_value": _number(self.p_value),
            "q_value": _number(self.q_value),
            "verdict": self.verdict,
            "rate_exposed": _number(self.rate_exposed),
            "rate_unexposed": _number(self.rate_unexposed),
            "expected_exposed_episodes": self.expected_exposed,
            "unknown_days": self.unknown_days,
            "variance_inflation": _number(self.variance_inflation),
            "shortfall": list(self.shortfall),
            "answer_hint": self.answer_hint,
            "unconfirmed_signal": self.unconfirmed_signal,
        }


@dataclass(frozen=True)
class MedicationChange:
    medication: str
    generic: str | None
    drug_class: str
    change: str  # "started" | "stopped" | "dose changed" (the same drug went on at a new dose)
    date: dt.date
    method: str
    days_before: float
    days_after: float
    episodes_before: int
    episodes_after: int
    rate_ratio: float | None  # after / before
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    shortfall: tuple[str, ...]
    dose_before: str | None = None  # "dose changed" only: "20 mg" (the name when no dose)
    dose_after: str | None = None

    @property
    def rate_before(self) -> float | None:
        return rates.rate(self.episodes_before, self.days_before)

    @property
    def rate_after(self) -> float | None:
        return rates.rate(self.episodes_after, self.days_after)

    def to_json(self) -> dict[str, Any]:
        return {
            "medication": self.medication,
            "generic": self.generic,
            "class": self.drug_class,
            "change": self.change,
            "date": self.date.isoformat(),
            "rate_before": _number(self.rate_before),
            "rate_after": _number(self.rate_after),
            "rate_ratio": _number(self.rate_ratio),
            "ci_low": _number(self.ci_low),
            "ci_high": _number(self.ci_high),
            "p_value": _number(self.p_value),
            "method": self.method,
            "days_before": self.days_before,
            "days_after": self.days_after,
            "episodes_before": self.episodes_before,
            "episodes_after": self.episodes_after,
            "shortfall": list(self.shortfall),
            "dose_before": self.dose_before,
            "dose_after": self.dose_after,
        }


@dataclass(frozen=True)
class ConditionNote:
    name: str
    group: str
    since: dt.date | None
    until: dt.date | None
    all_along: bool  # present on every day of the period

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "all_along": self.all_along,
        }


@dataclass(frozen=True)
class LabNote:
    test: str
    taken_on: dt.date
    value: float
    unit: str
    value_mmol_l: float
    flag: str  # "low" | "high"
    condition: str | None  # "hypokalemia", ...

    def to_json(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "taken_on": self.taken_on.isoformat(),
            "value": self.value,
            "unit": self.unit,
            "value_mmol_l": self.value_mmol_l,
            "flag": self.flag,
            "condition": self.condition,
        }


@dataclass(frozen=True)
class Context:
    conditions: tuple[ConditionNote, ...]
    lab_flags: tuple[LabNote, ...]


@dataclass(frozen=True)
class FactorReport:
    start: dt.date
    end: dt.date
    days_in_period: int
    analysable_days: int
    episodes_total: int
    episodes_analysed: int
    factors: tuple[FactorResult, ...]
    medication_changes: tuple[MedicationChange, ...]
    context: Context
    options: FactorOptions

    @property
    def coverage(self) -> float:
        return self.analysable_days / self.days_in_period if self.days_in_period else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "days_in_period": self.days_in_period,
            "analysable_days": self.analysable_days,
            "coverage": self.coverage,
            "episodes_total": self.episodes_total,
            "episodes_analysed": self.episodes_analysed,
            "factors": [factor.to_json() for factor in self.factors],
            "medication_changes": [change.to_json() for change in self.medication_changes],
            "context": {
                "conditions": [note.to_json() for note in self.context.conditions],
                "lab_flags": [note.to_json() for note in self.context.lab_flags],
            },
            "options": {
                "fluid_threshold_ml": self.options.fluid_threshold_ml,
                "window_weeks": self.options.window_weeks,
                "min_exposed_days": self.options.min_exposed_days,
                "min_unexposed_days": self.options.min_unexposed_days,
                "min_expected_exposed": self.options.min_expected_exposed,
                "q_threshold": self.options.q_threshold,
            },
        }


def days_text(value: float) -> str:
    return f"{round(value):,}" if abs(value - round(value)) < 0.05 else f"{value:,.1f}"


def counted(value: float, noun: str) -> str:
    """ "1 spasm", "2 spasms", "0.5 days": a count with its noun, singular only for one."""
    number = days_text(value)
    return f"{number} {noun}" if number == "1" else f"{number} {noun}s"


def q_above(value: float, threshold: float) -> str:
    """A q-value above the threshold, with the digits that show it is above: 0.1004 -> "0.1004"
    against 0.10, never a "0.10" that reads as on it."""
    digits = 2
    while round(value, digits) <= threshold and digits < 6:
        digits += 1
    return f"{value:.{digits}f}"
