"""The risk-factor report: which of the article's factors go with the spasms, with honest numbers.

Pure: Frames in, a frozen FactorReport out. Each factor compares the spasm rate on analysable
days (days with a check-in, noon to noon) with and without it (`exposures`, which also says which
records count as exposure), by an exact test or, when spasms come in bursts, a Poisson model
that allows for them (`rates`); the results are the frozen dataclasses of `factor_results`, and
their words `factor_text`, re-exported here. Then:

- Minimum data: fewer than `min_exposed_days` exposed or `min_unexposed_days` unexposed days
  (hours / 24 for exercise), or fewer than `min_expected_exposed` episodes expected on the exposed
  days at the overall rate, gives "not enough data": counts kept, no ratio, no test.
- Benjamini-Hochberg q-values over the factors that were tested, and nothing else.
- Verdict: "associated" (q <= q_threshold, ratio > 1), "protective" (q <= q_threshold, ratio < 1),
  else "no clear association" (an `unconfirmed_signal` when the interval still leaves out 1).
- Medication started, stopped or at a new dose inside the period (`_events`): the rate over
  analysable days in the `window_weeks` before vs after, by the same rules.
- Conditions present all along and out-of-range labs are context: a diary cannot test them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spasmlog.knowledge.labs import TESTS_BY_ID
from spasmlog.reports import exposures, rates
from spasmlog.reports.factor_results import (
    ASSOCIATED,
    NOT_ENOUGH,
    PROTECTIVE,
    SCHEMA,
    UNCLEAR,
    VERDICTS,
    ConditionNote,
    Context,
    FactorOptions,
    FactorReport,
    FactorResult,
    LabNote,
    MedicationChange,
)
from spasmlog.reports.factor_results import days_text as _days
from spasmlog.reports.factor_text import change_sentence, render_text, sentence
from spasmlog.reports.load import (
    Frames,
    MedicationRow,
    condition_rows,
    lab_rows,
    medication_rows,
)

if TYPE_CHECKING:
    from pandas.api.typing import NaTType

__all__ = [
    "ASSOCIATED",
    "NOT_ENOUGH",
    "PROTECTIVE",
    "SCHEMA",
    "UNCLEAR",
    "VERDICTS",
    "ConditionNote",
    "Context",
    "FactorOptions",
    "FactorReport",
    "FactorResult",
    "LabNote",
    "MedicationChange",
    "analyse",
    "change_sentence",
    "render_text",
    "sentence",
]


def _shortfall(
    counts: rates.Counts, options: FactorOptions, side: tuple[str, str]
) -> tuple[str, ...]:
    """What is missing before a comparison may be tested; empty when there is enough."""
    missing = []
    if counts.exposed_time < options.min_exposed_days:
        missing.append(
            f"{options.min_exposed_days:g} days {side[0]}, has {_days(counts.exposed_time)}"
        )
    if counts.unexposed_time < options.min_unexposed_days:
        missing.append(
            f"{options.min_unexposed_days:g} days {side[1]}, has {_days(counts.unexposed_time)}"
        )
    if counts.expected_exposed < options.min_expected_exposed:
        missing.append(
            f"{options.min_expected_exposed:g} spasms expected {side[0]}, "
            f"has {counts.expected_exposed:.1f}"
        )
    return tuple(missing)


def _factor(exposure: exposures.Exposure, options: FactorOptions) -> FactorResult:
    counts = rates.Counts.of(exposure.rows)
    shortfall = _shortfall(counts, options, ("with it", "without it"))
    fit = None if shortfall else rates.estimate(exposure.rows, counts)
    return FactorResult(
        id=exposure.id,
        label=exposure.label,
        article_factor=exposure.article_factor,
        method=fit.method if fit else "none",
        exposed_days=counts.exposed_time,
        unexposed_days=counts.unexposed_time,
        exposed_episodes=counts.exposed,
        unexposed_episodes=counts.unexposed,
        rate_ratio=fit.rate_ratio if fit else None,
        ci_low=fit.ci_low if fit else None,
        ci_high=fit.ci_high if fit else None,
        p_value=fit.p_value if fit else None,
        q_value=None,
        verdict=NOT_ENOUGH if shortfall else UNCLEAR,
        phrase=exposure.phrase,
        expected_exposed=counts.expected_exposed,
        unknown_days=exposure.unknown_days,
        variance_inflation=fit.variance_inflation if fit else None,
        shortfall=shortfall,
        answer_hint=exposure.answer if shortfall and exposure.unknown_days > 0 else None,
    )


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg q-values (statsmodels' multipletests(method="fdr_bh")): each p times
    m over its rank, then the smallest of those at its rank or above, at most 1."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    raw = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum(np.minimum.accumulate(raw[::-1])[::-1], 1.0)
    result = np.empty_like(q)
    result[order] = q
    return result.tolist()


def _with_q_values(results: list[FactorResult], q_threshold: float) -> list[FactorResult]:
    """Benjamini-Hochberg over the tested factors only; verdicts from the q-values."""
    tested = [i for i, result in enumerate(results) if result.p_value is not None]
    if not tested:
        return results
    q_values = benjamini_hochberg([results[i].p_value for i in tested])  # type: ignore[misc]
    for i, q in zip(tested, q_values, strict=True):
        ratio = results[i].rate_ratio
        assert ratio is not None
        verdict = UNCLEAR
        if q <= q_threshold and ratio != 1:
            verdict = ASSOCIATED if ratio > 1 else PROTECTIVE
        results[i] = replace(results[i], q_value=float(q), verdict=verdict)
    return results


def _drug(med: MedicationRow) -> str:
    """What makes two periods the same drug: the generic, else the name as typed."""
    return str(med.name if pd.isna(med.generic) else med.generic).strip().lower()


def _dose(med: MedicationRow) -> str:
    return str(med.name if pd.isna(med.dose) or not str(med.dose).strip() else med.dose)


Doses = tuple[str, str] | None  # (before, after) for a dose change


def _events(frames: Frames) -> list[tuple[dt.date, str, MedicationRow, Doses]]:
    """(date, change, period, (dose before, dose after) or None) inside the period, in order.

    A period of a drug that starts on the day another period of it stopped, or the day after,
    continues it: no "stopped" and "started", but "dose changed" when the doses differ (nothing
    when they do not)."""
    meds = list(medication_rows(frames.medications))
    starts: dict[tuple[str, pd.Timestamp | NaTType], int] = {
        (_drug(med), med.started_on): i for i, med in enumerate(meds)
    }
    next_of: dict[int, int] = {}
    for i, med in enumerate(meds):
        for gap in (0, 1) if not pd.isna(med.stopped_on) else ():
            j = starts.get((_drug(med), med.stopped_on + pd.Timedelta(days=gap)))
            if j is not None and j != i:
                next_of[i] = j
                break
    previous_of = {j: i for i, j in next_of.items()}
    start, end = pd.Timestamp(frames.start), pd.Timestamp(frames.end)
    events: list[tuple[dt.date, str, MedicationRow, Doses]] = []
    for i, med in enumerate(meds):
        before = meds[previous_of[i]] if i in previous_of else None
        changes: list[tuple[str, pd.Timestamp | NaTType, Doses]] = []
        if before is None:
            changes = [("started", med.started_on, None)]
        elif _dose(before) != _dose(med):
            changes = [("dose changed", med.started_on, (_dose(before), _dose(med)))]
        if i not in next_of:
            changes.append(("stopped", med.stopped_on, None))
        for change, changed_on, doses in changes:
            if not pd.isna(changed_on) and start <= changed_on <= end:
                events.append((pd.Timestamp(changed_on).date(), change, med, doses))
    return sorted(events, key=lambda event: (event[0], event[1]))


def _changes(frames: Frames, days: pd.DataFrame, options: FactorOptions) -> list[MedicationChange]:
    changes = []
    for when, change, med, doses in _events(frames):
        rows = exposures.before_after(days, when, options.window_weeks, change != "stopped")
        counts = rates.Counts.of(rows)
        shortfall = _shortfall(counts, options, ("after", "before"))
        fit = None if shortfall else rates.estimate(rows, counts)
        changes.append(
            MedicationChange(
                medication=str(med.name),
                generic=None if pd.isna(med.generic) else str(med.generic),
                drug_class=str(med.drug_class),
                change=change,
                date=when,
                method=fit.method if fit else "none",
                days_before=counts.unexposed_time,
                days_after=counts.exposed_time,
                episodes_before=counts.unexposed,
                episodes_after=counts.exposed,
                rate_ratio=fit.rate_ratio if fit else None,
                ci_low=fit.ci_low if fit else None,
                ci_high=fit.ci_high if fit else None,
                p_value=fit.p_value if fit else None,
                shortfall=shortfall,
                dose_before=doses[0] if doses else None,
                dose_after=doses[1] if doses else None,
            )
        )
    return changes


def _date(value: pd.Timestamp | NaTType) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _context(frames: Frames) -> Context:
    start, end = pd.Timestamp(frames.start), pd.Timestamp(frames.end)
    conditions = []
    for row in condition_rows(frames.conditions):
        began, ended = row.since, row.until
        if (pd.isna(began) or began <= end) and (pd.isna(ended) or ended >= start):
            all_along = (pd.isna(began) or began <= start) and (pd.isna(ended) or ended >= end)
            conditions.append(
                ConditionNote(
                    str(row.name), str(row.group), _date(began), _date(ended), bool(all_along)
                )
            )
    labs = frames.labs
    flagged = labs[(labs["taken_on"] >= start) & labs["flag"].isin(["low", "high"])]
    lab_flags = []
    for lab in lab_rows(flagged):
        test = TESTS_BY_ID.get(str(lab.test))
        condition = None
        if test is not None:
            condition = test.low_condition if lab.flag == "low" else test.high_condition
        lab_flags.append(
            LabNote(
                str(lab.test),
                pd.Timestamp(lab.taken_on).date(),
                float(lab.value),
                str(lab.unit),
                float(lab.value_mmol_l),
                str(lab.flag),
                condition,
            )
        )
    return Context(tuple(conditions), tuple(lab_flags))


DEFAULT_OPTIONS = FactorOptions()  # frozen: safe to share


def analyse(frames: Frames, options: FactorOptions = DEFAULT_OPTIONS) -> FactorReport:
    """Every factor's comparison, the medication changes and the context, for one period."""
    days = exposures.day_table(frames)
    results = [
        _factor(exposure, options)
        for exposure in exposures.exposures(frames, days, options.fluid_threshold_ml)
    ]
    return FactorReport(
        start=frames.start,
        end=frames.end,
        days_in_period=frames.days,
        analysable_days=len(days),
        episodes_total=len(frames.episodes),
        episodes_analysed=int(days["count"].sum()),
        factors=tuple(_with_q_values(results, options.q_threshold)),
        medication_changes=tuple(_changes(frames, days, options)),
        context=_context(frames),
        options=options,
    )
