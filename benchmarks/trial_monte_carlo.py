"""Monte Carlo check of `spasmlog trial report`'s statistics on simulated trials with a known effect.

    python benchmarks/trial_monte_carlo.py [--reps 2000] [--workers 2]

Trials are drawn by spasmlog.reports.trial_stats.simulate in two scenarios: plain Poisson nights,
and the messy one the power estimate at `trial start` assumes (nightly over-dispersion, a 30%
period-to-period swing, a downward drift of 35% settling over ~3 weeks, 1.5 nights of carry-over,
10% of nights without a check-in). The first 3 nights of every period are left out.

Two analyses of the same trials, each with the decision rule new trials fix in their protocol:
- "stratified": the report's pair-stratified Poisson (Firth, Pearson dispersion, t on pairs - 1);
- "log-ratio t": the mean of the per-pair log rate ratios (0.5 added to each count) with a
  t-interval on pairs - 1 degrees of freedom, and the same rule read off that t.

Prints Markdown tables (as in benchmarks/README.md):
1. validity: false "helps" with no effect, coverage of the 95% interval (its lowest over rate
   ratios 0.25-1), wrong "does not help" when the remedy halves cramps, and how often the
   randomisation test gives p < 0.05 with no effect;
2. power: how often the verdict is "helps", by pairs, period length, effect and baseline rate,
   in the messy scenario;
3. the reference setting (4 cramps a week, 6 pairs of 14 nights): how often each interval
   excludes 1 and each rule says "helps".
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy.special import stdtr, stdtrit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spasmlog.knowledge.trials import Rule  # noqa: E402
from spasmlog.reports import trial_stats as ts  # noqa: E402

RULE = Rule()
SCENARIOS = {"Poisson": ts.POISSON, "messy": ts.MESSY}
PAIRS = (2, 3, 4, 6, 8, 10)
EFFECTS = (1.0, 0.75, 0.5, 0.35, 0.25)
RATES = (2.0, 4.0)  # cramps a week at the start
PERIODS = (14, 21, 28)
IGNORE = 3

Cell = tuple[str, float, int, int, float]  # scenario, per week, pairs, period days, rate ratio


def log_ratio_t(counts: tuple[np.ndarray, ...]) -> ts.Estimates:
    """The per-pair log-ratio t-interval, in the shape of the stratified estimates."""
    d = ts.log_ratios(*counts)
    pairs = d.shape[-1]
    df = float(pairs - 1)
    mean = d.mean(-1)
    se = d.std(-1, ddof=1) / np.sqrt(pairs)
    half = stdtrit(df, 0.975) * se
    with np.errstate(divide="ignore", invalid="ignore"):  # identical pairs: se 0
        return ts.Estimates(
            log_ratio=mean,
            low=mean - half,
            high=mean + half,
            p_effect=stdtr(df, (np.log(RULE.effect) - mean) / se),
            p_lower=stdtr(df, -mean / se),
            dispersion=np.full_like(mean, np.nan),
            pairs_used=np.full(mean.shape, pairs),
        )


def run_cell(job: tuple[Cell, int]) -> tuple[Cell, dict[str, float]]:
    cell, reps = job
    scenario, per_week, pairs, period_days, effect = cell
    seed = int.from_bytes(hashlib.sha256(repr(cell).encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    counts = ts.simulate(
        rng, reps, pairs, period_days, IGNORE, per_week, effect, SCENARIOS[scenario]
    )
    out: dict[str, float] = {}
    truth = np.log(effect)
    for name, found in (
        ("stratified", ts.estimate(*counts, effect=RULE.effect)),
        ("log-ratio t", log_ratio_t(counts)),
    ):
        verdict = ts.verdicts(found, RULE)
        given = np.isfinite(found.low) & np.isfinite(found.high) & (found.low < found.high)
        with np.errstate(invalid="ignore"):
            covered = (found.low <= truth) & (truth <= found.high)
            out[f"{name} covers"] = float(np.mean(covered[given]))
            out[f"{name} excludes 1"] = float(np.mean(found.high < 0))
        out[f"{name} no interval"] = float(np.mean(~given))
        out[f"{name} helps"] = float(np.mean(verdict == ts.HELPS))
        out[f"{name} does not help"] = float(np.mean(verdict == ts.DOES_NOT_HELP))
    if effect == 1.0 and period_days == 14:
        differences = ts.log_ratios(*counts)
        sample = differences[: min(reps, 500)]  # exact enumeration: 2^pairs orders per trial
        out["randomisation p<0.05"] = float(
            np.mean([ts.randomisation_p(row) < 0.05 for row in sample])
        )
    return cell, out


def cells() -> list[Cell]:
    found: list[Cell] = []
    for scenario in SCENARIOS:
        for per_week in RATES:
            for periods in PERIODS if scenario == "messy" else (14,):
                for pairs in PAIRS:
                    for effect in EFFECTS:
                        found.append((scenario, per_week, pairs, periods, effect))
    return found


def pct(value: float) -> str:
    return f"{value:.0%}" if value >= 0.005 or value == 0 else "<1%"


def cov(value: float) -> str:
    return f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000, help="simulated trials per cell")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(pool.map(run_cell, [(cell, args.reps) for cell in cells()], chunksize=4))
    print(
        f"{args.reps} simulated trials per cell, {IGNORE} nights left out per period; rule: "
        f'"helps" when P(RR <= {RULE.effect}) >= {RULE.helps_at} and P(RR < 1) >= '
        f'{RULE.lower_at}, "does not help" when P(RR <= {RULE.effect}) <= {RULE.not_at}, no '
        f"verdict under {RULE.min_pairs} pairs.\n"
    )
    methods = ("stratified", "log-ratio t")
    print("Table 1. Validity, 14-night periods (coverage: lowest over rate ratios 0.25-1).\n")
    print(
        "| scenario | cramps/week | pairs | false helps: stratified | log-ratio t "
        "| coverage: stratified | log-ratio t | wrong 'does not help' at 0.5: stratified "
        "| log-ratio t | randomisation p<0.05 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scenario in SCENARIOS:
        for per_week in RATES:
            for pairs in PAIRS:
                null = results[(scenario, per_week, pairs, 14, 1.0)]
                half = results[(scenario, per_week, pairs, 14, 0.5)]
                lowest = {
                    m: min(
                        results[(scenario, per_week, pairs, 14, e)][f"{m} covers"] for e in EFFECTS
                    )
                    for m in methods
                }
                print(
                    f"| {scenario} | {per_week:g} | {pairs} | "
                    + " | ".join(pct(null[f"{m} helps"]) for m in methods)
                    + " | "
                    + " | ".join(cov(lowest[m]) for m in methods)
                    + " | "
                    + " | ".join(pct(half[f"{m} does not help"]) for m in methods)
                    + f" | {pct(null['randomisation p<0.05'])} |"
                )
    print('\nTable 2. Power of the stratified analysis: share of "helps", messy scenario.\n')
    shown = [e for e in EFFECTS if e != 1.0]
    print(
        "| cramps/week | nights/period | pairs | weeks | "
        + " | ".join(f"RR {e:g}" for e in sorted(shown))
        + " |"
    )
    print("|---:|---:|---:|---:|" + "---:|" * len(shown))
    for per_week in RATES:
        for periods in PERIODS:
            for pairs in PAIRS:
                row = [
                    pct(results[("messy", per_week, pairs, periods, e)]["stratified helps"])
                    for e in sorted(shown)
                ]
                weeks = 2 * pairs * periods / 7
                print(
                    f"| {per_week:g} | {periods} | {pairs} | {weeks:g} | " + " | ".join(row) + " |"
                )
    print("\nTable 3. The reference setting: 4 cramps a week, 6 pairs of 14 nights.\n")
    print("| scenario | analysis | RR | interval excludes 1 | helps | covers |")
    print("|---|---|---:|---:|---:|---:|")
    for scenario in SCENARIOS:
        for m in methods:
            for effect in (0.5, 0.35, 0.25):
                r = results[(scenario, 4.0, 6, 14, effect)]
                print(
                    f"| {scenario} | {m} | {effect:g} | {pct(r[f'{m} excludes 1'])} | "
                    f"{pct(r[f'{m} helps'])} | {cov(r[f'{m} covers'])} |"
                )
    missing = max(r["stratified no interval"] for r in results.values())
    print(
        f"\nCoverage counts the trials that have an interval; the stratified analysis gives none "
        f"when fewer than two pairs had a cramp (at most {missing:.1%} of trials in a cell)."
    )
    print(f"({time.perf_counter() - started:.0f} s with {args.workers} workers)")


if __name__ == "__main__":
    main()
