"""Comparing two episode rates honestly: exposed vs unexposed person-time from `exposures` rows.

The default is the exact conditional test on two Poisson counts: given the total, the exposed
count is binomial with p0 = exposed share of person-time (as scipy.stats.binomtest). The two-sided
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
from dataclasses import dataclass

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
    """Rate ratio, its Clopper-Pearson interval and the central exact p-value.

    The binomial tails and the beta quantiles that bound the interval, from scipy.special: the
    same numbers as scipy.stats.binomtest and its proportion_ci(method="exact") (which finds the
    quantiles by root search), without importing scipy.stats (most of a second per report)."""
    from scipy.special import bdtr, bdtrc, betaincinv

    total = counts.exposed + counts.unexposed
    share = counts.exposed_time / (counts.exposed_time + counts.unexposed_time)
    odds_to_ratio = counts.unexposed_time / counts.exposed_time

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * odds_to_ratio

    k = counts.exposed
    low_tail = float(bdtr(k, total, share))  # P(X <= k)
    high_tail = float(bdtrc(k - 1, total, share)) if k > 0 else 1.0  # P(X >= k)
    tail = (1 - CONFIDENCE) / 2
    low = 0.0 if k == 0 else float(betaincinv(k, total - k + 1, tail))
    high = 1.0 if k == total else float(betaincinv(k + 1, total - k, 1 - tail))
    return (
        ratio(k / total),
        ratio(low),
        ratio(high),
        min(1.0, 2 * min(low_tail, high_tail)),
    )


@dataclass(frozen=True)
class Fit:
    """The log rate ratio of a Poisson GLM (log link, log person-time offset, an intercept and
    the exposure) with one of its variances, and the t distribution its inference uses."""

    log_ratio: float
    variance: float  # of the log rate ratio
    poisson_variance: float  # the model-based one: 1/exposed + 1/unexposed episodes
    df: float  # degrees of freedom of the t distribution

    @property
    def inflation(self) -> float:
        return self.variance / self.poisson_variance

    def interval(self) -> tuple[float, float]:
        from scipy.special import stdtrit

        half = float(stdtrit(self.df, 1 - (1 - CONFIDENCE) / 2)) * math.sqrt(self.variance)
        return self.log_ratio - half, self.log_ratio + half

    @property
    def p_value(self) -> float:
        from scipy.special import stdtr

        se = math.sqrt(self.variance)
        if se == 0:
            return 1.0 if self.log_ratio == 0 else 0.0
        return float(2 * stdtr(self.df, -abs(self.log_ratio) / se))


def _estimate(method: str, fit: Fit) -> Estimate:
    low, high = fit.interval()
    return Estimate(
        method,
        math.exp(fit.log_ratio),
        math.exp(low),
        math.exp(high),
        fit.p_value,
        fit.inflation,
    )


def _width(fit: Fit) -> float:
    low, high = fit.interval()
    return high - low


def _fits(rows: pd.DataFrame, counts: Counts) -> list[tuple[str, Fit]]:
    """The over-dispersion-aware fits of the rule above (none when the rows are under-dispersed).

    With one binary exposure the Poisson GLM has a closed form, so nothing is iterated: the
    fitted rates are the two crude rates, the log rate ratio log(rate exposed / rate unexposed),
    and the inverse information gives it the variance 1/exposed + 1/unexposed episodes. From the
    fitted means mu, as statsmodels' GLM computes them (tests/test_rates.py checks they agree):
    - quasi-Poisson: that variance times the Pearson dispersion, sum((y - mu)^2 / mu) / (n - 2),
      on t with n - 2 degrees of freedom;
    - clustered by week: the sandwich H^-1 (sum over weeks of u u') H^-1 with u a week's summed
      scores (residual, residual * exposed), times G/(G-1) * (n-1)/(n-2), on t with G - 1
      degrees of freedom (G weeks).
    """
    exposed = rows["exposed"].to_numpy(dtype=bool)
    time = rows["time"].to_numpy(dtype=float)
    count = rows["count"].to_numpy(dtype=float)
    weeks = rows["week"].to_numpy()
    rate_exposed = counts.exposed / counts.exposed_time
    rate_unexposed = counts.unexposed / counts.unexposed_time
    mu = time * np.where(exposed, rate_exposed, rate_unexposed)
    residual = count - mu
    log_ratio = math.log(rate_exposed / rate_unexposed)
    poisson_variance = 1 / counts.exposed + 1 / counts.unexposed
    nobs = len(rows)
    df_resid = nobs - 2
    pearson = float(np.sum(residual**2 / mu)) if nobs else 0.0
    scale = pearson / df_resid if df_resid > 0 else 0.0
    groups, week_index = np.unique(weeks, return_inverse=True)
    if len(groups) < MIN_CLUSTERS:
        scale = max(scale, weekly_dispersion(rows, counts) or 0.0)
        return (
            [(QUASI, Fit(log_ratio, scale * poisson_variance, poisson_variance, df_resid))]
            if scale > 1
            else []
        )
    # the sandwich for the exposure's coefficient: H^-1 = [[1/U, -1/U], [-1/U, 1/E + 1/U]]
    # (E, U: exposed and unexposed episodes), so its row for the exposure is (-1/U, 1/E + 1/U)
    score_all = np.bincount(week_index, weights=residual, minlength=len(groups))
    score_exposed = np.bincount(week_index, weights=residual * exposed, minlength=len(groups))
    row = (-1 / counts.unexposed, poisson_variance)
    projected = row[0] * score_all + row[1] * score_exposed
    correction = len(groups) / (len(groups) - 1) * (nobs - 1) / (nobs - 2)
    clustered = float(np.sum(projected**2)) * correction
    fits = [(CLUSTERED, Fit(log_ratio, clustered, poisson_variance, len(groups) - 1))]
    if scale > 1:
        fits.append((QUASI, Fit(log_ratio, scale * poisson_variance, poisson_variance, df_resid)))
    return fits


def estimate(rows: pd.DataFrame, counts: Counts) -> Estimate:
    """The rate ratio exposed/unexposed with its interval and p-value, by the rule above."""
    inflation: float | None = None
    if counts.exposed > 0 and counts.unexposed > 0:
        fits = _fits(rows, counts)
        if fits:
            method, fit = max(fits, key=lambda pair: _width(pair[1]))
            inflation = fit.inflation
            if inflation > DISPERSION_LIMIT:
                return _estimate(method, fit)
    ratio, low, high, p = exact(counts)
    return Estimate(EXACT, ratio, low, high, p, inflation)
