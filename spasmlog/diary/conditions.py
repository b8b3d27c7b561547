"""Conditions and electrolyte lab results: the rest of the context the reports relate spasms to.

(Check-ins and exercise sessions live in spasmlog.diary.checkins, the medication list in
spasmlog.diary.medications.) A condition is filed under one of the article's groups, or "other"; a lab
result is kept as entered, in mmol/L as well, and flagged against the lab's own range when given,
else against the adult reference range of spasmlog.knowledge.labs.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from spasmlog.core.errors import Conflict, InvalidInput, NotFound
from spasmlog.db import history
from spasmlog.db.models import Condition, LabResult
from spasmlog.db.queries import context as cq
from spasmlog.knowledge import conditions, labs
from spasmlog.knowledge.labs import LabFlag

MAX_NAME_CHARS = 120

# --- conditions --------------------------------------------------------------------------------


def parse_condition_name(text: str, option: str = "NAME") -> str:
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            option,
            text,
            f"Give the condition's name (1-{MAX_NAME_CHARS} "
            'characters), e.g. "hypothyroidism" or "type 2 diabetes".',
        )
    return name


@dataclass(frozen=True)
class ConditionInput:
    name: str
    since: dt.date | None = None
    group: str | None = None  # given by hand; None: from the name


def describe_condition(row: Condition) -> str:
    return f"#{row.id} {row.name}"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def add_condition(session: Session, entry: ConditionInput, now: dt.datetime) -> Condition:
    group = entry.group or conditions.group_for(entry.name)
    if entry.group is None and group == "other":
        hint = conditions.suggest(entry.name)
        if hint is not None:
            raise InvalidInput(
                "NAME",
                entry.name,
                "",
                message=f"Unknown condition {entry.name!r}. Did you mean {hint!r}? "
                "Use --group other to keep it as typed.",
            )
    for row in cq.list_conditions(session):
        if row.until is None and _norm(row.name) == _norm(entry.name):
            raise Conflict(
                f"{describe_condition(row)} is already on your list. "
                f"End it first with `spasmlog conditions end {row.id}`."
            )
    row = Condition(name=entry.name, group=group, since=entry.since, created_at=now, updated_at=now)
    change = history.start_change(session, "condition add", "added a condition", now)
    session.add(row)
    session.flush()
    history.remember_created(session, change, row)
    change.summary = f"added condition {describe_condition(row)}"
    return row


def find_condition(session: Session, ref: str) -> Condition:
    """A condition by ID, or a current one by name (case-insensitive)."""
    if ref.strip().isdigit():
        return cq.get_condition(session, int(ref))
    rows = cq.list_conditions(session)
    named = [row for row in rows if _norm(row.name) == _norm(ref)]
    current = [row for row in named if row.until is None]
    if len(current) == 1:
        return current[0]
    if current:
        listed = ", ".join(describe_condition(row) for row in current)
        raise InvalidInput("NAME", ref, f"It matches {listed}; give the ID instead.")
    if named:
        return named[-1]
    close = difflib.get_close_matches(
        _norm(ref), [_norm(row.name) for row in rows], n=1, cutoff=0.75
    )
    hint = f"Did you mean {close[0]!r}? " if close else ""
    raise NotFound(f"No condition named {ref!r}. {hint}See `spasmlog conditions list`.")


def end_condition(session: Session, ref: str, on: dt.date, now: dt.datetime) -> Condition:
    """Record that a condition ended (resolved, or was ruled out) on `on`."""
    row = find_condition(session, ref)
    if row.until is not None:
        raise Conflict(f"{describe_condition(row)} already ended on {row.until}.")
    if row.since is not None and on < row.since:
        raise InvalidInput(
            "--on",
            on.isoformat(),
            f"{describe_condition(row)} began on {row.since}; it cannot end before that.",
        )
    change = history.start_change(
        session, "condition end", f"ended condition {describe_condition(row)}", now
    )
    history.remember_before(session, change, row)
    row.until = on
    row.updated_at = now
    session.flush()
    return row


def list_conditions(session: Session) -> list[Condition]:
    return list(cq.list_conditions(session))


# --- labs --------------------------------------------------------------------------------------

# Limits, in mmol/L, well beyond the most extreme results reported in people who survived them.
# A value outside is a typo or the wrong unit (calcium "9.5 mmol/L" is 9.5 mg/dL), so it is
# refused with a hint at the unit that makes it plausible, rather than stored as an alarm.
PLAUSIBLE_MMOL_L: dict[str, tuple[float, float]] = {
    "sodium": (90.0, 200.0),
    "potassium": (1.0, 10.0),
    "magnesium": (0.1, 6.0),
    "calcium_total": (0.8, 5.0),
    "calcium_ionized": (0.3, 3.0),
}
MAX_VALUE = 10_000.0


@dataclass(frozen=True)
class LabInput:
    test: str  # a knowledge.labs test id
    value: float
    unit: str  # one of knowledge.labs.UNITS
    taken_on: dt.date
    lab_range: tuple[float, float] | None = None  # in `unit`


@dataclass(frozen=True)
class LabAdded:
    result: LabResult
    flag: LabFlag


def _plausible(test: str, mmol: float) -> bool:
    low, high = PLAUSIBLE_MMOL_L[test]
    return low <= mmol <= high


def check_plausible(entry: LabInput) -> None:
    """Refuse a value no blood test shows, naming the unit that would make it plausible."""
    if _plausible(entry.test, labs.to_mmol_l(entry.test, entry.value, entry.unit)):
        return
    others = [
        unit
        for unit in labs.UNITS
        if unit != entry.unit
        and _plausible(entry.test, labs.to_mmol_l(entry.test, entry.value, unit))
    ]
    hint = f" Did you mean {entry.value:g} {others[0]}?" if others else ""
    low, high = PLAUSIBLE_MMOL_L[entry.test]
    raise InvalidInput(
        "VALUE",
        f"{entry.value:g} {entry.unit}",
        "",
        message=f"{labs.lab_test(entry.test).label} {entry.value:g} {entry.unit} is outside what "
        f"a blood test can show ({low:g}-{high:g} mmol/L): a typo or the wrong unit?{hint}",
    )


def evaluate(entry: LabInput) -> tuple[float, LabFlag]:
    """The value in mmol/L and its flag, after the plausibility check; the lab's range wins."""
    check_plausible(entry)
    value_mmol = labs.to_mmol_l(entry.test, entry.value, entry.unit)
    return value_mmol, labs.flag(entry.test, entry.value, entry.unit, entry.lab_range)


def add_lab(session: Session, entry: LabInput, now: dt.datetime) -> LabAdded:
    """Store a result as entered plus in mmol/L, flagged against the range that applies."""
    value_mmol, judged = evaluate(entry)
    row = LabResult(
        taken_on=entry.taken_on,
        test=entry.test,
        value=entry.value,
        unit=entry.unit,
        value_mmol_l=value_mmol,
        range_low_mmol_l=judged.range_low,
        range_high_mmol_l=judged.range_high,
        range_source=judged.range_source,
        flag=judged.flag,
        created_at=now,
        updated_at=now,
    )
    change = history.start_change(session, "lab add", "added a lab result", now)
    session.add(row)
    session.flush()
    history.remember_created(session, change, row)
    change.summary = (
        f"added lab result #{row.id} {entry.test} {entry.value:g} {entry.unit}, {entry.taken_on}"
    )
    return LabAdded(row, judged)


def list_labs(session: Session, test: str | None = None) -> list[LabResult]:
    return list(cq.list_labs(session, test))
