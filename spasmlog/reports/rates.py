"""Comparing two episode rates honestly: exposed vs unexposed person-time from `exposures` rows.

The default is the exact conditional test on two Poisson counts: given the total, the exposed
count is binomial with p0 = exposed share of person-time (scipy.stats.binomtest). The two-sided
p-value is the central one (twice the smaller tail), so it agrees with the Clopper-Pearson
interval of the proportion, which maps to a rate-ratio interval through RR = p/(1-p) * t_u/t_e.

Spasms come in bursts (a bad week, a flare) and the rate moves with every factor that matters, so
daily counts are over-dispersed and correlated from day to day; then the exact test's interval is
too narrow (over simulated years its 95% interval held the truth 91-95% of the time with plain
Poisson spasms and other factors at work, 71-89% once spasms came in bursts). So each
factor is also fitted as a Poisson GLM on its rows (log person-time offset) with two variances
for the log rate ratio, each catching what the other misses:

- quasi-Poisson: the Poisson variance times the Pearson dispersion of the rows (days), which is
  estimated from hundreds of days and catches extra day-to-day variation;
- cluster-robust by ISO week (small-sample corrected, t with weeks-1 df), which catches
  correlation within a week (a medication taken for months, a flare) but is noisy and biased low
  with a year's ~50 weeks. With fewer than MIN_CLUSTERS weeks it is not used; the Pearson
  dispersion of the week counts about the two-rate fit stands in as the quasi-Poisson scale when
  it is the larger.

If the wider of the two intervals comes from a variance over DISPERSION_LIMIT times the Poisson
one, that interval and its p-value are reported (method CLUSTERED or QUASI), else the exact ones.
A zero count on either side always uses the exact test, which handles it. The Monte Carlo in
benchmarks/factor_monte_carlo.py measures what this gives: 93-97% coverage in every scenario.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

DISPERSION_LIMIT = 1.2
MIN_CLUSTERS = 20
CONFIDENCE = 0.95

EXACT = "exact_conditional"
CLUSTERED = "poisson_glm_cluster_week"
QUASI = "quasi_poisson_glm"
METHODS = {
    EXACT: "exact conditional (binomial) test on the two Poisson counts",
    CLUSTERED: "Poisson model on person-time with errors clustered by week",
    QUASI: "Poisson model on person-time with errors scaled for over-dispersion",
}


@dataclass(frozen=True)
class Counts:
    exposed_time: float  # days
    unexposed_time: float
    exposed: int  # episodes
    unexposed: int

    @property
    def expected_exposed(self) -> float:
        """Episodes the exposed time would hold at the overall rate."""
        total_time = self.exposed_time + self.unexposed_time
        return (
            (self.exposed + self.unexposed) * self.exposed_time / total_time if total_time else 0.0
        )

    @staticmethod
    def of(rows: pd.DataFrame) -> Counts:
        exposed = rows["exposed"].to_numpy(dtype=bool)
        time = rows["time"].to_numpy(dtype=float)
        count = rows["count"].to_numpy(dtype="int64")
        return Counts(
            float(time[exposed].sum()),
            float(time[~exposed].sum()),
            int(count[exposed].sum()),
            int(count[~exposed].sum()),
        )


@dataclass(frozen=True)
class Estimate:
    method: str
    rate_ratio: float  # inf when no unexposed episodes
    ci_low: float
    ci_high: float  # inf when unbounded
    p_value: float
    variance_inflation: float | None  # the check's value (see above); None if not computed


def rate(count: int, time: float) -> float | None:
    return count / time if time > 0 else None


def weekly_dispersion(rows: pd.DataFrame, counts: Counts) -> float | None:
    """Pearson chi-square of ISO-week counts about the two-rate fit, over its degrees of freedom."""
    rates = np.where(
        rows["exposed"].to_numpy(dtype=bool),
        rate(counts.exposed, counts.exposed_time) or 0.0,
        rate(counts.unexposed, counts.unexposed_time) or 0.0,
    )
    weeks = pd.DataFrame(
        {
            "week": rows["week"].to_numpy(),
            "observed": rows["count"].to_numpy(dtype=float),
            "expected": rates * rows["time"].to_numpy(dtype=float),
        }
    )
    weekly = weeks.groupby("week")[["observed", "expected"]].sum()
    weekly = weekly[weekly["expected"] > 0]
    df = len(weekly) - 2
    if df < 1:
        return None
    chi2 = ((weekly["observed"] - weekly["expected"]) ** 2 / weekly["expected"]).sum()
    return float(chi2 / df)


def exact(counts: Counts) -> tuple[float, float, float, float]:
    """Rate ratio, its Clopper-Pearson interval and the central exact p-value."""
    from scipy.stats import binomtest

    total = counts.exposed + counts.unexposed
    share = counts.exposed_time / (counts.exposed_time + counts.unexposed_time)
    odds_to_ratio = counts.unexposed_time / counts.exposed_time

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * odds_to_ratio

    low_tail = binomtest(counts.exposed, total, share, alternative="less").pvalue
    high_tail = binomtest(counts.exposed, total, share, alternative="greater").pvalue
    interval = binomtest(counts.exposed, total, share).proportion_ci(CONFIDENCE, method="exact")
    return (
        ratio(counts.exposed / total),
        ratio(interval.low),
        ratio(interval.high),
        min(1.0, 2 * min(low_tail, high_tail)),
    )


def _glm(rows: pd.DataFrame) -> Any:
    # Not statsmodels.api: importing only the GLM saves a good part of a second on every report.
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    exposed = rows["exposed"].to_numpy(dtype=float)
    design = np.column_stack([np.ones_like(exposed), exposed])
    return GLM(
        rows["count"].to_numpy(dtype=float),
        design,
        family=Poisson(),
        offset=np.log(rows["time"].to_numpy(dtype=float)),
    )


def _estimate(method: str, fit: Any, inflation: float) -> Estimate:
    low, high = np.asarray(fit.conf_int(alpha=1 - CONFIDENCE))[1]
    return Estimate(
        method,
        math.exp(fit.params[1]),
        math.exp(low),
        math.exp(high),
        float(fit.pvalues[1]),
        inflation,
    )


def _width(fit: Any) -> float:
    low, high = np.asarray(fit.conf_int(alpha=1 - CONFIDENCE))[1]
    return float(high - low)


def _fits(rows: pd.DataFrame, counts: Counts) -> list[tuple[str, Any]]:
    """The over-dispersion-aware fits of the rule above (none when the rows are under-dispersed)."""
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    model = _glm(rows)
    weeks = rows["week"].to_numpy()
    with warnings.catch_warnings():  # a perfect fit (identical days) is fine: it has no spread
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        poisson = model.fit()
        scale = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 else 0.0
        if len(np.unique(weeks)) < MIN_CLUSTERS:
            scale = max(scale, weekly_dispersion(rows, counts) or 0.0)
            return [(QUASI, model.fit(scale=scale, use_t=True))] if scale > 1 else []
        fits = [
            (
                CLUSTERED,
                model.fit(
                    cov_type="cluster",
                    use_t=True,
                    cov_kwds={"groups": weeks, "use_correction": True, "df_correction": True},
                ),
            )
        ]
        if scale > 1:
            fits.append((QUASI, model.fit(scale=scale, use_t=True)))
    return fits


def estimate(rows: pd.DataFrame, counts: Counts) -> Estimate:
    """The rate ratio exposed/unexposed with its interval and p-value, by the rule above."""
    inflation: float | None = None
    if counts.exposed > 0 and counts.unexposed > 0:
        fits = _fits(rows, counts)
        if fits:
            method, fit = max(fits, key=lambda pair: _width(pair[1]))
            inflation = float(fit.cov_params()[1, 1] / fit.normalized_cov_params[1, 1])
            if inflation > DISPERSION_LIMIT:
                return _estimate(method, fit, inflation)
    ratio, low, high, p = exact(counts)
    return Estimate(EXACT, ratio, low, high, p, inflation)
