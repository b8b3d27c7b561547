"""The diary side of an import, before anything is written: duplicates, updates and clashes.

`plan` sorts the checked rows of one kind. Two rows are duplicates only when every field the
file's columns give is equal (lists as lists, names as typed but for case and spacing): a row
equal to an earlier row of the file repeats it, one equal to a live stored row is already in the
diary, and both are skipped. Rows that `export` wrote with their IDs are equal only with the
same ID as well: two cramps logged alike are two records, and each stored one answers one file
row, so a diary's export goes back whole and importing it twice adds nothing. Every other row is new, with two exceptions:

- with --update, a row whose identity (an episode's start, muscle and side; a check-in's date;
  ... see each kind in spasmlog.interchange.importing.kinds) matches one live stored row overwrites it. A stored
  row another file row equals exactly is not matched again, and a row matching several stored
  rows, or one that another file row overwrites already, is a bad row: nobody can tell which.
- a day has one check-in: two file rows for a date that differ, or (without --update) a row for
  a date whose stored check-in differs, are bad rows.

It also reports what `meds add`, `conditions add` and `checkin --exercise` would refuse
(overlapping periods of one drug, the same current condition twice, a second check-in exercise
session on a day) as bad rows, so that a clash, too, writes nothing.

Stored rows are read in one query over the file's span, as plain values laid out like file rows
(no ORM object per row), so that one key function compares both.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from spasmlog.core.clock import calendar_date
from spasmlog.core.parsing import ExerciseSpec
from spasmlog.db import Session, queries
from spasmlog.db.models import (
    Checkin,
    Condition,
    Episode,
    ExerciseSession,
    LabResult,
    Medication,
    Tracked,
)
from spasmlog.db.queries import imports
from spasmlog.diary import medications
from spasmlog.interchange.importing.kinds import KINDS, Kind, norm_name
from spasmlog.interchange.importing.read import CheckedKind, Problems

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
    changed: list[tuple[int, int]] = field(default_factory=list)  # (position, id) --update sets
    alike: list[int] = field(default_factory=list)  # new rows --update would overwrite with


# --- what is stored ----------------------------------------------------------------------------

Values = tuple[Any, ...]
Stored = tuple[int, Values]  # an id, and the row's values laid out like a file row's


def _span(rows: Sequence[Values], index: int) -> tuple[Any, Any]:
    values = [row[index] for row in rows]
    return min(values), max(values)


def _lists() -> Callable[[str | None], tuple[str, ...]]:
    """A stored JSON list's text -> tuple, each distinct text decoded once."""
    decoded: dict[str | None, tuple[str, ...]] = {}

    def decode(text: str | None) -> tuple[str, ...]:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = tuple(json.loads(text)) if text else ()
        return found

    return decode


def _stored_episodes(session: Session, kind: Kind, rows: Sequence[Values]) -> Iterator[Stored]:
    low, high = _span(rows, kind.index("started_utc"))
    listed = _lists()
    for (row_id, utc, muscle, side, seconds, severity, woke, fluid, activity, minutes, intensity,
         relief, score, symptoms, meds, note) in imports.episodes_started_between(
             session, low, high
         ):  # fmt: skip
        spec = None if activity is None else ExerciseSpec(activity, minutes, intensity)
        yield (
            row_id,
            (
                None,
                utc,
                None,
                muscle,
                side,
                seconds,
                severity,
                woke,
                fluid,
                spec,
                listed(relief),
                score,
                listed(symptoms),
                listed(meds),
                note,
            ),
        )  # fmt: skip  (in the order of kinds.EPISODE_FIELDS)


def _stored_exercise(session: Session, kind: Kind, rows: Sequence[Values]) -> Iterator[Stored]:
    low, high = _span(rows, kind.index("started_utc"))
    listed = _lists()
    stored = imports.sessions_started_between(session, low, high)
    for row_id, utc, activity, minutes, intensity, muscles, source in stored:
        yield row_id, (None, utc, None, activity, minutes, intensity, listed(muscles), source)


# Model attribute for each row field of the small kinds, where the names differ.
_ATTRIBUTES = {"checkins": {"fluid_l": "fluid_ml"}}


def _stored_small(session: Session, kind: Kind, rows: Sequence[Values]) -> Iterator[Stored]:
    """Check-ins of the rows' dates; every live medication period, condition and lab."""
    model = MODELS[kind.name]
    names = _ATTRIBUTES.get(kind.name, {})
    columns = [names.get(name, name) for name in kind.fields]
    days = _span(rows, kind.index("date")) if kind.name == "checkins" else None
    for row_id, *values in imports.live_rows(session, model, columns, days):
        yield row_id, tuple(tuple(v) if isinstance(v, list) else v for v in values)


def _stored(session: Session, kind: Kind, rows: Sequence[Values]) -> Iterator[Stored]:
    """The live stored rows that (not empty) file rows could repeat or update."""
    if kind.name == "episodes":
        return _stored_episodes(session, kind, rows)
    if kind.name == "exercise":
        return _stored_exercise(session, kind, rows)
    return _stored_small(session, kind, rows)


# --- sorting the file's rows -------------------------------------------------------------------

_UPDATE_HINT = " To overwrite the one stored with this row's name and start date, add --update."


def plan(session: Session, checked: CheckedKind, update: bool, problems: Problems) -> Plan:
    """Sort the rows into new, stored, repeated and changed; add any clash to problems."""
    result = Plan(checked)
    kind, rows = checked.kind, checked.rows
    if not rows:
        return result
    same, identity = kind.same_key(checked.columns), kind.identity_key(checked.columns)
    one_a_day = kind.name == "checkins"
    ids = checked.ids
    seen: dict[Hashable, int] = {}  # each distinct row (and its exported ID) -> where it first is
    alike: dict[Hashable, list[int]] = {}  # each distinct row -> the positions not repeats
    days: dict[Hashable, int] = {}
    for position, row in enumerate(rows):
        value = same(row)
        key = (value, ids[position]) if ids else value
        if key in seen:
            result.repeats.append(position)
        elif not one_a_day or _first_of_its_day(checked, position, days, identity(row), problems):
            seen[key] = position
            alike.setdefault(value, []).append(position)
    equal: dict[int, int] = {}  # position -> the stored row it equals, one to one
    for row_id, values in _stored(session, kind, rows):
        waiting = alike.get(same(values))
        if waiting:
            equal[waiting.pop(0)] = row_id
    result.stored = sorted(equal.items())
    pending = [p for p in seen.values() if p not in equal]  # in file order, as seen
    like_stored: dict[Hashable, list[int]] = {}  # identity -> stored rows, in the pending span
    if pending:
        for row_id, values in _stored(session, kind, [rows[p] for p in pending]):
            like_stored.setdefault(identity(values), []).append(row_id)
    matched = {row_id for _, row_id in result.stored}
    overwritten: dict[int, int] = {}  # stored id -> the position --update overwrites it with
    for position in pending:
        matches = [i for i in like_stored.get(identity(rows[position]), ()) if i not in matched]
        if not matches:
            result.new.append(position)
        elif update:
            _overwrite(session, result, position, matches, overwritten, problems)
        elif one_a_day:
            problems.add(
                checked.where(position),
                [
                    f"date: {rows[position][0]} already has a check-in (#{matches[0]}) with other "
                    "values, and a day has one. Add --update to overwrite it with this row, or "
                    "remove the row."
                ],
            )
        else:
            result.new.append(position)
            result.alike.append(position)
    if one_a_day and result.new:
        _revive_deleted_checkins(session, result)
    if kind.name == "meds":
        _medication_clashes(session, result, problems)
    if kind.name == "conditions":
        _condition_clashes(session, result, problems)
    if kind.name == "exercise":
        _checkin_exercise_clashes(session, result, problems)
    return result


def _first_of_its_day(
    checked: CheckedKind,
    position: int,
    days: dict[Hashable, int],
    day: Hashable,
    problems: Problems,
) -> bool:
    """A day has one check-in: a second, different row for a date is a bad row."""
    first = days.setdefault(day, position)
    if first == position:
        return True
    problems.add(
        checked.where(position),
        [
            f"date: {checked.rows[position][0]} is also on {checked.where(first)}, with other "
            "values; a day has one check-in. Keep one of the two rows."
        ],
    )
    return False


def _overwrite(
    session: Session,
    result: Plan,
    position: int,
    matches: list[int],
    overwritten: dict[int, int],
    problems: Problems,
) -> None:
    """--update: the row overwrites the one stored row its identity matches, if it is one."""
    checked = result.checked
    kind = checked.kind
    if len(matches) > 1:
        listed = ", ".join(f"#{i}" for i in matches[:-1]) + f" and #{matches[-1]}"
        problems.add(
            checked.where(position),
            [
                f"matches {kind.nouns} {listed} (the same {kind.identity_words}); cannot tell "
                f"which to update. Remove the row, or import without --update to add it as "
                f"another {kind.noun}."
            ],
        )
        return
    [row_id] = matches
    if row_id in overwritten:
        problems.add(
            checked.where(position),
            [
                f"would update {kind.noun} #{row_id}, as {checked.where(overwritten[row_id])} "
                "does; cannot tell which to keep. Remove one of the two rows."
            ],
        )
        return
    overwritten[row_id] = position
    if _differs(session, checked, checked.rows[position], row_id):
        result.changed.append((position, row_id))
    else:
        result.stored.append((position, row_id))


def _revive_deleted_checkins(session: Session, result: Plan) -> None:
    """A new check-in for the date of a deleted one takes its row (the date is unique)."""
    rows = result.checked.rows
    days = [rows[p][0] for p in result.new]
    by_day = imports.deleted_checkins_on(session, days)
    result.revive = {p: by_day[rows[p][0]] for p in result.new if rows[p][0] in by_day}


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
        for row in queries.live_medications(session)
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
            if medications.overlap(other, this.started_on, this.stopped_on):
                end = other.stopped_on or "now"
                hint = _UPDATE_HINT if at in result.alike else ""
                problems.add(
                    result.checked.where(at),
                    [
                        f"{this.name}: overlaps the period of {other.name} from {other.started_on} "
                        f"to {end}; periods of one medication may meet on a day but not overlap."
                        + hint
                    ],
                )


def _condition_clashes(session: Session, result: Plan, problems: Problems) -> None:
    """One current (not ended) condition per name, as `conditions add` insists."""
    rows = result.checked.rows
    replaced = {row_id: p for p, row_id in result.changed}
    current = {
        norm_name(name)
        for row_id, name, until in (
            (row.id, row.name, row.until) for row in queries.list_conditions(session)
        )
        if until is None and row_id not in replaced
    }
    for position in [*result.new, *replaced.values()]:
        name, _, since, until = rows[position]
        if until is not None:
            continue
        if norm_name(name) in current:
            problems.add(
                result.checked.where(position),
                [
                    f"name: {name!r} is already a current condition; end it first with "
                    "`spasmlog conditions end`, or give this row an until date."
                    + (_UPDATE_HINT if position in result.alike else "")
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
        for day, row in queries.checkin_exercise(session, min(days), max(days)).items()
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
