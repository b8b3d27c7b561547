"""The factor report against simulated diaries with planted effects (a few pinned seeds).

What must hold: planted rate ratios of 2-2.5 over 15 months are found, with intervals that hold
the truth; factors without an effect are rarely flagged; rare exposures say "not enough data";
bursts of spasms do not make the intervals too narrow; and leaving days without a check-in out
is what keeps the answer right (treating them as zero would not). The two biased designs: exercise
typed only with a spasm is not taken for a cause (counting it would be), and a low-fluid day's
effect on the night after is found because the night counts with that day (counting cramps by
calendar date would miss it). The large Monte Carlo is benchmarks/factor_monte_carlo.py.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pandas as pd
import pytest

from spasmlog.reports.factors import (
    ASSOCIATED,
    NOT_ENOUGH,
    PROTECTIVE,
    FactorReport,
    FactorResult,
    analyse,
)
from tests.simulate import (
    FACTORS,
    NEXT_NIGHT,
    PLANTED,
    RARE,
    TYPED_EXERCISE,
    Scenario,
    Simulated,
    simulate,
)

SEEDS = tuple(range(101, 113))
NULLS = tuple(factor for factor in FACTORS if factor not in PLANTED and factor not in RARE)
PLAIN = Scenario()
BURSTY = Scenario(frailty="week", frailty_shape=2.0)


@functools.cache
def run(scenario: Scenario, seed: int) -> tuple[Simulated, FactorReport]:
    simulated = simulate(scenario, seed)
    return simulated, analyse(simulated.frames)


def results(scenario: Scenario) -> list[tuple[int, str, float, float, float, str]]:
    """(seed, factor, truth, ci_low, ci_high, verdict) for every tested factor of every seed."""
    rows = []
    for seed in SEEDS:
        _, report = run(scenario, seed)
        for result in report.factors:
            if result.id in FACTORS and result.verdict != NOT_ENOUGH:
                assert result.ci_low is not None
                high = math.inf if result.ci_high is None else result.ci_high
                rows.append(
                    (
                        seed,
                        result.id,
                        scenario.truth(result.id),
                        result.ci_low,
                        high,
                        result.verdict,
                    )
                )
    return rows


@pytest.mark.parametrize("scenario", [PLAIN, BURSTY], ids=["poisson", "weekly-bursts"])
def test_planted_effects_are_found(scenario: Scenario) -> None:
    planted = [row for row in results(scenario) if row[1] in PLANTED]
    assert len(planted) == len(SEEDS) * len(PLANTED)
    found = [row for row in planted if row[5] == ASSOCIATED]
    covered = [row for row in planted if row[3] <= row[2] <= row[4]]
    assert len(found) >= 0.85 * len(planted), planted
    assert len(covered) >= 0.85 * len(planted), planted


@pytest.mark.parametrize("scenario", [PLAIN, BURSTY], ids=["poisson", "weekly-bursts"])
def test_null_factors_are_rarely_flagged(scenario: Scenario) -> None:
    nulls = [row for row in results(scenario) if row[1] in NULLS]
    assert len(nulls) == len(SEEDS) * len(NULLS)
    flagged = [row for row in nulls if row[5] in (ASSOCIATED, PROTECTIVE)]
    assert len(flagged) <= 0.10 * len(nulls), flagged


@pytest.mark.parametrize("scenario", [PLAIN, BURSTY], ids=["poisson", "weekly-bursts"])
def test_intervals_hold_the_truth_near_the_nominal_rate(scenario: Scenario) -> None:
    rows = results(scenario)
    covered = [row for row in rows if row[3] <= row[2] <= row[4]]
    assert len(covered) >= 0.85 * len(rows), [row for row in rows if row not in covered]


def test_rare_exposures_are_not_enough_data() -> None:
    for seed in SEEDS:
        _, report = run(PLAIN, seed)
        by_id = {result.id: result for result in report.factors}
        for factor in RARE:
            result = by_id[factor]
            assert result.verdict == NOT_ENOUGH and result.q_value is None
            assert result.exposed_days > 0 and result.shortfall  # counts kept, reason given


def naive_low_fluid_ratio(simulated: Simulated) -> float:
    """What a careless report would say: every day counted, no check-in read as zero fluids."""
    frames = simulated.frames
    every_day = pd.date_range(frames.start, frames.end, freq="D")
    fluid = frames.checkins.set_index("date")["fluid_ml"].reindex(every_day).fillna(0)
    counts = frames.episodes["day"].value_counts().reindex(every_day, fill_value=0)
    low = (fluid < 1500).to_numpy()
    return float((counts[low].sum() / low.sum()) / (counts[~low].sum() / (~low).sum()))


def test_missing_days_as_zero_would_be_biased_and_the_report_is_not() -> None:
    """Busy (low-fluid) days are skipped more often, and spasms on skipped days go unlogged."""
    truth = PLAIN.truth("low_fluid")
    naive = []
    for seed in SEEDS:
        simulated, report = run(PLAIN, seed)
        low_fluid = next(result for result in report.factors if result.id == "low_fluid")
        assert low_fluid.ci_low is not None and low_fluid.ci_high is not None
        assert low_fluid.ci_low <= truth <= low_fluid.ci_high
        naive.append(naive_low_fluid_ratio(simulated))
        assert naive[-1] < low_fluid.ci_low  # the careless answer is outside the honest interval
    assert float(np.exp(np.mean(np.log(naive)))) < 0.75 * truth, naive


def test_the_simulation_really_skips_low_fluid_days_more() -> None:
    """The bias above comes from the planted missingness, not from chance."""
    simulated, report = run(PLAIN, SEEDS[0])
    days = simulated.days
    skipped_low = 1 - days.loc[days["low_fluid"], "checked_in"].mean()
    skipped_other = 1 - days.loc[~days["low_fluid"], "checked_in"].mean()
    assert skipped_low > 2 * skipped_other
    assert 0.15 <= 1 - report.coverage <= 0.25


def _factor(report: FactorReport, factor: str) -> FactorResult:
    return next(result for result in report.factors if result.id == factor)


def _geometric_mean(ratios: list[float]) -> float:
    return float(np.exp(np.mean(np.log(ratios))))


def test_exercise_typed_with_a_spasm_is_not_taken_for_a_cause() -> None:
    """No exercise effect; half the spasms logged with `log --exercise`. Counting those sessions
    (as if recorded on their own) would find a strong 'effect'; the report does not."""
    honest, counted = [], []
    for seed in SEEDS:
        simulated, report = run(TYPED_EXERCISE, seed)
        frames = simulated.frames
        assert (frames.exercise["source"] == "log").sum() > 50
        honest.append(_factor(report, "vigorous_exercise_24h"))
        as_if_independent = frames.exercise.assign(source="exercise")
        careless = analyse(dataclasses.replace(frames, exercise=as_if_independent))
        counted.append(_factor(careless, "vigorous_exercise_24h"))
    assert sum(result.verdict == ASSOCIATED for result in honest) <= 1, honest
    assert 0.85 < _geometric_mean([r.rate_ratio or math.nan for r in honest]) < 1.2
    assert all(result.verdict == ASSOCIATED for result in counted), counted
    assert _geometric_mean([r.rate_ratio or math.nan for r in counted]) > 2.5


def test_a_low_fluid_day_s_effect_on_the_night_after_is_found() -> None:
    """Twice the cramps in the night after a low-fluid day: the night counts with that day. By
    calendar date, most of the night's cramps would be compared with the next day's fluids."""
    truth = NEXT_NIGHT.truth("low_fluid")
    found, ratios, by_date = [], [], []
    for seed in SEEDS:
        simulated, report = run(NEXT_NIGHT, seed)
        low_fluid = _factor(report, "low_fluid")
        found.append(low_fluid.verdict == ASSOCIATED)
        assert low_fluid.rate_ratio is not None
        ratios.append(low_fluid.rate_ratio)
        frames = simulated.frames
        calendar = frames.episodes.assign(day=frames.episodes["date"])
        careless = analyse(dataclasses.replace(frames, episodes=calendar))
        by_date.append(_factor(careless, "low_fluid").rate_ratio or math.nan)
    # The Monte Carlo measures the power (at least 80%); twelve seeds may fall short of it by
    # chance, so they are held to 70%. Counted by calendar date, it is found in under 10%.
    assert sum(found) >= 0.7 * len(SEEDS), found
    assert 0.85 * truth < _geometric_mean(ratios) < 1.15 * truth
    assert _geometric_mean(by_date) < 1 + 0.4 * (truth - 1)
