"""Known conditions, each filed under one of the article's groups (thyroid, kidney, nerve
damage...) or "other"; a near miss of a known name is refused with a did-you-mean."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from spasmlog.core.errors import Conflict, InvalidInput, NotFound
from spasmlog.db import Session, history, queries
from spasmlog.db.models import Condition
from spasmlog.diary import edits
from spasmlog.diary.edits import FieldChange
from spasmlog.knowledge import conditions


@dataclass(frozen=True)
class ConditionInput:
    name: str
    since: dt.date | None = None
    group: str | None = None  # given by hand; None: from the name


def describe_condition(row: Condition) -> str:
    return f"#{row.id} {row.name}"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _group_for(name: str, given: str | None, option: str = "NAME") -> str:
    """The group a name is filed under (or the one given), refusing a near miss of a known name
    with a did-you-mean, as a typo would hide a thyroid disorder under "other"."""
    group = given or conditions.group_for(name)
    if given is None and group == "other":
        hint = conditions.suggest(name)
        if hint is not None:
            raise InvalidInput(
                option,
                name,
                "",
                message=f"Unknown condition {name!r}. Did you mean {hint!r}? "
                "Use --group other to keep it as typed.",
            )
    return group


def add_condition(session: Session, entry: ConditionInput, now: dt.datetime) -> Condition:
    group = _group_for(entry.name, entry.group)
    for row in queries.list_conditions(session):
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
        return queries.get_condition(session, int(ref))
    rows = queries.list_conditions(session)
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
    return list(queries.list_conditions(session))


# --- corrections -------------------------------------------------------------------------------

CONDITION_FIELDS = ("name", "group", "since", "until")


@dataclass(frozen=True)
class ConditionEdited:
    condition: Condition
    changes: list[FieldChange]  # empty: it said that already, and nothing was written


def edit_condition(
    session: Session, condition_id: int, updates: dict[str, object], now: dt.datetime
) -> ConditionEdited:
    """Correct a condition: its name (filed again unless a group is given), group, since or
    until (None: not known, or still present)."""
    unknown = set(updates) - set(CONDITION_FIELDS)
    if unknown or not updates:
        raise InvalidInput(
            "edit",
            ", ".join(sorted(unknown)) or "(nothing)",
            "Give a field to change, e.g. --since 2024-05.",
        )
    [row] = edits.get_rows(session, Condition, [condition_id], "condition", "spasmlog conditions")
    values = dict(updates)
    if "name" in values and "group" not in values:
        values["group"] = _group_for(str(values["name"]), None)
    changes = edits.changes_of(row, values)
    if not changes:
        return ConditionEdited(row, [])
    since = values.get("since", row.since)
    until = values.get("until", row.until)
    if since is not None and until is not None and until < since:  # type: ignore[operator]
        raise InvalidInput(
            "--until", str(until), f"It must be on or after the day it began, {since}."
        )
    name = str(values.get("name", row.name))
    for other in queries.list_conditions(session):
        if (
            other.id != row.id
            and until is None
            and other.until is None
            and _norm(other.name) == _norm(name)
        ):
            raise Conflict(f"{describe_condition(other)} is already on your list.")
    change = history.start_change(
        session, "condition edit", f"edited condition {describe_condition(row)}", now
    )
    edits.write(session, change, row, values, now)
    session.flush()
    return ConditionEdited(row, changes)


def delete_conditions(session: Session, ids: Sequence[int], now: dt.datetime) -> list[Condition]:
    rows = edits.get_rows(session, Condition, ids, "condition", "spasmlog conditions")
    edits.soft_delete(session, rows, "condition delete", describe_condition, "condition", now)
    return rows


def restore_conditions(session: Session, ids: Sequence[int], now: dt.datetime) -> list[Condition]:
    rows = edits.get_rows(session, Condition, ids, "condition", "spasmlog conditions", deleted=True)
    edits.undelete(session, rows, "condition restore", describe_condition, "condition", now)
    return rows
