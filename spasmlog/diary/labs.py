"""Electrolyte lab results: kept as entered, in mmol/L as well, and flagged against the lab's own
range when given, else against the adult reference range of spasmlog.knowledge.labs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spasmlog.core.errors import InvalidInput
from spasmlog.db import Session, history, queries
from spasmlog.db.models import LabResult
from spasmlog.diary import edits
from spasmlog.diary.edits import FieldChange
from spasmlog.knowledge import labs
from spasmlog.knowledge.labs import LabFlag

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


def likeliest_meant(entry: LabInput) -> tuple[float, str] | None:
    """For a value no blood test shows, what was likeliest meant: a slipped decimal point in the
    unit given (potassium "34 mmol/L" is 3.4), or the same number in another unit (calcium "9.5
    mmol/L" is 9.5 mg/dL); of those a blood test can show, the one nearest the reference range,
    the unit given first. None when nothing near makes sense."""
    lab = labs.lab_test(entry.test)
    candidates = [(entry.value * scale, entry.unit) for scale in (0.1, 0.01, 10.0)]
    candidates += [(entry.value, unit) for unit in labs.UNITS if unit != entry.unit]

    def distance(candidate: tuple[float, str]) -> float:
        mmol = labs.to_mmol_l(entry.test, *candidate)
        return max(lab.reference_low - mmol, mmol - lab.reference_high, 0.0) / lab.reference_high

    plausible = [c for c in candidates if _plausible(entry.test, labs.to_mmol_l(entry.test, *c))]
    if not plausible:
        return None
    order = {unit: rank for rank, unit in enumerate((entry.unit, *labs.UNITS))}
    best = min(plausible, key=lambda c: (round(distance(c), 6), order[c[1]]))
    return round(best[0], 6), best[1]


def check_plausible(entry: LabInput) -> None:
    """Refuse a value no blood test shows, naming what was likeliest meant."""
    if _plausible(entry.test, labs.to_mmol_l(entry.test, entry.value, entry.unit)):
        return
    meant = likeliest_meant(entry)
    hint = f" Did you mean {meant[0]:g} {meant[1]}?" if meant else ""
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
    change.summary = f"added lab result {describe_lab(row)}"
    return LabAdded(row, judged)


def list_labs(session: Session, test: str | None = None) -> list[LabResult]:
    return list(queries.list_labs(session, test))


# --- corrections -------------------------------------------------------------------------------

LAB_FIELDS = ("test", "value", "unit", "taken_on", "lab_range")


@dataclass(frozen=True)
class LabEdited:
    result: LabResult
    flag: LabFlag
    changes: list[FieldChange]  # empty: it said that already, and nothing was written


def _as_entered(row: LabResult) -> LabInput:
    """A stored result as `add` was given it (the lab's own range back in its unit)."""
    lab_range = None
    if row.range_source == "lab":
        low, high = (
            float(f"{labs.from_mmol_l(row.test, limit, row.unit):.6g}")
            for limit in (row.range_low_mmol_l, row.range_high_mmol_l)
        )
        lab_range = (low, high)
    return LabInput(row.test, row.value, row.unit, row.taken_on, lab_range)


def edit_lab(
    session: Session, lab_id: int, updates: dict[str, object], now: dt.datetime
) -> LabEdited:
    """Correct a result: test, value, unit, date or the lab's range (None: judge it against
    the reference range); judged again, with the plausibility check `add` has."""
    unknown = set(updates) - set(LAB_FIELDS)
    if unknown or not updates:
        raise InvalidInput(
            "edit",
            ", ".join(sorted(unknown)) or "(nothing)",
            "Give a field to change, e.g. --value 3.4.",
        )
    [row] = edits.get_rows(session, LabResult, [lab_id], "lab result", "spasmlog labs")
    before = _as_entered(row)
    entry = replace(before, **updates)  # type: ignore[arg-type]
    changes = [
        FieldChange(name, getattr(before, name), getattr(entry, name))
        for name in updates
        if getattr(before, name) != getattr(entry, name)
    ]
    if not changes:
        return LabEdited(row, evaluate(before)[1], [])
    value_mmol, judged = evaluate(entry)
    change = history.start_change(
        session, "lab edit", f"edited lab result {describe_lab(row)}", now
    )
    edits.write(
        session,
        change,
        row,
        {
            "test": entry.test,
            "value": entry.value,
            "unit": entry.unit,
            "taken_on": entry.taken_on,
            "value_mmol_l": value_mmol,
            "range_low_mmol_l": judged.range_low,
            "range_high_mmol_l": judged.range_high,
            "range_source": judged.range_source,
            "flag": judged.flag,
        },  # fmt: skip
        now,
    )
    session.flush()
    return LabEdited(row, judged, changes)


def describe_lab(row: LabResult) -> str:
    """ "#3 potassium 3.2 mmol/L, 2026-03-02": how messages name a result."""
    return f"#{row.id} {row.test} {row.value:g} {row.unit}, {row.taken_on}"


def delete_labs(session: Session, ids: Sequence[int], now: dt.datetime) -> list[LabResult]:
    rows = edits.get_rows(session, LabResult, ids, "lab result", "spasmlog labs")
    edits.soft_delete(session, rows, "lab delete", describe_lab, "lab result", now)
    return rows


def restore_labs(session: Session, ids: Sequence[int], now: dt.datetime) -> list[LabResult]:
    rows = edits.get_rows(session, LabResult, ids, "lab result", "spasmlog labs", deleted=True)
    edits.undelete(session, rows, "lab restore", describe_lab, "lab result", now)
    return rows
