"""The statistics of a single-person trial, written once for one trial and for thousands of
simulated ones: every function takes arrays whose last axis is the pairs.

The analysis (why it, not the per-pair log-ratio t-interval: benchmarks/README.md):
- Pair-stratified Poisson: in pair p, ON cramps given the pair's total are binomial with
  P(ON) = r e^b / (1 + r e^b), r = ON nights / OFF nights. b, the log rate ratio, is shared by
  the pairs; everything a pair has in common (drift, a bad month) cancels out within it, and a
  pair weighs by its cramps instead of equally. Firth's penalty (half the log of the Fisher
  information) keeps the estimate finite when one arm has no cramps at all.
- Over-dispersion from the pairs themselves: Pearson's X^2 / (pairs with cramps - 1), no lower
  than DISPERSION_FLOOR, so that a few pairs that happen to agree cannot shrink the interval to
  nothing.
- Interval and probabilities from the signed root of the penalised likelihood ratio scaled by
  that dispersion, on Student's t with pairs - 1 degrees of freedom: the 95% interval is where
  |root| <= t(0.975); P(rate ratio <= x) is t's distribution function at -root(log x) (a flat
  prior on b, read as a probability).
- A randomisation p-value for the description: every way of flipping which period of a pair was
  ON, on the mean per-pair log ratio (0.5 added to each count).

`simulate` draws trials under a known effect, with the day-to-day swings, drift and carry-over
described by `Scenario`; `power` is the share of them the decision rule calls "helps" when the
remedy halves cramps, and `designs` the planned design's power with better designs beside it.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import stdtr, stdtrit

from spasmlog.knowledge.trials import Protocol, Rule

Array = NDArray[np.float64]
DISPERSION_FLOOR = 0.5
UNBOUNDED = 12.0  # |log rate ratio| beyond which an interval's end counts as open
HELPS, DOES_NOT_HELP, UNDECIDED = "helps", "does not help", "undecided: add pairs"
_NEWTON_STEPS = 60
_BISECTIONS = 48


@dataclass(frozen=True)
class Estimates:
    """Per trial (arrays over the leading axes): the log rate ratio ON/OFF, its 95% interval,
    the probabilities the rule reads, the dispersion, and the pairs that carried any cramps."""

    log_ratio: Array
    low: Array
    high: Array
    p_effect: Array  # P(rate ratio <= rule.effect)
    p_lower: Array  # P(rate ratio < 1)
    dispersion: Array
    pairs_used: NDArray[np.int64]


def _share_on(ratio: Array, b: Array) -> Array:
    odds = ratio * np.exp(b[..., None])
    return odds / (1 + odds)


def _penalised(on: Array, off: Array, total: Array, ratio: Array, b: Array) -> Array:
    """The conditional log-likelihood of b plus Firth's penalty, 0.5 log(information)."""
    share = _share_on(ratio, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(on > 0, on * np.log(share), 0.0) + np.where(
            off > 0, off * np.log1p(-share), 0.0
        )
        information = (total * share * (1 - share)).sum(-1)
        return np.asarray(terms.sum(-1) + 0.5 * np.log(information))


def _firth(on: Array, total: Array, ratio: Array) -> Array:
    """Newton's method on Firth's modified score."""
    b = np.zeros(on.shape[:-1])
    for _ in range(_NEWTON_STEPS):
        share = _share_on(ratio, b)
        weight = total * share * (1 - share)
        information = weight.sum(-1)
        safe = np.where(information > 0, information, 1.0)
        score = (on - total * share).sum(-1) + 0.5 * (weight * (1 - 2 * share)).sum(-1) / safe
        step = np.clip(score / safe, -2.0, 2.0)
        b = b + np.where(information > 0, step, 0.0)
        if np.all(np.abs(step) < 1e-10):
            break
    return b


def estimate(
    on_cramps: Array,
    on_nights: Array,
    off_cramps: Array,
    off_nights: Array,
    effect: float,
    interval: bool = True,
) -> Estimates:
    """The pair-stratified analysis; pairs without cramps (or without nights in an arm) carry no
    information and drop out. Without `interval` the 95% limits are NaN (the power estimate
    needs only the probabilities)."""
    on_n, off_n = np.asarray(on_nights, float), np.asarray(off_nights, float)
    usable = (on_n > 0) & (off_n > 0)
    on = np.where(usable, np.asarray(on_cramps, float), 0.0)
    off = np.where(usable, np.asarray(off_cramps, float), 0.0)
    total = on + off
    ratio = np.where(usable, on_n, 1.0) / np.where(usable, off_n, 1.0)
    b = _firth(on, total, ratio)
    share = _share_on(ratio, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = np.where(total > 0, (on - total * share) ** 2 / (total * share * (1 - share)), 0)
    used = (total > 0).sum(-1)
    df = np.maximum(used - 1, 1).astype(float)
    dispersion = np.maximum(pearson.sum(-1) / df, DISPERSION_FLOOR)
    top = _penalised(on, off, total, ratio, b)

    def root(at: Array) -> Array:
        with np.errstate(invalid="ignore"):  # no cramps at all: nothing to compare
            drop = np.maximum(2 * (top - _penalised(on, off, total, ratio, at)), 0.0)
        return np.asarray(np.sign(b - at) * np.sqrt(drop / dispersion))

    def probability_below(x: float) -> Array:
        return np.asarray(stdtr(df, -root(np.full_like(b, np.log(x)))))

    low = high = np.full_like(b, np.nan)
    if interval:
        limit = stdtrit(df, 0.975)
        low, high = (_bound(root, b, limit, side) for side in (-1.0, 1.0))
    invalid = used < 2
    return Estimates(
        log_ratio=np.where(invalid, np.nan, b),
        low=np.where(invalid, np.nan, low),
        high=np.where(invalid, np.nan, high),
        p_effect=np.where(invalid, np.nan, probability_below(effect)),
        p_lower=np.where(invalid, np.nan, probability_below(1.0)),
        dispersion=np.where(invalid, np.nan, dispersion),
        pairs_used=used,
    )


def _bound(root: object, b: Array, limit: Array, side: float) -> Array:
    """Where |root| reaches `limit` on one side of b, by bisection (+-UNBOUNDED: not reached)."""
    assert callable(root)
    inner, outer = b.copy(), b + side * UNBOUNDED
    open_ended = np.abs(root(outer)) <= limit
    for _ in range(_BISECTIONS):
        middle = (inner + outer) / 2
        inside = np.abs(root(middle)) <= limit
        inner, outer = np.where(inside, middle, inner), np.where(inside, outer, middle)
    return np.where(open_ended, b + side * UNBOUNDED, inner)


def verdicts(estimates: Estimates, rule: Rule) -> NDArray[np.str_]:
    """The rule fixed in the protocol, applied: helps / does not help / undecided: add pairs."""
    enough = estimates.pairs_used >= rule.min_pairs
    with np.errstate(invalid="ignore"):
        helps = (
            enough & (estimates.p_effect >= rule.helps_at) & (estimates.p_lower >= rule.lower_at)
        )
        not_helping = enough & (estimates.p_effect <= rule.not_at)
    return np.where(helps, HELPS, np.where(not_helping, DOES_NOT_HELP, UNDECIDED))


def log_ratios(on_cramps: Array, on_nights: Array, off_cramps: Array, off_nights: Array) -> Array:
    """Each pair's log of (ON rate / OFF rate), with 0.5 added to each count."""
    on_rate = (np.asarray(on_cramps, float) + 0.5) / np.asarray(on_nights, float)
    off_rate = (np.asarray(off_cramps, float) + 0.5) / np.asarray(off_nights, float)
    return np.asarray(np.log(on_rate) - np.log(off_rate))


def randomisation_p(differences: Array) -> float:
    """Two-sided exact p-value of the mean per-pair log ratio over every ON/OFF order the
    randomisation could have drawn (each flips the sign of its pair's log ratio)."""
    values = np.asarray(differences, float)
    flips = np.array(list(itertools.product((1.0, -1.0), repeat=len(values))))
    observed = abs(values.sum())
    return float(np.mean(np.abs(flips @ values) >= observed - 1e-9))


# --- simulated trials -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """How nights differ beyond Poisson chance. The defaults are the messy case the power
    estimate assumes: nightly rates that vary (gamma, shape 2), a period-to-period swing (gamma,
    coefficient of variation 0.3), a downward drift of 35% that settles over about 3 weeks
    (placebo arms fell ~28% in 4 weeks), an effect that takes ~1.5 nights to set in and wear off,
    and 10% of nights without a check-in."""

    night_shape: float | None = 2.0
    period_cv: float = 0.3
    drift: float = 0.35
    drift_days: float = 21.0
    carry_nights: float = 1.5
    missing: float = 0.1


POISSON = Scenario(night_shape=None, period_cv=0.0, drift=0.0, carry_nights=0.0, missing=0.0)
MESSY = Scenario()


def simulate(
    rng: np.random.Generator,
    reps: int,
    pairs: int,
    period_days: int,
    ignore_days: int,
    per_week: float,
    rate_ratio: float,
    scenario: Scenario,
) -> tuple[Array, Array, Array, Array]:
    """`reps` trials with a true rate ratio: ON cramps, ON nights, OFF cramps, OFF nights per
    pair, after leaving out the first `ignore_days` of each period and the missing nights."""
    nights = 2 * pairs * period_days
    t = np.arange(nights)
    period = t // period_days
    within = t % period_days
    on_first = rng.integers(0, 2, size=(reps, pairs)).astype(bool)
    arm_of_period = np.repeat(on_first, 2, axis=1)
    arm_of_period[:, 1::2] = ~arm_of_period[:, 1::2]  # the second period of a pair is the other
    on = arm_of_period[:, period]
    level = on.astype(float)
    if scenario.carry_nights > 0:
        before = np.concatenate([np.zeros((reps, 1), bool), arm_of_period[:, :-1]], axis=1)
        lag = np.exp(-within / scenario.carry_nights)
        level = level * (1 - lag) + before[:, period] * lag
    rate = per_week / 7 * np.exp(level * np.log(rate_ratio))
    rate = rate * (1 - scenario.drift + scenario.drift * np.exp(-t / scenario.drift_days))
    if scenario.period_cv > 0:
        shape = 1 / scenario.period_cv**2
        rate = rate * rng.gamma(shape, 1 / shape, size=(reps, 2 * pairs))[:, period]
    if scenario.night_shape is not None:
        shape = scenario.night_shape
        rate = rate * rng.gamma(shape, 1 / shape, size=(reps, nights))
    counts = rng.poisson(rate)
    kept = (rng.random((reps, nights)) >= scenario.missing) & (within >= ignore_days)
    by_pair = (t // (2 * period_days))[None, :] == np.arange(pairs)[:, None]  # pairs x nights
    on_kept, off_kept = kept & on, kept & ~on
    return (
        (counts * on_kept) @ by_pair.T,
        on_kept.astype(float) @ by_pair.T,
        (counts * off_kept) @ by_pair.T,
        off_kept.astype(float) @ by_pair.T,
    )


POWER_REPS = 1000  # about +-1.5 points; `trial start` tries up to 8 designs in under a second
POWER_EFFECT = 0.5  # "detects a halving"
TARGET_POWER = 0.8


def power(
    per_week: float,
    pairs: int,
    period_days: int,
    ignore_days: int,
    rule: Rule,
    seed: int,
    reps: int = POWER_REPS,
) -> float:
    """The chance that this design's verdict is "helps" when the remedy truly halves cramps from
    `per_week`, in the MESSY scenario."""
    rng = np.random.default_rng(seed)
    counts = simulate(rng, reps, pairs, period_days, ignore_days, per_week, POWER_EFFECT, MESSY)
    found = verdicts(estimate(*counts, effect=rule.effect, interval=False), rule)
    return float(np.mean(found == HELPS))


def power_seed(cramps: int, nights: int, pairs: int, period_days: int, ignore_days: int) -> int:
    """A seed drawn from the run-in and the design, so that the same diary gets the same words."""
    key = f"{cramps}/{nights}/{pairs}/{period_days}/{ignore_days}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


@dataclass(frozen=True)
class Design:
    pairs: int
    period_days: int
    power: float  # the chance of "helps" when the remedy halves the cramps

    @property
    def weeks(self) -> str:
        return f"{2 * self.pairs * self.period_days / 7:g} weeks"


MAX_PAIRS = 10
LONGER_PERIODS = (21, 28)


def designs(protocol: Protocol, per_week: float, seed: int) -> tuple[Design, ...]:
    """The planned design's power and, when under TARGET_POWER, the fewest more pairs and the
    shortest longer periods that reach it (or the most there are), and both together when
    neither alone does."""

    def design(pairs: int, period_days: int) -> Design:
        ignore = min(protocol.ignore_days, period_days // 2)
        found = power(per_week, pairs, period_days, ignore, protocol.rule, seed)
        return Design(pairs, period_days, found)

    planned = design(protocol.pairs, protocol.period_days)
    if planned.power >= TARGET_POWER:
        return (planned,)
    found = [planned]
    for options in (
        [(pairs, protocol.period_days) for pairs in range(protocol.pairs + 1, MAX_PAIRS + 1)],
        [(protocol.pairs, days) for days in LONGER_PERIODS if days > protocol.period_days],
    ):
        for pairs, days in options:
            better = design(pairs, days)
            if better.power >= TARGET_POWER or (pairs, days) == options[-1]:
                found.append(better)
                break
    largest = (MAX_PAIRS, LONGER_PERIODS[-1])
    tried = {(d.pairs, d.period_days) for d in found}
    if all(d.power < TARGET_POWER for d in found) and largest not in tried:
        found.append(design(*largest))
    return tuple(found)
