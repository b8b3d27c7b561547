"""The result of a single-person trial: pure, TrialData in, a frozen TrialReport out, then text,
JSON ("spasmlog.trial/1") and the few lines the doctor summary and the factor report show.

Only complete pairs count, and in them only the nights after the first `ignore_days` of each
period (carry-over) that have a check-in (a night without one is missing, not zero). Nights are
never pooled across periods: the rate ratio, its interval, the probability of benefit and the
verdict come from the pair-stratified analysis of spasmlog.reports.trial_stats, chosen over the
per-pair log-ratio t-interval because it kept its coverage where that one lost it (0.95 against
0.68 with 10 pairs at 2 cramps a week under over-dispersion and drift; benchmarks/README.md). The
pooled rates ON and OFF are shown as a description only. The randomisation p-value is a
description too: it cannot go below 2 / 2^pairs and sees less than the analysis.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from spasmlog.knowledge.trials import (
    CONTROL_ROUTINE,
    OFF,
    ON,
    Adherence,
    Harm,
    Protocol,
    Rule,
    TrialData,
    adherence,
    harm,
    nights_of,
)
from spasmlog.reports import trial_stats
from spasmlog.reports.trial_stats import UNDECIDED

SCHEMA = "spasmlog.trial/1"
WIDTH = 100  # as the factor report


@dataclass(frozen=True)
class PairResult:
    pair: int
    order: tuple[str, str]  # the arms of its first and second period
    on_cramps: int
    on_nights: int  # analysed: after the carry-over nights, with a check-in
    off_cramps: int
    off_nights: int
    analysable: bool  # each period has enough nights with a check-in

    @property
    def ratio(self) -> float:
        """This pair's ON rate over its OFF rate, with 0.5 added to each count (as the
        randomisation test has it), for the table."""
        on = (self.on_cramps + 0.5) / self.on_nights
        return on / ((self.off_cramps + 0.5) / self.off_nights)


@dataclass(frozen=True)
class TrialReport:
    data: TrialData
    pairs: tuple[PairResult, ...]  # the complete pairs
    rate_on: float | None  # cramps a night over the analysable pairs (description)
    rate_off: float | None
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    probability_of_benefit: float | None  # P(rate ratio <= rule.effect)
    probability_lower: float | None  # P(rate ratio < 1)
    dispersion: float | None
    p_value: float | None
    verdict: str
    carry_over_nights: int
    missing_nights: int
    adherence: Adherence
    harm: Harm

    @property
    def analysed(self) -> tuple[PairResult, ...]:
        return tuple(pair for pair in self.pairs if pair.analysable)


def _pair_results(data: TrialData) -> tuple[tuple[PairResult, ...], int, int]:
    """Each complete pair's counts, and the nights left out: carry-over, and no check-in."""
    protocol = data.protocol
    complete = set(data.complete_pairs())
    periods = tuple(p for p in data.periods if p.pair in complete)
    after_carry_over: Counter[tuple[int, str]] = Counter()  # by (pair, arm)
    logged: Counter[tuple[int, str]] = Counter()
    cramps: Counter[tuple[int, str]] = Counter()
    carry_over = missing = 0
    for period, night in nights_of(data, periods):
        key = (period.pair, period.arm)
        if (night.day - period.start).days < protocol.ignore_days:
            carry_over += 1
        elif not night.checked_in:
            after_carry_over[key] += 1
            missing += 1
        else:
            after_carry_over[key] += 1
            logged[key] += 1
            cramps[key] += night.cramps
    share = protocol.rule.min_logged_share
    results = []
    for pair in sorted(complete):
        first, second = (p.arm for p in periods if p.pair == pair)
        enough = all(
            logged[(pair, arm)] >= max(1.0, share * after_carry_over[(pair, arm)])
            for arm in (ON, OFF)
        )
        results.append(
            PairResult(
                pair,
                (first, second),
                cramps[(pair, ON)],
                logged[(pair, ON)],
                cramps[(pair, OFF)],
                logged[(pair, OFF)],
                enough,
            )
        )
    return tuple(results), carry_over, missing


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def analyse(data: TrialData) -> TrialReport:
    """The trial's result by the rule fixed in its protocol."""
    pairs, carry_over, missing = _pair_results(data)
    used = [pair for pair in pairs if pair.analysable]
    rule = data.protocol.rule
    on_nights = sum(p.on_nights for p in used)
    off_nights = sum(p.off_nights for p in used)
    estimates = None
    p_value = None
    if len(used) >= rule.min_pairs:  # fewer: no interval the simulations vouch for
        on, on_n, off, off_n = (
            np.array([[getattr(p, name) for p in used]], dtype=float)
            for name in ("on_cramps", "on_nights", "off_cramps", "off_nights")
        )
        estimates = trial_stats.estimate(on, on_n, off, off_n, effect=rule.effect)
        p_value = trial_stats.randomisation_p(trial_stats.log_ratios(on, on_n, off, off_n)[0])
    verdict = UNDECIDED
    values: dict[str, float | None] = dict.fromkeys(
        ("log_ratio", "low", "high", "p_effect", "p_lower", "dispersion")
    )
    if estimates is not None:
        verdict = str(trial_stats.verdicts(estimates, rule)[0])
        values = {name: _number(getattr(estimates, name)[0]) for name in values}

    def exp(value: float | None) -> float | None:
        return None if value is None else math.exp(value)

    return TrialReport(
        data=data,
        pairs=pairs,
        rate_on=sum(p.on_cramps for p in used) / on_nights if on_nights else None,
        rate_off=sum(p.off_cramps for p in used) / off_nights if off_nights else None,
        rate_ratio=exp(values["log_ratio"]),
        ci_low=exp(values["low"]),
        ci_high=exp(values["high"]),
        probability_of_benefit=values["p_effect"],
        probability_lower=values["p_lower"],
        dispersion=values["dispersion"],
        p_value=p_value,
        verdict=verdict,
        carry_over_nights=carry_over,
        missing_nights=missing,
        adherence=adherence(data, data.periods),
        harm=harm(data),
    )


# --- words ----------------------------------------------------------------------------------------


def ratio_text(value: float) -> str:
    """A rate ratio as people read it (an interval's end can be as good as open)."""
    if value < 0.01:
        return "<0.01"
    if value > 100:
        return ">100"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def _percent(value: float) -> str:
    if value > 0.995:
        return "over 99%"
    if value < 0.005:
        return "under 1%"
    return f"{value:.0%}"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def rule_text(rule: Rule) -> str:
    cut = f"{1 - rule.effect:.0%}"
    return (
        f'"helps" when the chance that it lowers your cramps by {cut} or more is at least '
        f"{rule.helps_at:.0%} (and the chance that it lowers them at all at least "
        f'{rule.lower_at:.0%}); "does not help" when that chance is {rule.not_at:.0%} or less; '
        f'otherwise "undecided: add pairs"; no verdict with fewer than {rule.min_pairs} pairs '
        "to analyse"
    )


def result_sentence(report: TrialReport) -> str:
    """The finding in one sentence; no claim beyond the interval."""
    remedy = report.data.protocol.remedy
    if report.rate_ratio is None or report.ci_low is None or report.ci_high is None:
        least = report.data.protocol.rule.min_pairs
        if len(report.analysed) < least:
            return (
                f"Pairs to analyse: {len(report.analysed)}. A result needs {least} or more, so "
                "there is none."
            )
        return (
            "Too few cramps in the analysed nights to estimate an effect: it needs two or more "
            "pairs with at least one cramp."
        )
    assert report.probability_of_benefit is not None and report.probability_lower is not None
    cut = f"{1 - report.data.protocol.rule.effect:.0%}"
    return (
        f"On nights with {remedy} you had {_rate(report.rate_on)} cramps a night, without it "
        f"{_rate(report.rate_off)}. Pair by pair, that is a rate ratio (ON/OFF) of "
        f"{ratio_text(report.rate_ratio)}, 95% interval {ratio_text(report.ci_low)} to "
        f"{ratio_text(report.ci_high)}: the true effect on you is likely in that range "
        "(1 means no effect, 0.5 half as many cramps). The chance that it lowers your cramps at "
        f"all: {_percent(report.probability_lower)}; by {cut} or more: "
        f"{_percent(report.probability_of_benefit)}."
    )


def paragraph(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, break_on_hyphens=False)


def bullet(text: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False
    )


def _pair_table(report: TrialReport) -> list[str]:
    rows = [("Pair", "Order", "ON: cramps / nights", "OFF: cramps / nights", "ON/OFF")]
    for pair in report.pairs:
        ratio = "not analysed (too few check-ins)"
        if pair.analysable:
            ratio = ratio_text(pair.ratio)
        rows.append(
            (
                str(pair.pair),
                " then ".join(pair.order),
                f"{pair.on_cramps} / {pair.on_nights}",
                f"{pair.off_cramps} / {pair.off_nights}",
                ratio,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def adherence_text(counts: Adherence, remedy: str) -> str:
    on_answered = counts.on_taken + counts.on_skipped
    off_answered = counts.off_taken + counts.off_skipped
    return (
        f"Adherence: took {remedy} on {counts.on_taken} of {on_answered} ON nights answered and "
        f"went without on {counts.off_skipped} of {off_answered} OFF nights answered "
        f"({counts.on_unanswered + counts.off_unanswered} nights not answered: "
        "spasmlog checkin --trial yes|no)."
    )


def harm_text(found: Harm) -> str:
    signs = (
        f"{found.on_signs} cramps with a see-a-doctor sign on {found.on_nights} ON nights, "
        f"{found.off_signs} on {found.off_nights} OFF nights (complete pairs)"
    )
    if found.stop:
        return (
            f"Stop for harm: {signs}. Stop the remedy and talk to your doctor; then "
            'spasmlog trial stop --reason "..."'
        )
    return f"Safety: {signs}."


def fingerprint_lines(data: TrialData) -> list[str]:
    if data.intact:
        return paragraph(
            f"Protocol fingerprint (SHA-256 of the protocol and the seed, printed at the start): "
            f"{data.stored_hash}. It still matches: neither changed. Seed: {data.seed}."
        )
    return paragraph(
        f"WARNING: the protocol or the seed was changed after the start: they now give the "
        f"fingerprint {data.protocol.fingerprint(data.seed)}, not {data.stored_hash} as printed "
        "at the start. This result cannot be trusted."
    )


def caveat(data: TrialData) -> str:
    if data.protocol.open_label:
        return (
            f"Open-label: {data.protocol.remedy} cannot be hidden from the person doing it, so "
            f"expectation can sway the result; {CONTROL_ROUTINE}."
        )
    return (
        "Not blinded: which nights were ON was known, so expectation can sway how cramps are "
        "noticed and logged."
    )


def render_text(report: TrialReport) -> str:
    data, protocol = report.data, report.data.protocol
    state = {
        "finished": "finished",
        "stopped": f"stopped on {data.stopped_on} ({data.stop_reason})",
    }.get(data.status, data.status)
    lines = [f"Trial #{data.id}: {protocol.remedy}"]
    lines += paragraph(
        f"{protocol.pairs} pairs of {protocol.period_days}-night periods from "
        f"{protocol.started_on} to {protocol.ends_on}, {state}. Pairs complete: "
        f"{len(report.pairs)}, analysed: {len(report.analysed)}. The first {protocol.ignore_days} nights of "
        "each period are left out (carry-over), and so are nights without a check-in "
        f"(missing, not zero): {report.carry_over_nights} and {report.missing_nights} nights."
    )
    if report.pairs:
        lines += ["", *_pair_table(report)]
    lines += ["", *paragraph(result_sentence(report))]
    lines += ["", f"Verdict: {report.verdict}."]
    lines += paragraph(f"(By the rule fixed at the start: {rule_text(protocol.rule)}.)")
    lines += [""]
    lines += paragraph(adherence_text(report.adherence, protocol.remedy))
    lines += paragraph(harm_text(report.harm))
    if report.p_value is not None:
        lines += paragraph(
            f"Randomisation test, as a description: p = {report.p_value:.3g} (how often an ON/OFF "
            f"order the draw could have made shows a difference as large; it cannot go below "
            f"{2 / 2 ** len(report.analysed):.3g} with {len(report.analysed)} pairs, and sees "
            "less than the pair-by-pair analysis above)."
        )
    lines += paragraph(caveat(data))
    lines += ["", *fingerprint_lines(data)]
    lines += paragraph(f"Method: {protocol.rule.analysis}.")
    return "\n".join(lines) + "\n"


def to_json(report: TrialReport) -> dict[str, Any]:
    data, protocol = report.data, report.data.protocol
    return {
        "schema": SCHEMA,
        **data.head_json(),
        "pairs_complete": len(report.pairs),
        "pairs_analysed": len(report.analysed),
        "schedule": [period.to_json() for period in data.periods],
        "pairs": [
            {
                "pair": p.pair,
                "order": list(p.order),
                "on_cramps": p.on_cramps,
                "on_nights": p.on_nights,
                "off_cramps": p.off_cramps,
                "off_nights": p.off_nights,
                "analysable": p.analysable,
            }
            for p in report.pairs
        ],
        "rate_on": report.rate_on,
        "rate_off": report.rate_off,
        "rate_ratio": report.rate_ratio,
        "ci_low": report.ci_low,
        "ci_high": report.ci_high,
        "probability_of_benefit": report.probability_of_benefit,
        "probability_lower": report.probability_lower,
        "dispersion": report.dispersion,
        "p_value": report.p_value,
        "verdict": report.verdict,
        "excluded_nights": {
            "carry_over": report.carry_over_nights,
            "no_checkin": report.missing_nights,
        },
        "adherence": report.adherence.to_json(),
        "harm": {
            "on_signs": report.harm.on_signs,
            "on_nights": report.harm.on_nights,
            "off_signs": report.harm.off_signs,
            "off_nights": report.harm.off_nights,
            "stop": report.harm.stop,
        },
        "rule": protocol.rule.to_json(),
        "protocol": json.loads(protocol.canonical()),
        "protocol_hash": data.stored_hash,
        "protocol_intact": data.intact,
        "seed": data.seed,
    }


@dataclass(frozen=True)
class TrialSummary:
    """A trial in a few lines for the doctor summary and the factor report."""

    lines: tuple[str, ...]  # the design and state; the verdict and numbers; harm; tampering
    note: str  # the caveat: open-label or not blinded

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.lines, self.note)


def summarise(data: TrialData) -> TrialSummary:
    """A running trial shows its progress only: no effect estimate before it ends."""
    protocol = data.protocol
    state = {
        "running": f"running, {len(data.complete_pairs())} of {protocol.pairs} pairs complete; "
        "no result is shown before it ends",
        "finished": "finished",
        "stopped": f"stopped on {data.stopped_on} ({data.stop_reason})",
    }[data.status]
    head = (
        f"Randomised single-person trial of {protocol.remedy}: {protocol.pairs} pairs of "
        f"{protocol.period_days}-night ON/OFF periods, {protocol.started_on} to "
        f"{protocol.ends_on}; {state}."
    )
    if data.status == "running":
        return TrialSummary((head,), caveat(data))
    report = analyse(data)
    lines = [head, f"Verdict: {report.verdict}. {_result_brief(report)}"]
    if report.harm.stop:
        lines.append(harm_text(report.harm))
    if not data.intact:
        lines.append("Its protocol was changed after the start: the result cannot be trusted.")
    return TrialSummary(tuple(lines), caveat(data))


def _result_brief(report: TrialReport) -> str:
    if report.rate_ratio is None or report.ci_low is None or report.ci_high is None:
        return f"No estimate ({len(report.analysed)} pairs to analyse, too few cramps or pairs)."
    assert report.probability_of_benefit is not None and report.probability_lower is not None
    cut = f"{1 - report.data.protocol.rule.effect:.0%}"
    return (
        f"ON nights {_rate(report.rate_on)} cramps a night, OFF nights {_rate(report.rate_off)}; "
        f"rate ratio ON/OFF {ratio_text(report.rate_ratio)} (95% CI {ratio_text(report.ci_low)}-"
        f"{ratio_text(report.ci_high)}); probability of fewer cramps "
        f"{_percent(report.probability_lower)}, of {cut} or more fewer "
        f"{_percent(report.probability_of_benefit)}; {len(report.analysed)} pairs analysed."
    )


# --- power, at the start ------------------------------------------------------------------------


def power_lines(protocol: Protocol, per_week: float, cramps: int, nights: int) -> list[str]:
    """What `trial start` says about the design's chance of finding a halving."""
    if cramps == 0:
        return paragraph(
            "Power: no cramps on the run-in's checked-in nights, so there is nothing to estimate "
            "it from; a trial can only find an effect if cramps keep coming."
        )
    seed = trial_stats.power_seed(
        cramps, nights, protocol.pairs, protocol.period_days, protocol.ignore_days
    )
    planned, *others = trial_stats.designs(protocol, per_week, seed)
    lines = paragraph(
        f"Power: if {protocol.remedy} halved your cramps from the run-in's {per_week:.1f} a week, "
        f'this design would say "helps" in about {planned.power:.0%} of trials (estimated by '
        "simulation, allowing for day-to-day swings, a downward drift and missed check-ins)."
    )
    if not others:
        return lines
    lines += paragraph(
        f"That is under {trial_stats.TARGET_POWER:.0%}. Designs with a better chance:"
    )
    for d in others:
        lines += bullet(
            f"{d.pairs} pairs of {d.period_days} nights ({d.weeks}): about {d.power:.0%}"
        )
    lines += paragraph(
        "To use one, undo this start now (`spasmlog undo`) and start again with --pairs or "
        "--period-days; no result exists yet."
    )
    return lines
