"""The factor report in words a non-statistician reads correctly: one sentence a factor.

Pure: a FactorReport in, text out. Factors are named by their labels, never by their ids;
counts come with their plural ("1 spasm over 1 day"); a side with no days says so instead of
showing a rate over 0 days; the model behind each interval goes to a footnote; and the rules
that decide which days and records count are stated, one sentence each.
"""

from __future__ import annotations

import math
import textwrap

from spasmlog.knowledge.conditions import label as group_label
from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.knowledge.factors import DISCLAIMER
from spasmlog.knowledge.labs import TESTS_BY_ID
from spasmlog.reports import rates
from spasmlog.reports.exposures import plain
from spasmlog.reports.factor_results import (
    ASSOCIATED,
    NOT_ENOUGH,
    PROTECTIVE,
    UNCLEAR,
    Context,
    FactorReport,
    FactorResult,
    MedicationChange,
    counted,
    days_text,
    q_above,
)

CAVEAT = "This is an association in your own diary, not proof of cause."
RULES = (
    "Which days count: only days with a check-in. A day without one is left out, never counted "
    "as a day without spasms or without a factor, and a question left blank is unknown, not no.",
    "Nights: a day runs from noon to noon, so a cramp at 3 a.m. counts with the day before, whose "
    "fluids, exercise and check-in came before it.",
    "What counts as a factor: only records kept whether or not a spasm happened (check-ins, the "
    "medication list, and exercise sessions from `spasmlog exercise add` or `checkin --exercise`). "
    "Exercise typed with an episode (`log --exercise`) is not counted: it is only written down "
    "when a spasm happens.",
    "Vigorous exercise: the 24 hours after a session's start count as with it; an hour counts as "
    "without it only when the exercise of its date and the date before is known (a check-in with "
    "`--no-exercise`, or a session recorded that day).",
)
_WIDTH = 100


def class_label(drug_class: str) -> str:
    info = CLASS_INFO.get(drug_class)
    return info.label if info else drug_class


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


def _days(value: float) -> str:
    """ "1 day", "2.5 days"."""
    return counted(value, "day")


def _side(episodes: int, days: float, where: str, unit: str = "days") -> str:
    """ "3 spasms over 20 days with it", or "no days with it" instead of a rate over 0 days."""
    if days == 0:
        return f"no {unit} {where}"
    return f"{counted(episodes, 'spasm')} over {_days(days)} {where}"


def sentence(result: FactorResult) -> str:
    """One plain-language line for a factor, e.g. "On days you drank under 1.5 L you had 2.4x
    as many spasms (95% CI 1.6-3.5; 0.62 vs 0.26 a day, over 88 and 241 days)."."""
    over = f"over {days_text(result.exposed_days)} and {_days(result.unexposed_days)}"
    rates_text = _rates(result.rate_exposed, result.rate_unexposed)
    if result.rate_ratio is None:
        with_it = _side(result.exposed_episodes, result.exposed_days, "with it")
        without = _side(result.unexposed_episodes, result.unexposed_days, "without it")
        text = (
            f"{result.label}: {with_it}, {without}; too little to compare (needs "
            f"{'; '.join(result.shortfall)})."
        )
        if result.answer_hint:
            text += (
                f" Not known on {_days(result.unknown_days)} with a check-in: to compare, "
                f"{result.answer_hint}."
            )
        return text
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


def _head(change: MedicationChange) -> str:
    about = [change.generic] if change.generic and change.generic != change.medication else []
    about.append(plain(class_label(change.drug_class).split(" (")[0]))
    named = f"{change.medication} ({'; '.join(about)})"
    if change.change == "dose changed":
        return (
            f"{named}: dose changed ({change.dose_before} -> {change.dose_after}) on "
            f"{change.date.isoformat()}"
        )
    return f"{change.change.capitalize()} {named} on {change.date.isoformat()}"


def change_sentence(change: MedicationChange, weeks: int) -> str:
    """ "Started atorvastatin (Statins) on 2025-06-01: ..." for one medication change."""
    head = _head(change)
    if change.rate_ratio is None:
        after = _side(
            change.episodes_after, change.days_after, f"in the {weeks} weeks after", "check-in days"
        )
        before = _side(change.episodes_before, change.days_before, "before", "check-in days")
        return (
            f"{head}: {after}, {before}; too little to compare (needs "
            f"{'; '.join(change.shortfall)})."
        )
    over = f"over {days_text(change.days_after)} and {_days(change.days_before)}"
    rates_text = _rates(change.rate_after, change.rate_before)
    if not math.isfinite(change.rate_ratio):
        amount = f"all {counted(change.episodes_after, 'spasm')} came after"
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


def _tested(report: FactorReport) -> list[FactorResult]:
    return [result for result in report.factors if result.verdict != NOT_ENOUGH]


def _labels(results: list[FactorResult]) -> str:
    """ "low fluids, statins": labels without their details, inside a sentence."""
    return ", ".join(plain(result.label.split(" (")[0]) for result in results)


def _method_lines(report: FactorReport) -> list[str]:
    tested = _tested(report)
    options = report.options
    lines = [
        'Each factor compares spasms a day on check-in days with it and without it. "2.4x as '
        'many" is that ratio; the 95% CI is the range the true ratio is likely to lie in.',
        *RULES,
        f"Not enough data: fewer than {_days(options.min_exposed_days)} with or "
        f"{_days(options.min_unexposed_days)} without the factor, or fewer than "
        f"{counted(options.min_expected_exposed, 'spasm')} expected with it.",
    ]
    if tested:
        lines.insert(
            1,
            f"Associated or protective means q <= {options.q_threshold:.2f}. q is the p-value "
            f"corrected for testing {counted(len(tested), 'factor')} at once, so on average at "
            f"most {options.q_threshold:.0%} of flagged factors are false alarms.",
        )
    bursty = [result for result in tested if result.method != rates.EXACT]
    if bursty:
        which = (
            "every interval is"
            if len(bursty) == len(tested)
            else (f"the intervals of {_labels(bursty)} are")
        )
        lines.append(
            f"Spasms came in bursts (more in some weeks than others), so {which} widened to "
            "allow for it (see Methods)."
        )
    return lines


def _footnote(report: FactorReport) -> list[str]:
    """The models behind the intervals, by name, for whoever wants to check them."""
    tested = _tested(report)
    methods = [
        m
        for m in (rates.EXACT, rates.CLUSTERED, rates.QUASI)
        if any(result.method == m for result in tested)
    ]
    if not methods:
        return []
    used = [
        f"{rates.METHODS[method]} ({_labels([r for r in tested if r.method == method])})"
        if len(methods) > 1
        else f"{rates.METHODS[method]} for every factor"
        for method in methods
    ]
    return _paragraph(
        f"Methods: {'; '.join(used)}; q-values by Benjamini-Hochberg. `--format json` gives "
        "each factor's id, method and numbers."
    )


def render_text(report: FactorReport, trial: tuple[str, ...] = ()) -> str:
    """The whole terminal report: coverage, one sentence a factor by verdict, changes, context,
    and a randomised trial of a remedy in the period (the lines of spasmlog.reports.trial)."""
    lines = [
        f"Risk factors and your spasms, {report.start.isoformat()} to {report.end.isoformat()}"
    ]
    lines += _paragraph(
        f"Coverage: {report.analysable_days:,} of {_days(report.days_in_period)} "
        f"{'has' if report.analysable_days == 1 else 'have'} a check-in "
        f"({report.coverage:.0%}); {report.episodes_analysed:,} of "
        f"{counted(report.episodes_total, 'spasm')} fell on those days and are compared. Days "
        "without a check-in are left out, not counted as zero."
    )
    if report.analysable_days == 0:
        lines += _paragraph(
            "There is nothing to compare yet: a daily `spasmlog checkin` lets the "
            "report compare days with and without each factor."
        )
    tested = len(_tested(report))
    q = f"q <= {report.options.q_threshold:.2f}"
    unconfirmed = [result for result in report.factors if result.unconfirmed_signal]
    sections = (
        (ASSOCIATED, f"More spasms with (associated, {q}):", report.factors),
        (PROTECTIVE, f"Fewer spasms with (protective, {q}):", report.factors),
        (
            UNCLEAR,
            f"Possible, but not confirmed after testing {counted(tested, 'factor')} (the 95% CI "
            f'does not include 1.0x, "no difference", but q is above '
            f"{report.options.q_threshold:.2f}: with this many factors tested, it may be chance):",
            unconfirmed,
        ),
        (
            UNCLEAR,
            "No clear association:",
            [result for result in report.factors if not result.unconfirmed_signal],
        ),
        (NOT_ENOUGH, "Not enough data yet (shown with their counts, not tested):", report.factors),
    )
    for verdict, title, among in sections:
        chosen = [result for result in among if result.verdict == verdict]
        bullets = [
            sentence(result)
            + (
                f" q = {q_above(result.q_value, report.options.q_threshold)}."
                if result.q_value is not None and result.unconfirmed_signal
                else ""
            )
            for result in chosen
        ]
        if bullets:
            lines += ["", *_paragraph(title), *_bullets(bullets)]
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
    if trial:
        lines += [
            "",
            "Your trial of a remedy (randomised ON and OFF periods):",
            *_bullets(list(trial)),
        ]
    lines += ["", "How to read this:", *_bullets(_method_lines(report))]
    footnote = _footnote(report)
    if footnote:
        lines += ["", *footnote]
    lines += ["", *_paragraph(f"{CAVEAT} {DISCLAIMER}")]
    return "\n".join(lines) + "\n"
