"""Trial use cases: start, tonight, status, stop, list, the data a report needs, and the check-in's
answer to "did you take it that night?". They take a Session and plain values, raise
`SpasmlogError`s, and never print.

Concealment: the seed is drawn with `secrets` (or from $SPASMLOG_TRIAL_SEED, for tests only) and
stored with the protocol; nothing here hands out a period before it begins, or the seed before
the trial is over, but for the whole-diary JSON of `export json`, which must hold it for an
imported trial to go on (the README says so). Starting and stopping are changes that
`spasmlog undo` reverts.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass

from spasmlog.core import clock
from spasmlog.core.clock import analysis_day, local_time
from spasmlog.core.errors import Conflict, InvalidInput, NotFound
from spasmlog.db import Session, history
from spasmlog.db.models import Trial
from spasmlog.db.queries import trials as tq
from spasmlog.knowledge.trials import (
    Night,
    Period,
    Protocol,
    Rule,
    TrialData,
    has_doctor_sign,
    is_open_label,
)

SEED_VAR = "SPASMLOG_TRIAL_SEED"  # pins the seed in tests; deliberately not a command option
RUN_IN_DAYS = 14
RUN_IN_PER_WEEK = 2.0  # cramps a week on the run-in's checked-in nights, at least
RUN_IN_COVERAGE = 0.8  # share of the run-in's nights with a check-in, at least
PAIRS = (3, 10)
PERIOD_DAYS = (7, 28)
MAX_REMEDY_CHARS = 120
MAX_REASON_CHARS = 200
_DAY = dt.timedelta(days=1)


# --- parsers for the command options --------------------------------------------------------------


def parse_remedy(text: str) -> str:
    """The remedy as the person names it, spaces tidied."""
    remedy = " ".join(text.split())
    if not remedy or len(remedy) > MAX_REMEDY_CHARS or not remedy.isprintable():
        raise InvalidInput(
            "REMEDY",
            text,
            f'Name it in 1-{MAX_REMEDY_CHARS} characters, e.g. "magnesium 300 mg at bedtime".',
        )
    return remedy


def _whole(text: str, option: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\s*\d{1,3}\s*", text) or not low <= int(text) <= high:
        raise InvalidInput(option, text, f"Use a whole number from {low} to {high}.")
    return int(text)


def parse_pairs(text: str) -> int:
    """Pairs of periods: 3 (the fewest that can give a verdict) to 10."""
    return _whole(text, "--pairs", *PAIRS)


def parse_period_days(text: str) -> int:
    return _whole(text, "--period-days", *PERIOD_DAYS)


def parse_ignore_days(text: str, period_days: int) -> int:
    """Nights left out at the start of each period: at most half of it."""
    return _whole(text, "--ignore-days", 0, period_days // 2)


def parse_reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason or len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(
            "--reason", text, f'Say why in 1-{MAX_REASON_CHARS} characters, e.g. "diarrhoea".'
        )
    return reason


# --- gathering ------------------------------------------------------------------------------------


def protocol_of(trial: Trial) -> Protocol:
    return Protocol(
        remedy=trial.remedy,
        pairs=trial.pairs,
        period_days=trial.period_days,
        ignore_days=trial.ignore_days,
        started_on=trial.started_on,
        open_label=trial.open_label,
        rule=Rule(**trial.rule),
    )


def _data(trial: Trial, now: dt.datetime) -> TrialData:
    return TrialData(
        id=trial.id,
        protocol=protocol_of(trial),
        seed=trial.seed,
        stored_hash=trial.protocol_hash,
        stopped_on=trial.stopped_on,
        stop_reason=trial.stop_reason,
        as_of=analysis_day(now),
        today=now.date(),
    )


def nights(session: Session, first: dt.date, last: dt.date) -> dict[dt.date, Night]:
    """Every night in [first, last]: its check-in, its answer, its cramps and their signs."""
    answers = tq.trial_answers(session, first, last)
    cramps: dict[dt.date, int] = {}
    signs: dict[dt.date, int] = {}
    for started_at, offset, severity, duration_s, symptoms in tq.episodes_near(
        session, first, last
    ):
        day = analysis_day(local_time(started_at, offset))
        if first <= day <= last:
            cramps[day] = cramps.get(day, 0) + 1
            signs[day] = signs.get(day, 0) + has_doctor_sign(severity, duration_s, symptoms)
    return {
        day: Night(day, day in answers, answers.get(day), cramps.get(day, 0), signs.get(day, 0))
        for day in (first + n * _DAY for n in range((last - first).days + 1))
    }


def gather(session: Session, trial: Trial, now: dt.datetime) -> TrialData:
    """The trial with its nights that are over (a night ends at noon the next day)."""
    data = _data(trial, now)
    if data.cutoff <= trial.started_on:
        return data
    return data.with_nights(nights(session, trial.started_on, data.cutoff - _DAY))


def _running(session: Session, now: dt.datetime) -> Trial | None:
    for trial in tq.live_trials(session):
        if _data(trial, now).status == "running":
            return trial
    return None


def _chosen(session: Session, trial_id: int | None) -> Trial:
    if trial_id is not None:
        trial = tq.get_trial(session, trial_id)
        if trial is None:
            raise NotFound(f"No trial with ID {trial_id}. See `spasmlog trial list`.")
        return trial
    trials = tq.live_trials(session)
    if not trials:
        raise NotFound(
            'No trial yet. Start one: spasmlog trial start "magnesium 300 mg at bedtime"'
        )
    return trials[0]


# --- start ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunIn:
    """The nights before the first one: enough cramps and check-ins for a trial to tell?"""

    first: dt.date
    last: dt.date
    nights: int
    checked_in: int
    cramps: int  # on the checked-in nights

    @property
    def coverage(self) -> float:
        return self.checked_in / self.nights

    @property
    def per_week(self) -> float:
        return 7 * self.cramps / self.checked_in if self.checked_in else 0.0

    @property
    def strong_enough(self) -> bool:
        return self.coverage >= RUN_IN_COVERAGE and self.per_week >= RUN_IN_PER_WEEK


def run_in(session: Session, first_night: dt.date) -> RunIn:
    first, last = first_night - RUN_IN_DAYS * _DAY, first_night - _DAY
    found = nights(session, first, last).values()
    logged = [night for night in found if night.checked_in]
    return RunIn(first, last, len(found), len(logged), sum(night.cramps for night in logged))


@dataclass(frozen=True)
class TrialPlan:
    remedy: str
    pairs: int = 6
    period_days: int = 14
    ignore_days: int = 3
    skip_run_in: bool = False


@dataclass(frozen=True)
class Started:
    trial: TrialData
    run_in: RunIn


def _too_weak(seen: RunIn) -> Conflict:
    return Conflict(
        f"The last {RUN_IN_DAYS} nights ({seen.first} to {seen.last}) have check-ins on "
        f"{seen.checked_in} ({seen.coverage:.0%}) and {seen.cramps} cramps on those nights "
        f"({seen.per_week:.1f} a week). A trial needs check-ins on {RUN_IN_COVERAGE:.0%} of "
        f"nights and {RUN_IN_PER_WEEK:g} cramps a week or more: with fewer it would almost "
        "surely end undecided. Keep logging and checking in, or start anyway with --skip-run-in. "
        "Nothing was changed."
    )


def start_trial(session: Session, plan: TrialPlan, now: dt.datetime) -> Started:
    """Fix the protocol and draw the secret order of every pair, before any result exists."""
    running = _running(session, now)
    if running is not None:
        raise Conflict(
            f"Trial #{running.id} of {running.remedy!r} is running; one trial at a time. "
            'Stop it first: spasmlog trial stop --reason "..."'
        )
    first_night = clock.today()
    seen = run_in(session, first_night)
    if not plan.skip_run_in and not seen.strong_enough:
        raise _too_weak(seen)
    protocol = Protocol(
        remedy=plan.remedy,
        pairs=plan.pairs,
        period_days=plan.period_days,
        ignore_days=plan.ignore_days,
        started_on=first_night,
        open_label=is_open_label(plan.remedy),
    )
    seed = os.environ.get(SEED_VAR) or secrets.token_hex(16)
    change = history.start_change(session, "trial start", "started a trial", now)
    row = Trial(
        remedy=protocol.remedy,
        pairs=protocol.pairs,
        period_days=protocol.period_days,
        ignore_days=protocol.ignore_days,
        started_on=protocol.started_on,
        open_label=protocol.open_label,
        rule=protocol.rule.to_json(),
        seed=seed,
        protocol_hash=protocol.fingerprint(seed),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    history.remember_created(session, change, row)
    change.summary = f"started trial #{row.id} of {protocol.remedy}"
    return Started(_data(row, now), seen)


# --- tonight, status, list, stop ------------------------------------------------------------------


@dataclass(frozen=True)
class Tonight:
    trial: TrialData
    night: dt.date
    period: Period | None  # None: no night of the trial is ahead


def tonight(session: Session, now: dt.datetime) -> Tonight:
    """Tonight's arm of the running trial, or how the latest trial ended. A period is revealed
    only once it has begun."""
    trial = _running(session, now) or _chosen(session, None)
    data = gather(session, trial, now)
    night = now.date()
    current = None
    if data.status == "running":  # after midnight of the last night, no period holds tonight
        current = next((p for p in data.periods if p.start <= night <= p.end), None)
    return Tonight(data, night, current)


def status(session: Session, now: dt.datetime, trial_id: int | None = None) -> TrialData:
    """The running trial (or the one asked for, or the latest) with its nights so far."""
    trial = _running(session, now) if trial_id is None else None
    return gather(session, trial or _chosen(session, trial_id), now)


def list_trials(session: Session, now: dt.datetime) -> list[TrialData]:
    """Every trial, newest first (without their nights)."""
    return [_data(trial, now) for trial in tq.live_trials(session)]


def stop_trial(session: Session, reason: str, now: dt.datetime) -> TrialData:
    """Stop the running trial: tonight and later nights are no longer part of it."""
    trial = _running(session, now)
    if trial is None:
        raise NotFound("No trial is running; nothing to stop. See `spasmlog trial list`.")
    change = history.start_change(
        session, "trial stop", f"stopped trial #{trial.id} of {trial.remedy}", now
    )
    history.remember_before(session, change, trial)
    trial.stopped_on = max(now.date(), trial.started_on)
    trial.stop_reason = reason
    trial.updated_at = now
    session.flush()
    return gather(session, trial, now)


def finished(session: Session, now: dt.datetime, trial_id: int | None = None) -> TrialData:
    """A trial that is over, with its nights, for the report; a running one is refused:
    looking at the result before the end invites stopping early."""
    data = gather(session, _chosen(session, trial_id), now)
    if data.status == "running":
        done = len(data.complete_pairs())
        raise Conflict(
            f"Trial #{data.id} is still running ({done} of {data.protocol.pairs} pairs complete; "
            f"its last night is {data.protocol.ends_on}). Its result is shown once it ends: "
            "looking earlier invites stopping early. `spasmlog trial status` shows its progress."
        )
    return data


def for_period(
    session: Session, now: dt.datetime, first: dt.date, last: dt.date
) -> TrialData | None:
    """The latest trial that covered any night of [first, last], for the doctor summary and the
    factor report."""
    for trial in tq.live_trials(session):
        data = _data(trial, now)
        if trial.started_on <= last and data.cutoff > first:
            return gather(session, trial, now)
    return None


# --- the check-in's answer ------------------------------------------------------------------------


def remedy_on(session: Session, day: dt.date) -> str | None:
    """The remedy of the trial that covers night `day`, if any (for the check-in's question)."""
    for trial in tq.live_trials(session):
        protocol = protocol_of(trial)
        last = min(protocol.ends_on, (trial.stopped_on or dt.date.max) - _DAY)
        if protocol.started_on <= day <= last:
            return protocol.remedy
    return None


def check_answer(session: Session, day: dt.date, option: str = "--trial") -> None:
    """`checkin --trial` needs a trial that covers that night."""
    if remedy_on(session, day) is None:
        raise InvalidInput(
            option,
            "",
            "",
            message=f"{option}: no trial covers the night of {day}, so there is nothing to "
            "answer. See `spasmlog trial list`.",
        )


# --- copies: a trial in `export json`, and back through `import` ---------------------------------


@dataclass(frozen=True)
class TrialCopy:
    """A trial as the whole-diary JSON holds it: its protocol, seed and fingerprint as stored
    (a protocol changed in the file stays changed: `trial report` says so)."""

    remedy: str
    pairs: int
    period_days: int
    ignore_days: int
    started_on: dt.date
    open_label: bool
    rule: dict[str, object]
    seed: str
    protocol_hash: str
    stopped_on: dt.date | None
    stop_reason: str | None

    def nights(self) -> tuple[dt.date, dt.date]:
        return _nights(self.started_on, self.pairs, self.period_days, self.stopped_on)


def _nights(
    started_on: dt.date, pairs: int, period_days: int, stopped_on: dt.date | None
) -> tuple[dt.date, dt.date]:
    """A trial's first and last night (a stopped one's last is the night before its stop)."""
    last = started_on + (2 * pairs * period_days - 1) * _DAY
    return started_on, min(last, (stopped_on or dt.date.max) - _DAY)


COPY_FIELDS = tuple(TrialCopy.__dataclass_fields__)
_HEX = re.compile(r"[0-9a-f]+")


def copy_record(trial: Trial) -> dict[str, object]:
    """A stored trial as `export json` writes it (keys COPY_FIELDS, dates ISO)."""
    return {
        "remedy": trial.remedy,
        "pairs": trial.pairs,
        "period_days": trial.period_days,
        "ignore_days": trial.ignore_days,
        "started_on": trial.started_on.isoformat(),
        "open_label": trial.open_label,
        "rule": dict(trial.rule),
        "seed": trial.seed,
        "protocol_hash": trial.protocol_hash,
        "stopped_on": None if trial.stopped_on is None else trial.stopped_on.isoformat(),
        "stop_reason": trial.stop_reason,
    }


def _iso_date(value: object, key: str) -> dt.date:
    if not isinstance(value, str):
        raise InvalidInput(key, repr(value), "Expected a date, YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(key, value, "Expected a date, YYYY-MM-DD.") from None


def _whole_in(value: object, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(key, repr(value), f"Expected a whole number from {low} to {high}.")
    return value


def _hex(value: object, key: str, length: int) -> str:
    if not isinstance(value, str) or len(value) != length or not _HEX.fullmatch(value):
        raise InvalidInput(key, repr(value), f"Expected {length} hexadecimal digits, as exported.")
    return value


def copy_from_record(record: dict[str, object]) -> TrialCopy:
    """A trial record of `export json`, checked; InvalidInput names the first bad key."""
    unknown = sorted(set(record) - set(COPY_FIELDS) - {"deleted_at"})
    missing = [key for key in COPY_FIELDS if key not in record]
    if unknown or missing:
        words = [f"unknown keys {', '.join(unknown)}"] if unknown else []
        words += [f"missing keys {', '.join(missing)}"] if missing else []
        raise InvalidInput("trials", "", "", message=f"A trial with {' and '.join(words)}.")
    remedy = record["remedy"]
    period_days = _whole_in(record["period_days"], "period_days", *PERIOD_DAYS)
    rule = record["rule"]
    if not isinstance(rule, dict):
        raise InvalidInput("rule", repr(rule), "Expected the decision rule as an object.")
    try:
        Rule(**rule)
    except TypeError:
        raise InvalidInput("rule", repr(rule), "Not a decision rule spasmlog knows.") from None
    open_label, stopped_on, reason = (
        record["open_label"],
        record["stopped_on"],
        record["stop_reason"],
    )
    if not isinstance(open_label, bool):
        raise InvalidInput("open_label", repr(open_label), "Expected true or false.")
    if reason is not None and not isinstance(reason, str):
        raise InvalidInput("stop_reason", repr(reason), "Expected text or null.")
    return TrialCopy(
        remedy=parse_remedy(remedy) if isinstance(remedy, str) else parse_remedy(""),
        pairs=_whole_in(record["pairs"], "pairs", *PAIRS),
        period_days=period_days,
        ignore_days=_whole_in(record["ignore_days"], "ignore_days", 0, period_days - 1),
        started_on=_iso_date(record["started_on"], "started_on"),
        open_label=open_label,
        rule=dict(rule),
        seed=_hex(record["seed"], "seed", 32),
        protocol_hash=_hex(record["protocol_hash"], "protocol_hash", 64),
        stopped_on=None if stopped_on is None else _iso_date(stopped_on, "stopped_on"),
        stop_reason=reason,
    )


@dataclass(frozen=True)
class CopiesPlan:
    new: tuple[TrialCopy, ...]
    stored: int  # already in the diary (the same fingerprint): skipped


def plan_copies(session: Session, copies: list[TrialCopy]) -> CopiesPlan:
    """Which imported trials are new (a fingerprint not in the diary, nor earlier in the file);
    refused when one would share nights with another trial: one trial at a time."""
    known = {trial.protocol_hash for trial in tq.live_trials(session)}
    spans = [
        (
            f"trial #{t.id} of {t.remedy!r}",
            _nights(t.started_on, t.pairs, t.period_days, t.stopped_on),
        )
        for t in tq.live_trials(session)
    ]
    new: list[TrialCopy] = []
    for copy in copies:
        if copy.protocol_hash in known:
            continue
        known.add(copy.protocol_hash)
        first, last = copy.nights()
        for name, (other_first, other_last) in spans:
            if first <= other_last and other_first <= last:
                raise Conflict(
                    f"The trial of {copy.remedy!r} from {first} would share nights with "
                    f"{name}; one trial at a time. Nothing was imported."
                )
        spans.append((f"the trial of {copy.remedy!r} in the file", (first, last)))
        new.append(copy)
    return CopiesPlan(tuple(new), len(copies) - len(new))


def add_copies(
    session: Session, change: history.Change, copies: tuple[TrialCopy, ...], now: dt.datetime
) -> None:
    """Store planned trials in an import's change, exactly as exported."""
    for copy in copies:
        row = Trial(**{key: getattr(copy, key) for key in COPY_FIELDS}, created_at=now,
                    updated_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        history.remember_created(session, change, row)
