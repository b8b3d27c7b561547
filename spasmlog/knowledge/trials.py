"""What a randomised single-person (n-of-1) trial is, as data: its protocol, its schedule, its
decision rule, and the nights it is judged on. The use cases (spasmlog.diary.trials) and the
report (spasmlog.reports.trial) both read a trial through these, so they can never disagree.

- `Protocol.schedule`: pair by pair, two periods of `period_days` nights, ON and OFF in an order
  drawn from the secret seed: the first period of pair p is ON when the first byte of
  SHA-256("<seed>:<p>") is even. Anyone holding the seed can redraw it.
- `Protocol.fingerprint`: SHA-256 of the canonical JSON of the protocol, a newline, and the seed.
- A night is an analysis day (noon to noon, spasmlog.core.clock): a 3 a.m. cramp belongs to the
  evening before, when the remedy was taken. A night without a check-in is missing, not zero.

Background and sources: Guyatt 1988, Senn 2024, Woodfield 2005 and Roffe 2002 on n-of-1 trials,
and the paired, randomised design they recommend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from spasmlog.knowledge.factors import LONG_EPISODE_S, RED_FLAG_SYMPTOMS, SEVERE_AT

ON, OFF = "ON", "OFF"
PROTOCOL_SCHEMA = "spasmlog.trial-protocol/1"
_DAY = dt.timedelta(days=1)

# Remedies the person cannot be kept from knowing they are doing: a trial of one is open-label.
_ROUTINES = re.compile(
    r"\b(stretch|massag|exercis|yoga|pilates|walk|swim|cycl|bath|shower|sauna|heat|ice|cold|"
    r"foam|roll|physio|compression|sock|splint|brace|pillow|elevat|water|drink|fluid|hydrat|"
    r"diet|food|banana|pickle|mustard|posture|shoe)",
    re.IGNORECASE,
)
CONTROL_ROUTINE = (
    "a control routine of the same length on OFF nights (for example 3 minutes of gentle "
    "shoulder and neck stretches) keeps both kinds of night alike"
)


def is_open_label(remedy: str) -> bool:
    """A routine such as stretching or massage cannot be hidden from the person doing it."""
    return _ROUTINES.search(remedy) is not None


def has_doctor_sign(severity: int | None, duration_s: int | None, symptoms: list[str]) -> bool:
    """One of the article's see-a-doctor signs that a single cramp can show: fever, rash or
    weakness with it, severe, or longer than usual."""
    return (
        (severity is not None and severity >= SEVERE_AT)
        or (duration_s is not None and duration_s > LONG_EPISODE_S)
        or any(symptom in RED_FLAG_SYMPTOMS for symptom in symptoms)
    )


@dataclass(frozen=True)
class Rule:
    """The decision rule a trial fixes at its start (stored as JSON with it). The defaults are
    what a new trial gets; benchmarks/README.md has the error rates and power they give.

    - "helps": P(rate ratio <= `effect`) >= `helps_at` and P(rate ratio < 1) >= `lower_at`;
    - "does not help": P(rate ratio <= `effect`) <= `not_at`;
    - else "undecided: add pairs", and always with fewer than `min_pairs` analysable pairs.
    A pair is analysable when each of its periods has a check-in on at least `min_logged_share`
    of the nights analysed. Stop for harm when, over complete pairs, at least `harm_signs` cramps
    with a see-a-doctor sign fell on ON nights, at `harm_ratio` times the OFF nights' rate or more.
    """

    analysis: str = "pair-stratified Poisson (Firth), Pearson dispersion, t on pairs - 1 df"
    effect: float = 0.8
    helps_at: float = 0.9
    lower_at: float = 0.95
    not_at: float = 0.1
    min_pairs: int = 3
    min_logged_share: float = 0.5
    harm_signs: int = 3
    harm_ratio: float = 2.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Period:
    pair: int  # 1, 2, ...
    half: int  # 1: the pair's first period, 2: its second
    arm: str  # ON or OFF
    start: dt.date  # its first night
    end: dt.date  # its last night

    def to_json(self) -> dict[str, Any]:
        """As the JSON of `trial status` and `trial report` list it."""
        return {
            "pair": self.pair,
            "period": self.half,
            "arm": self.arm,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


@dataclass(frozen=True)
class Protocol:
    remedy: str
    pairs: int
    period_days: int
    ignore_days: int  # the first nights of every period, left out of the analysis (carry-over)
    started_on: dt.date  # the first night
    open_label: bool
    rule: Rule = field(default_factory=Rule)

    @property
    def ends_on(self) -> dt.date:
        """The last night of the last period."""
        return self.started_on + (2 * self.pairs * self.period_days - 1) * _DAY

    def canonical(self) -> str:
        """The protocol as canonical JSON: sorted keys, no spaces, text as typed."""
        content = {
            "schema": PROTOCOL_SCHEMA,
            "remedy": self.remedy,
            "pairs": self.pairs,
            "period_days": self.period_days,
            "ignore_days": self.ignore_days,
            "started_on": self.started_on.isoformat(),
            "open_label": self.open_label,
            "rule": self.rule.to_json(),
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def fingerprint(self, seed: str) -> str:
        return hashlib.sha256(f"{self.canonical()}\n{seed}".encode()).hexdigest()

    def schedule(self, seed: str) -> tuple[Period, ...]:
        periods = []
        for pair in range(1, self.pairs + 1):
            on_first = hashlib.sha256(f"{seed}:{pair}".encode()).digest()[0] % 2 == 0
            for half, arm in enumerate((ON, OFF) if on_first else (OFF, ON), start=1):
                start = self.started_on + (2 * (pair - 1) + half - 1) * self.period_days * _DAY
                periods.append(
                    Period(pair, half, arm, start, start + (self.period_days - 1) * _DAY)
                )
        return tuple(periods)


@dataclass(frozen=True)
class Night:
    day: dt.date
    checked_in: bool
    taken: bool | None  # the check-in's answer to "did you take it that night?"
    cramps: int
    signs: int  # cramps with a see-a-doctor sign


@dataclass(frozen=True)
class TrialData:
    """A stored trial and its nights that are over."""

    id: int
    protocol: Protocol
    seed: str
    stored_hash: str
    stopped_on: dt.date | None  # the first night a stopped trial no longer covers
    stop_reason: str | None
    as_of: dt.date  # the first night not over (a night ends at noon the next day)
    today: dt.date  # the calendar date now: tonight is its night
    nights: Mapping[dt.date, Night] = field(default_factory=dict)  # every night before `cutoff`

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.protocol.schedule(self.seed)

    @property
    def intact(self) -> bool:
        """Do the protocol and seed still give the fingerprint printed at the start?"""
        return self.protocol.fingerprint(self.seed) == self.stored_hash

    @property
    def cutoff(self) -> dt.date:
        """The first night the results do not reach: not over yet, stopped, or after the end."""
        after = self.protocol.ends_on + _DAY
        return min(self.as_of, after, self.stopped_on or after)

    @property
    def status(self) -> str:
        """ "running", "finished" (every night is over) or "stopped"."""
        if self.stopped_on is not None:
            return "stopped"
        return "finished" if self.as_of > self.protocol.ends_on else "running"

    def begun(self) -> tuple[Period, ...]:
        """The periods revealed so far: those whose first night is tonight or earlier (and not
        after a stop). While a trial runs, no other may be shown."""
        last = min(self.today, (self.stopped_on or dt.date.max) - _DAY)
        return tuple(period for period in self.periods if period.start <= last)

    def complete_pairs(self) -> tuple[int, ...]:
        """The pairs whose both periods are over (before a stop)."""
        ends = {period.pair: period.end for period in self.periods}
        return tuple(pair for pair, end in ends.items() if end < self.cutoff)

    def head_json(self) -> dict[str, Any]:
        """What the trial is and where it stands: the head of `trial status` and `trial report`
        as JSON."""
        protocol = self.protocol
        return {
            "id": self.id,
            "remedy": protocol.remedy,
            "status": self.status,
            "started_on": protocol.started_on.isoformat(),
            "ends_on": protocol.ends_on.isoformat(),
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
            "stop_reason": self.stop_reason,
            "open_label": protocol.open_label,
            "pairs_planned": protocol.pairs,
            "period_days": protocol.period_days,
            "ignore_days": protocol.ignore_days,
        }

    def with_nights(self, nights: Mapping[dt.date, Night]) -> TrialData:
        return replace(self, nights=nights)


# --- what the nights say, before any statistics ---------------------------------------------------


@dataclass(frozen=True)
class Adherence:
    """The check-ins' answers to "did you take it that night?", by arm."""

    on_taken: int = 0
    on_skipped: int = 0
    on_unanswered: int = 0  # nights with no answer (no check-in, or the question skipped)
    off_taken: int = 0
    off_skipped: int = 0
    off_unanswered: int = 0

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "on": {"taken": self.on_taken, "not_taken": self.on_skipped,
                   "unanswered": self.on_unanswered},
            "off": {"taken": self.off_taken, "not_taken": self.off_skipped,
                    "unanswered": self.off_unanswered},
        }  # fmt: skip


def nights_of(data: TrialData, periods: tuple[Period, ...]) -> list[tuple[Period, Night]]:
    """The nights of these periods that are over, with their period."""
    found = []
    for period in periods:
        day = period.start
        while day <= period.end and day in data.nights:
            found.append((period, data.nights[day]))
            day += _DAY
    return found


def adherence(data: TrialData, periods: tuple[Period, ...]) -> Adherence:
    counts = {"on_taken": 0, "on_skipped": 0, "on_unanswered": 0,
              "off_taken": 0, "off_skipped": 0, "off_unanswered": 0}  # fmt: skip
    for period, night in nights_of(data, periods):
        answer = "unanswered" if night.taken is None else "taken" if night.taken else "skipped"
        counts[f"{period.arm.lower()}_{answer}"] += 1
    return Adherence(**counts)


@dataclass(frozen=True)
class Harm:
    """Cramps with a see-a-doctor sign on ON and OFF nights of the complete pairs."""

    on_signs: int
    on_nights: int
    off_signs: int
    off_nights: int
    stop: bool  # the protocol's rule for stopping early: harm


def harm(data: TrialData) -> Harm:
    complete = set(data.complete_pairs())
    signs = {ON: 0, OFF: 0}
    nights = {ON: 0, OFF: 0}
    for period, night in nights_of(data, tuple(p for p in data.periods if p.pair in complete)):
        signs[period.arm] += night.signs
        nights[period.arm] += 1
    rule = data.protocol.rule
    stop = signs[ON] >= rule.harm_signs and (
        signs[ON] * nights[OFF] >= rule.harm_ratio * signs[OFF] * nights[ON]
    )
    return Harm(signs[ON], nights[ON], signs[OFF], nights[OFF], stop)
