"""The rate comparisons in closed form agree with statsmodels' GLM and scipy.stats' binomial test,
which they replaced to keep a report from importing them (most of a second each time): the
reference fits below are the code spasmlog used before, run on the same rows."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats.multitest import multipletests
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from spasmlog.reports import rates
from spasmlog.reports.factors import benjamini_hochberg

TOL = 1e-13  # statsmodels iterates to a tolerance (1e-8 by default: p-values off by 1e-5)


def _rows(seed: int, days: int, share: float, ratio: float, burst: float) -> pd.DataFrame:
    """Days (some split in two rows by a change of exposure) with their week, exposure, time and
    count; `burst` > 0 multiplies each week's rate by a gamma of that variance."""
    rng = np.random.default_rng(seed)
    day = np.arange(days)
    week = day // 7
    exposed = rng.random(days) < share
    time = np.where(rng.random(days) < 0.1, 0.5, 1.0)
    multiplier = rng.gamma(1 / burst, burst, week.max() + 1)[week] if burst else 1.0
    count = rng.poisson(0.6 * time * np.where(exposed, ratio, 1.0) * multiplier)
    return pd.DataFrame({"week": week, "exposed": exposed, "time": time, "count": count})


def _reference(rows: pd.DataFrame, counts: rates.Counts) -> rates.Estimate:
    """spasmlog's estimate as it was, with statsmodels' GLM and scipy.stats' binomtest."""
    exposed = rows["exposed"].to_numpy(dtype=float)
    model = GLM(rows["count"].to_numpy(dtype=float), np.column_stack([np.ones_like(exposed),
                exposed]), family=Poisson(), offset=np.log(rows["time"].to_numpy(dtype=float)))  # fmt: skip
    weeks = rows["week"].to_numpy()
    fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        poisson = model.fit(tol=TOL)
        scale = float(poisson.pearson_chi2 / poisson.df_resid) if poisson.df_resid > 0 else 0.0
        if len(np.unique(weeks)) < rates.MIN_CLUSTERS:
            scale = max(scale, rates.weekly_dispersion(rows, counts) or 0.0)
            fits = [(rates.QUASI, model.fit(scale=scale, use_t=True, tol=TOL))] if scale > 1 else []
        else:
            fits = [(rates.CLUSTERED, model.fit(cov_type="cluster", use_t=True, tol=TOL, cov_kwds={
                "groups": weeks, "use_correction": True, "df_correction": True}))]  # fmt: skip
            if scale > 1:
                fits.append((rates.QUASI, model.fit(scale=scale, use_t=True, tol=TOL)))
    inflation = None
    if fits:
        method, fit = max(fits, key=lambda pair: float(np.diff(np.asarray(fit_ci(pair[1])))[0]))
        inflation = float(fit.cov_params()[1, 1] / fit.normalized_cov_params[1, 1])
        if inflation > rates.DISPERSION_LIMIT:
            low, high = fit_ci(fit)
            return rates.Estimate(method, math.exp(fit.params[1]), math.exp(low), math.exp(high),
                                  float(fit.pvalues[1]), inflation)  # fmt: skip
    return rates.Estimate(rates.EXACT, *_reference_exact(counts), inflation)


def fit_ci(fit: object) -> tuple[float, float]:
    low, high = np.asarray(fit.conf_int(alpha=1 - rates.CONFIDENCE))[1]  # type: ignore[attr-defined]
    return float(low), float(high)


def _reference_exact(counts: rates.Counts) -> tuple[float, float, float, float]:
    total = counts.exposed + counts.unexposed
    share = counts.exposed_time / (counts.exposed_time + counts.unexposed_time)
    odds = counts.unexposed_time / counts.exposed_time

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * odds

    low = binomtest(counts.exposed, total, share, alternative="less").pvalue
    high = binomtest(counts.exposed, total, share, alternative="greater").pvalue
    ci = binomtest(counts.exposed, total, share).proportion_ci(rates.CONFIDENCE, method="exact")
    return (ratio(counts.exposed / total), ratio(ci.low), ratio(ci.high),
            min(1.0, 2 * min(low, high)))  # fmt: skip


def _same(ours: rates.Estimate, theirs: rates.Estimate) -> None:
    assert ours.method == theirs.method
    for a, b in zip(
        (ours.rate_ratio, ours.ci_low, ours.ci_high, ours.p_value, ours.variance_inflation),
        (
            theirs.rate_ratio,
            theirs.ci_low,
            theirs.ci_high,
            theirs.p_value,
            theirs.variance_inflation,
        ),
        strict=True,
    ):
        if a is None or b is None:
            assert a is b
        else:
            assert a == pytest.approx(b, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize(
    ("days", "share", "ratio", "burst"),
    [
        (365, 0.3, 2.0, 0.0),  # a year, plain Poisson: the exact test stays
        (365, 0.3, 2.0, 0.8),  # bursts by week: the clustered or quasi fit
        (730, 0.5, 1.0, 0.5),
        (100, 0.2, 0.5, 0.6),  # 15 weeks: too few to cluster, the weekly dispersion
        (60, 0.5, 3.0, 1.5),
    ],
)
def test_closed_form_fits_match_statsmodels(
    days: int, share: float, ratio: float, burst: float
) -> None:
    methods = set()
    for seed in range(12):
        rows = _rows(seed, days, share, ratio, burst)
        counts = rates.Counts.of(rows)
        if counts.exposed == 0 or counts.unexposed == 0:
            continue
        ours = rates.estimate(rows, counts)
        _same(ours, _reference(rows, counts))
        methods.add(ours.method)
    if burst:
        assert methods - {rates.EXACT}  # the fits, not only the exact test, were compared


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
    st.floats(min_value=0.5, max_value=2000),
    st.floats(min_value=0.5, max_value=2000),
)
def test_exact_test_matches_scipy_stats(
    exposed: int, unexposed: int, exposed_time: float, unexposed_time: float
) -> None:
    if exposed + unexposed == 0:
        return
    counts = rates.Counts(exposed_time, unexposed_time, exposed, unexposed)
    for ours, theirs in zip(rates.exact(counts), _reference_exact(counts), strict=True):
        assert ours == pytest.approx(theirs, rel=1e-7, abs=1e-12)


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_benjamini_hochberg_matches_statsmodels(p_values: list[float]) -> None:
    expected = multipletests(p_values, method="fdr_bh")[1]
    assert benjamini_hochberg(p_values) == pytest.approx(list(expected), rel=1e-12, abs=1e-15)
