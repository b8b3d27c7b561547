"""Monte Carlo check of the factor report's statistics on simulated diaries with a known truth.

    python benchmarks/factor_monte_carlo.py [--reps 400] [--days 365] [--workers 2]

For each scenario (plain Poisson spasms, bursts by day, bursts by ISO week), draws `reps` diaries
of `days` days with tests/simulate.py (low fluids planted at rate ratio 2.5, vigorous exercise and
a statin started half-way at 2.0, every other factor at 1.0) and runs `analyse` on each. Prints:

- coverage: how often the report's 95% interval holds the planted ratio, per planted factor and
  pooled over the null factors; beside it, the coverage the exact test alone would have had;
- power: how often a planted factor is called "associated";
- false flags: how often a null factor is called "associated" or "protective";
- how often the rare exposures come out "not enough data", and how often a model other than the
  exact test was chosen.

Run on demand (a few minutes); `make test` runs a handful of pinned seeds instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spasmlog.reports import rates  # noqa: E402
from spasmlog.reports.factors import ASSOCIATED, NOT_ENOUGH, PROTECTIVE, analyse  # noqa: E402
from tests.simulate import FACTORS, PLANTED, RARE, Scenario, simulate  # noqa: E402

SCENARIOS = {
    "Poisson": Scenario(),
    "bursts by day": Scenario(frailty="day", frailty_shape=2.0),
    "bursts by week": Scenario(frailty="week", frailty_shape=2.0),
}
NULLS = tuple(f for f in FACTORS if f not in PLANTED and f not in RARE)


def one(job: tuple[str, int, int]) -> dict[str, tuple[bool, ...]]:
    """(covered, exact_covered, flagged, glm, not_enough) per factor id for one simulated diary."""
    name, days, seed = job
    scenario = replace(SCENARIOS[name], days=days)
    report = analyse(simulate(scenario, seed).frames)
    out: dict[str, tuple[bool, ...]] = {}
    for result in report.factors:
        truth = scenario.truth(result.id)
        if result.verdict == NOT_ENOUGH or result.ci_low is None:
            out[result.id] = (False, False, False, False, result.verdict == NOT_ENOUGH)
            continue
        high = result.ci_high if result.ci_high is not None else float("inf")
        counts = rates.Counts(
            result.exposed_days,
            result.unexposed_days,
            result.exposed_episodes,
            result.unexposed_episodes,
        )
        _, exact_low, exact_high, _ = rates.exact(counts)
        out[result.id] = (
            result.ci_low <= truth <= high,
            exact_low <= truth <= exact_high,
            result.verdict in (ASSOCIATED, PROTECTIVE)
            if truth == 1
            else result.verdict == ASSOCIATED,
            result.method != rates.EXACT,
            False,
        )
    return out


def share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):6.1%}" if values else "     -"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"{args.reps} simulated diaries of {args.days} days per scenario; planted: "
        + ", ".join(f"{k} {v:g}" for k, v in PLANTED.items())
        + "; nulls: "
        + ", ".join(NULLS)
    )
    header = (
        f"{'scenario':<15} {'factor':<22} {'coverage':>8} {'exact only':>10} "
        f"{'called':>7} {'GLM':>6} {'n':>5}"
    )
    print(header)
    print("-" * len(header))
    with ProcessPoolExecutor(args.workers) as pool:
        for name in SCENARIOS:
            started = time.perf_counter()
            jobs = [(name, args.days, args.first_seed + i) for i in range(args.reps)]
            rows: dict[str, list[tuple[bool, ...]]] = defaultdict(list)
            for result in pool.map(one, jobs, chunksize=8):
                for factor, values in result.items():
                    group = factor if factor in PLANTED or factor in RARE else "null factors"
                    rows[group].append(values)
            for group in (*PLANTED, "null factors"):
                tested = [v for v in rows[group] if not v[4]]
                print(
                    f"{name:<15} {group:<22} {share([v[0] for v in tested]):>8} "
                    f"{share([v[1] for v in tested]):>10} {share([v[2] for v in tested]):>7} "
                    f"{share([v[3] for v in tested]):>6} {len(tested):>5}"
                )
            for group in RARE:
                print(
                    f"{name:<15} {group:<22} not enough data in "
                    f"{share([v[4] for v in rows[group]])} of {len(rows[group])}"
                )
            print(f"{'':<15} ({time.perf_counter() - started:.0f} s)")
    print(
        "coverage: 95% CI holds the planted ratio (nominal 95%). called: 'associated' for a "
        "planted factor (power), 'associated' or 'protective' for a null one (false flags)."
    )


if __name__ == "__main__":
    main()
