"""The diary side of an import, before anything is written: duplicates and clashes.

`plan` sorts checked rows into new ones, ones already in the diary (by each kind's duplicate
key, live rows only; a row's key is its start time and muscle, its date, its name and start...)
and repeats within the file; with --update it finds which stored rows the file would change; and
it reports what `meds add`, `conditions add` and `checkin --exercise` would refuse (overlapping
periods of one drug, the same current condition twice, a second check-in exercise session on a
day) as bad rows, so that a clash, too, writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from spasmlog import medlist
from spasmlog.clock import calendar_date
from spasmlog.db import context_queries as cq
from spasmlog.db.models import (
    Checkin,
    Condition,
    Episode,
    ExerciseSession,
    LabResult,
    Medication,
    Tracked,
)
from spasmlog.import_read import CheckedKind, Problems
from spasmlog.import_rows import KINDS, norm_name
from spasmlog.parsing import ExerciseSpec

MODELS: dict[str, type[Tracked]] = {
    "episodes": Episode, "checkins": Checkin, "exercise": ExerciseSession,
    "meds": Medication, "conditions": Condition, "labs": LabResult,
}  # fmt: skip
# File column -> (model attribute, row field) pairs that an --update sets from it.
UPDATES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "episodes": {
        "side": (("side", "side"),),
        "duration_s": (("duration_s", "duration_s"),),
        "duration": (("duration_s", "duration_s"),),
        "severity": (("severity", "severity"),),
        "woke": (("woke", "woke"),),
        "fluid_l_24h": (("fluid_ml_24h", "fluid_l_24h"),),
        "relief": (("relief", "relief"),),
        "relief_score": (("relief_score", "relief_score"),),
        "symptoms": (("symptoms", "symptoms"),),
        "medications": (("medications", "medications"),),
        "note": (("note", "note"),),
    },
    "checkins": {
        name: ((name if name != "fluid_l" else "fluid_ml", name),)
        for name in KINDS["checkins"].fields
        if name != "date"
    },
    "exercise": {name: ((name, name),) for name in ("minutes", "intensity", "muscles", "source")},
    "meds": {
        "dose": (("dose", "dose"),),
        "class": (("drug_class", "drug_class"), ("atc", "atc"), ("class_by_hand", "class_by_hand")),
        "stopped_on": (("stopped_on", "stopped_on"),),
    },
    "conditions": {"group": (("group", "group"),), "until": (("until", "until"),)},
    "labs": {
        "unit": (("unit", "unit"), ("value", "value")),
        "value": (("unit", "unit"), ("value", "value")),
        "range": tuple(
            (name, name)
            for name in ("range_low_mmol_l", "range_high_mmol_l", "range_source", "flag")
        ),
    },
}


@dataclass
class Plan:
    checked: CheckedKind
    new: list[int] = field(default_factory=list)  # row positions
    stored: list[tuple[int, int]] = field(default_factory=list)  # (position, id) already there
    repeats: list[int] = field(default_factory=list)  # positions repeating an earlier row
    revive: dict[int, int] = field(default_factory=dict)  # position -> id of a deleted check-in
    changed: list[tuple[int, int]] = field(default_factory=list)  # stored rows --update changes


# --- what is stored ----------------------------------------------------------------------------


def _span(rows: Sequence[tuple[Any, ...]], index: int) -> tuple[Any, Any]:
    values = [row[index] for row in rows]
    return min(values), max(values)


def _stored_keys(session: Session, checked: CheckedKind) -> dict[Hashable, int]:
    """Duplicate key -> id of the live rows the file's rows could repeat."""
    kind, rows = checked.kind.name, checked.rows
    if not rows:
        return {}
    if kind in ("episodes", "exercise"):
        model: Any = Episode if kind == "episodes" else ExerciseSession
        other = model.muscle if kind == "episodes" else model.activity
        low, high = _span(rows, 1)
        raw = type_coerce(model.started_at, String)  # compared as stored: no per-row processing
        query = select(model.id, raw, other).where(
            model.deleted_at.is_(None), raw >= low, raw <= high
        )
        return {(text, name): row_id for row_id, text, name in session.execute(query)}
    if kind == "checkins":
        low, high = _span(rows, 0)
        query = select(Checkin.id, Checkin.date).where(
            Checkin.deleted_at.is_(None), Checkin.date >= low, Checkin.date <= high
        )
        return {day: row_id for row_id, day in session.execute(query)}
    if kind == "meds":
        meds = select(Medication.id, Medication.name, Medication.started_on)
        found = session.execute(meds.where(Medication.deleted_at.is_(None)))
        return {(norm_name(name), start): row_id for row_id, name, start in found}
    if kind == "conditions":
        conds = select(Condition.id, Condition.name, Condition.since)
        found = session.execute(conds.where(Condition.deleted_at.is_(None)))
        return {(norm_name(name), since): row_id for row_id, name, since in found}
    labs = select(LabResult.id, LabResult.test, LabResult.taken_on, LabResult.value_mmol_l)
    return {
        (test, taken, round(value, 6)): row_id
        for row_id, test, taken, value in session.execute(
            labs.where(LabResult.deleted_at.is_(None))
        )
    }


def plan(session: Session, checked: CheckedKind, update: bool, problems: Problems) -> Plan:
    """Sort the rows into new, stored and repeated; add any clash with stored rows to problems."""
    result = Plan(checked)
    stored = _stored_keys(session, checked)
    seen: set[Hashable] = set()
    key = checked.kind.key
    for position, row in enumerate(checked.rows):
        row_key = key(row)
        if row_key in seen:
            result.repeats.append(position)
        elif row_key in stored:
            result.stored.append((position, stored[row_key]))
        else:
            result.new.append(position)
        seen.add(row_key)
    if checked.kind.name == "checkins" and result.new:
        days = [checked.rows[p][0] for p in result.new]
        deleted = select(Checkin.id, Checkin.date).where(
            Checkin.deleted_at.is_not(None), Checkin.date.in_(days)
        )
        by_day = {day: row_id for row_id, day in session.execute(deleted)}
        result.revive = {
            p: by_day[checked.rows[p][0]] for p in result.new if checked.rows[p][0] in by_day
        }
    if update:
        result.changed = [
            (p, row_id)
            for p, row_id in result.stored
            if _differs(session, checked, checked.rows[p], row_id)
        ]
    if checked.kind.name == "meds":
        _medication_clashes(session, result, problems)
    if checked.kind.name == "conditions":
        _condition_clashes(session, result, problems)
    if checked.kind.name == "exercise":
        _checkin_exercise_clashes(session, result, problems)
    return result


def _medication_clashes(session: Session, result: Plan, problems: Problems) -> None:
    """Periods of one drug may meet on a day but not overlap, as `meds add` insists."""
    rows, fields = result.checked.rows, result.checked.kind.fields
    name_at, generic_at = fields.index("name"), fields.index("generic")
    start_at, stop_at = fields.index("started_on"), fields.index("stopped_on")

    def drug(name: str, generic: str | None) -> tuple[str, str]:
        return ("generic", generic) if generic else ("name", norm_name(name))

    replaced = dict((row_id, p) for p, row_id in result.changed)
    periods: list[tuple[tuple[str, str], Medication, int | None]] = [
        (drug(row.name, row.generic), row, None)
        for row in session.scalars(select(Medication).where(Medication.deleted_at.is_(None)))
        if row.id not in replaced
    ]
    for new in [*result.new, *replaced.values()]:
        row = rows[new]
        period = Medication(name=row[name_at], started_on=row[start_at], stopped_on=row[stop_at])
        periods.append((drug(row[name_at], row[generic_at]), period, new))
    for index, (this_drug, this, position) in enumerate(periods):
        for other_drug, other, other_position in periods[:index]:
            at = position if position is not None else other_position
            if this_drug != other_drug or at is None:
                continue
            if medlist._clash(other, this.started_on, this.stopped_on):
                end = other.stopped_on or "now"
                problems.add(
                    result.checked.where(at),
                    [
                        f"{this.name}: overlaps the period of {other.name} from {other.started_on} "
                        f"to {end}; periods of one medication may meet on a day but not overlap."
                    ],
                )


def _condition_clashes(session: Session, result: Plan, problems: Problems) -> None:
    """One current (not ended) condition per name, as `conditions add` insists."""
    rows = result.checked.rows
    current = {
        norm_name(name)
        for name, until in session.execute(
            select(Condition.name, Condition.until).where(Condition.deleted_at.is_(None))
        )
        if until is None
    }
    for position in result.new:
        name, _, since, until = rows[position]
        if until is not None:
            continue
        if norm_name(name) in current:
            problems.add(
                result.checked.where(position),
                [
                    f"name: {name!r} is already a current condition (with another since date); "
                    "end it first with `spasmlog conditions end`, or give this row an until date."
                ],
            )
        current.add(norm_name(name))


def _checkin_exercise_clashes(session: Session, result: Plan, problems: Problems) -> None:
    """One session with source "checkin" a day: the one `checkin --exercise` changes and
    `spasmlog checkins` shows, so a second would be hidden and never replaced."""
    checked = result.checked
    start_at, source_at = checked.kind.index("started_at"), checked.kind.index("source")
    replaced = {row_id: p for p, row_id in result.changed} if "source" in checked.columns else {}
    positions = [
        p for p in [*result.new, *replaced.values()] if checked.rows[p][source_at] == "checkin"
    ]
    if not positions:
        return
    days = [calendar_date(checked.rows[p][start_at]) for p in positions]
    taken = {
        day
        for day, row in cq.checkin_exercise(session, min(days), max(days)).items()
        if row.id not in replaced
    }
    for position, day in zip(positions, days, strict=True):
        if day in taken:
            problems.add(
                checked.where(position),
                [
                    f"source: {day} already has its check-in's exercise session (one a day, "
                    "which `checkin --exercise` changes); give this row source exercise."
                ],
            )
        taken.add(day)


def _differs(session: Session, checked: CheckedKind, row: tuple[Any, ...], row_id: int) -> bool:
    """Would --update change this stored row?"""
    stored = session.get(MODELS[checked.kind.name], row_id)
    assert stored is not None
    values = update_values(checked, row)
    if any(getattr(stored, name) != value for name, value in values.items()):
        return True
    if checked.kind.name != "episodes" or "exercise" not in checked.columns:
        return False
    spec: ExerciseSpec | None = row[checked.kind.index("exercise")]
    linked = session.get(ExerciseSession, stored.exercise_session_id or -1)  # type: ignore[attr-defined]
    if spec is None or linked is None:
        return (spec is None) != (linked is None)
    began = row[checked.kind.index("started_at")] - dt.timedelta(minutes=spec.minutes)
    return (linked.started_at, linked.activity, linked.minutes, linked.intensity) != (
        began,
        spec.activity,
        spec.minutes,
        spec.intensity,
    )


def update_values(checked: CheckedKind, row: tuple[Any, ...]) -> dict[str, Any]:
    """The model values an --update sets from a file row: only for the file's columns."""
    fields = checked.kind.fields
    values: dict[str, Any] = {}
    for column in checked.columns:
        for attr, name in UPDATES[checked.kind.name].get(column, ()):
            value = row[fields.index(name)]
            values[attr] = list(value) if isinstance(value, tuple) else value
    return values
