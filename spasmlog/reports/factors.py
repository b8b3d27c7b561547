"""The risk-factor report: which of the article's factors go with the spasms, with honest numbers.

Pure: Frames in, a frozen FactorReport out. Each factor compares the spasm rate on analysable
days (days with a check-in) with and without it (`exposures`), by an exact test or, when spasms
come in bursts, a Poisson model that allows for them (`rates`); the results are the frozen
dataclasses of `factor_results`, re-exported here. Then:

- Minimum data: fewer than `min_exposed_days` exposed or `min_unexposed_days` unexposed days
  (hours / 24 for exercise), or fewer than `min_expected_exposed` episodes expected on the exposed
  days at the overall rate, gives "not enough data": counts kept, no ratio, no test.
- Benjamini-Hochberg q-values over the factors that were tested, and nothing else.
- Verdict: "associated" (q <= q_threshold, ratio > 1), "protective" (q <= q_threshold, ratio < 1),
  else "no clear association".
- Medication started or stopped inside the period: the rate over analysable days in the
  `window_weeks` before vs after, by the same rules.
- Conditions present all along and out-of-range labs are context: a diary cannot test them.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from spasmlog.knowledge.conditions import label as group_label
from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.knowledge.factors import DISCLAIMER
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
from spasmlog.reports.frames import Frames, condition_rows, lab_rows, medication_rows

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
    )


def _with_q_values(results: list[FactorResult], q_threshold: float) -> list[FactorResult]:
    """Benjamini-Hochberg over the tested factors only; verdicts from the q-values."""
    from statsmodels.stats.multitest import multipletests

    tested = [i for i, result in enumerate(results) if result.p_value is not None]
    if not tested:
        return results
    q_values = multipletests([results[i].p_value for i in tested], method="fdr_bh")[1]
    for i, q in zip(tested, q_values, strict=True):
        ratio = results[i].rate_ratio
        assert ratio is not None
        verdict = UNCLEAR
        if q <= q_threshold and ratio != 1:
            verdict = ASSOCIATED if ratio > 1 else PROTECTIVE
        results[i] = replace(results[i], q_value=float(q), verdict=verdict)
    return results


def _changes(frames: Frames, days: pd.DataFrame, options: FactorOptions) -> list[MedicationChange]:
    events = []
    start, end = pd.Timestamp(frames.start), pd.Timestamp(frames.end)
    medications = medication_rows(frames.medications)
    for med in medications:
        for change, changed_on in (("started", med.started_on), ("stopped", med.stopped_on)):
            if not pd.isna(changed_on) and start <= changed_on <= end:
                events.append((changed_on.date(), change, med))
    changes = []
    for when, change, med in sorted(events, key=lambda event: (event[0], event[1])):
        rows = exposures.before_after(days, when, options.window_weeks, change == "started")
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


def class_label(drug_class: str) -> str:
    info = CLASS_INFO.get(drug_class)
    return info.label if info else drug_class


# --- plain language ------------------------------------------------------------------------------

CAVEAT = "This is an association in your own diary, not proof of cause."
_WIDTH = 100


def _ratio(value: float) -> str:
    if value < 0.995:
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 9.95 else f"{value:,.0f}"


def _interval(low: float | None, high: float | None) -> str:
    if low is None:
        return ""
    if high is None or not math.isfinite(high):
        return f"95% CI from {_ratio(low)} up"
    return f"95% CI {_ratio(low)}-{_ratio(high)}"


def _rates(first: float | None, second: float | None) -> str:
    """ "0.62 vs 0.26 a day", or a week when both are rare."""
    values = [value or 0.0 for value in (first, second)]
    if max(values) < 0.1:
        return f"{values[0] * 7:.2f} vs {values[1] * 7:.2f} a week"
    digits = 1 if min(values) >= 10 else 2
    return f"{values[0]:.{digits}f} vs {values[1]:.{digits}f} a day"


def sentence(result: FactorResult) -> str:
    """One plain-language line for a factor, e.g. "On days you drank under 1.5 L you had 2.4x
    as many spasms (95% CI 1.6-3.5; 0.62 vs 0.26 a day, over 88 and 241 days)."."""
    over = f"over {_days(result.exposed_days)} and {_days(result.unexposed_days)} days"
    rates_text = _rates(result.rate_exposed, result.rate_unexposed)
    if result.rate_ratio is None:
        blank = (
            f"; unknown on {_days(result.unknown_days)} check-in days"
            if result.unknown_days
            else ""
        )
        return (
            f"{result.label}: {result.exposed_episodes} spasms over "
            f"{_days(result.exposed_days)} days with it, {result.unexposed_episodes} over "
            f"{_days(result.unexposed_days)} days without{blank}; too little to compare (needs "
            f"{'; '.join(result.shortfall)})."
        )
    interval = _interval(result.ci_low, result.ci_high)
    if result.exposed_episodes == 0:
        return f"{result.phrase} you had no spasms ({interval}; {rates_text}, {over})."
    if not math.isfinite(result.rate_ratio):
        return (
            f"{result.phrase} you had all {result.exposed_episodes} of the spasms "
            f"({interval}; {rates_text}, {over})."
        )
    return (
        f"{result.phrase} you had {_ratio(result.rate_ratio)}x as many spasms "
        f"({interval}; {rates_text}, {over})."
    )


def change_sentence(change: MedicationChange, weeks: int) -> str:
    """ "Started atorvastatin (Statins) on 2025-06-01: ..." for one medication change."""
    about = [change.generic] if change.generic and change.generic != change.medication else []
    about.append(exposures.plain(class_label(change.drug_class).split(" (")[0]))
    head = (
        f"{change.change.capitalize()} {change.medication} ({'; '.join(about)}) on "
        f"{change.date.isoformat()}"
    )
    over = f"over {_days(change.days_after)} and {_days(change.days_before)} days"
    rates_text = _rates(change.rate_after, change.rate_before)
    if change.rate_ratio is None:
        return (
            f"{head}: {rates_text} in the {weeks} weeks after vs before ({over}); too little "
            f"to compare (needs {'; '.join(change.shortfall)})."
        )
    if not math.isfinite(change.rate_ratio):
        amount = f"all {change.episodes_after} spasms came after"
    else:
        amount = f"{_ratio(change.rate_ratio)}x as many spasms after as before"
    interval = _interval(change.ci_low, change.ci_high)
    return f"{head}: {amount} ({interval}; {rates_text}, {over}, {weeks} weeks each side)."


def _bullets(lines: list[str]) -> list[str]:
    return [
        textwrap.fill(line, _WIDTH, initial_indent="  - ", subsequent_indent="    ")
        for line in lines
    ]


def _paragraph(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH)


def _context_lines(context: Context) -> list[str]:
    lines = []
    for note in context.conditions:
        group = group_label(note.group)
        about = f"{note.name} ({group})" if group.lower() != note.name.lower() else note.name
        if note.all_along:
            lines.append(f"{about}: present all along, so a diary cannot test it.")
        else:
            span = (
                f"from {note.since.isoformat() if note.since else 'before'} to "
                f"{note.until.isoformat() if note.until else 'now'}"
            )
            lines.append(f"{about}: {span}, part of the period (not tested).")
    for lab in context.lab_flags:
        name = TESTS_BY_ID[lab.test].label if lab.test in TESTS_BY_ID else lab.test
        condition = f" ({lab.condition})" if lab.condition else ""
        lines.append(
            f"{name} {lab.value:g} {lab.unit} on {lab.taken_on.isoformat()}: "
            f"{lab.flag}{condition}. Out of range results are worth showing your doctor."
        )
    return lines


def _method_lines(report: FactorReport) -> list[str]:
    tested = [result for result in report.factors if result.verdict != NOT_ENOUGH]
    lines = [
        'Each factor compares spasms a day on check-in days with it and without it. "2.4x as '
        'many" is that ratio; the 95% CI is the range the true ratio is likely to lie in.',
        f"Associated or protective means q <= {report.options.q_threshold:.2f}. q is the p-value "
        f"corrected for testing {len(tested)} factors at once (Benjamini-Hochberg), so on average "
        f"at most {report.options.q_threshold:.0%} of flagged factors are false alarms.",
        f"Not enough data: fewer than {report.options.min_exposed_days:g} days with or "
        f"{report.options.min_unexposed_days:g} without the factor, or fewer than "
        f"{report.options.min_expected_exposed:g} spasms expected with it.",
    ]
    methods = [
        f"{rates.METHODS[method]} for {', '.join(r.id for r in tested if r.method == method)}"
        for method in (rates.EXACT, rates.CLUSTERED, rates.QUASI)
        if any(result.method == method for result in tested)
    ]
    if methods:
        lines.append(f"Intervals and q: {'; '.join(methods)}.")
    return lines


def render_text(report: FactorReport) -> str:
    """The whole terminal report: coverage, one sentence a factor by verdict, changes, context."""
    lines = [
        f"Risk factors and your spasms, {report.start.isoformat()} to {report.end.isoformat()}"
    ]
    lines += _paragraph(
        f"Coverage: {report.analysable_days:,} of {report.days_in_period:,} days have a check-in "
        f"({report.coverage:.0%}); {report.episodes_analysed:,} of {report.episodes_total:,} "
        "spasms fell on those days and are compared. Days without a check-in are left out, not "
        "counted as zero."
    )
    if report.analysable_days == 0:
        lines += _paragraph(
            "There is nothing to compare yet: a daily `spasmlog checkin` lets the "
            "report compare days with and without each factor."
        )
    sections = (
        (ASSOCIATED, f"More spasms with (associated, q <= {report.options.q_threshold:.2f}):"),
        (PROTECTIVE, f"Fewer spasms with (protective, q <= {report.options.q_threshold:.2f}):"),
        (UNCLEAR, "No clear association:"),
        (NOT_ENOUGH, "Not enough data yet (shown with their counts, not tested):"),
    )
    for verdict, title in sections:
        chosen = [result for result in report.factors if result.verdict == verdict]
        if chosen:
            lines += ["", title, *_bullets([sentence(result) for result in chosen])]
    weeks = report.options.window_weeks
    if report.medication_changes:
        lines += ["", f"Medication changes (spasms in the {weeks} weeks after vs before):"]
        lines += _bullets([change_sentence(change, weeks) for change in report.medication_changes])
        lines.append(
            "    (A before/after comparison also picks up anything else that changed then.)"
        )
    context = _context_lines(report.context)
    if context:
        lines += ["", "Context (not tested):", *_bullets(context)]
    lines += ["", "How to read this:", *_bullets(_method_lines(report))]
    lines += ["", *_paragraph(f"{CAVEAT} {DISCLAIMER}")]
    return "\n".join(lines) + "\n"
