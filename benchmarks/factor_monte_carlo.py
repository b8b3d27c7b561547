"""Monte Carlo check of the factor report's statistics on simulated diaries with a known truth.

    python benchmarks/factor_monte_carlo.py [--reps 400] [--days 365] [--workers 2]

Scenarios (tests/simulate.py), each drawn `reps` times and run through `analyse`:

- Poisson, bursts by day, bursts by ISO week: `days` days with low fluids planted at rate ratio
  2.5, vigorous exercise and a statin started half-way at 2.0, every other factor at 1.0;
- typed exercise (TYPED_EXERCISE, a year): exercise has no effect, but half the spasms are logged
  with `log --exercise`; beside it, how often the report would call exercise "associated" if it
  counted those sessions as exposures;
- next night (NEXT_NIGHT, a year): night cramps, twice as many in the night after a low-fluid
  day (whole-day truth 1.9); beside it, how often it would be found if cramps were counted by
  calendar date instead of by analysis day (noon to noon).

For low fluids, vigorous exercise and statins, and pooled over the other null factors, prints:
- coverage: how often the report's 95% interval holds the truth (nominal 95%); beside it, the
  coverage the exact test alone would have had;
- called: "associated" for a planted factor (power); "associated" or "protective" for a null
  one (false flags); contrast: the same, counted the careless way (the two biased designs);
- GLM: how often a model other than the exact test was chosen;
- how often the rare exposures come out "not enough data".

Run on demand (minutes); `make test` runs a handful of pinned seeds instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spasmlog.reports import rates  # noqa: E402
from spasmlog.reports.factors import (  # noqa: E402
    ASSOCIATED,
    NOT_ENOUGH,
    PROTECTIVE,
    FactorReport,
    analyse,
)
from spasmlog.reports.load import Frames  # noqa: E402
from tests.simulate import (  # noqa: E402
    FACTORS,
    NEXT_NIGHT,
    RARE,
    TYPED_EXERCISE,
    Scenario,
    simulate,
)

SCENARIOS = {
    "Poisson": Scenario(),
    "bursts by day": Scenario(frailty="day", frailty_shape=2.0),
    "bursts by week": Scenario(frailty="week", frailty_shape=2.0),
    "typed exercise": TYPED_EXERCISE,
    "next night": NEXT_NIGHT,
}
SHOWN = ("low_fluid", "vigorous_exercise_24h", "med:statin")
NULLS = tuple(f for f in FACTORS if f not in SHOWN and f not in RARE)


def careless(name: str, frames: Frames) -> Frames | None:
    """The biased designs counted the way the report must not: typed sessions as exposures,
    cramps by calendar date."""
    if name == "typed exercise":
        return dataclasses.replace(frames, exercise=frames.exercise.assign(source="exercise"))
    if name == "next night":
        return dataclasses.replace(
            frames, episodes=frames.episodes.assign(day=frames.episodes["date"])
        )
    return None


def called(verdict: str, truth: float) -> bool:
    return verdict in (ASSOCIATED, PROTECTIVE) if truth == 1 else verdict == ASSOCIATED


def outcomes(report: FactorReport, scenario: Scenario) -> dict[str, tuple[bool, ...]]:
    """(covered, exact_covered, called, glm, not_enough) per factor id."""
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
            called(result.verdict, truth),
            result.method != rates.EXACT,
            False,
        )
    return out


def one(job: tuple[str, int | None, int]) -> tuple[dict[str, tuple[bool, ...]], dict[str, bool]]:
    """One simulated diary: outcomes per factor, and the careless reading's calls."""
    name, days, seed = job
    scenario = SCENARIOS[name]
    if days is not None:
        scenario = dataclasses.replace(scenario, days=days)
    frames = simulate(scenario, seed).frames
    other = careless(name, frames)
    contrast: dict[str, bool] = {}
    if other is not None:
        for result in analyse(other).factors:
            contrast[result.id] = called(result.verdict, scenario.truth(result.id))
    return outcomes(analyse(frames), scenario), contrast


def share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):6.1%}" if values else "     -"


def machine() -> str:
    cores = os.cpu_count()
    return f"{platform.machine()}, {cores} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--days", type=int, default=365, help="for the first three scenarios")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"{args.reps} simulated diaries per scenario ({args.days} days for the first three, "
        f"a year for the designs); {machine()}"
    )
    header = (
        f"{'scenario':<15} {'factor':<22} {'truth':>5} {'coverage':>8} {'exact only':>10} "
        f"{'called':>7} {'contrast':>8} {'GLM':>6} {'n':>5}"
    )
    print(header)
    print("-" * len(header))
    with ProcessPoolExecutor(args.workers) as pool:
        for name, scenario in SCENARIOS.items():
            started = time.perf_counter()
            days = args.days if name in ("Poisson", "bursts by day", "bursts by week") else None
            jobs = [(name, days, args.first_seed + i) for i in range(args.reps)]
            rows: dict[str, list[tuple[bool, ...]]] = defaultdict(list)
            contrasts: dict[str, list[bool]] = defaultdict(list)
            for result, contrast in pool.map(one, jobs, chunksize=8):
                for factor, values in result.items():
                    group = factor if factor in SHOWN or factor in RARE else "null factors"
                    rows[group].append(values)
                for factor, value in contrast.items():
                    contrasts[factor if factor in SHOWN else "null factors"].append(value)
            for group in (*SHOWN, "null factors"):
                tested = [v for v in rows[group] if not v[4]]
                truth = f"{scenario.truth(group):g}" if group in SHOWN else "1"
                print(
                    f"{name:<15} {group:<22} {truth:>5} {share([v[0] for v in tested]):>8} "
                    f"{share([v[1] for v in tested]):>10} {share([v[2] for v in tested]):>7} "
                    f"{share(contrasts[group]):>8} {share([v[3] for v in tested]):>6} "
                    f"{len(tested):>5}"
                )
            for group in RARE:
                print(
                    f"{name:<15} {group:<22} not enough data in "
                    f"{share([v[4] for v in rows[group]])} of {len(rows[group])}"
                )
            print(f"{'':<15} ({time.perf_counter() - started:.0f} s)")
    print(
        "coverage: 95% CI holds the truth (nominal 95%). called: 'associated' for a planted "
        "factor (power), 'associated' or 'protective' for a null one (false flags). contrast: "
        "called when typed exercise counts as exposure / when cramps count by calendar date."
    )


if __name__ == "__main__":
    main()
