"""Known conditions, each filed under one of the article's groups (thyroid, kidney, nerve
damage...) or "other"; a near miss of a known name is refused with a did-you-mean."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from spasmlog.core.errors import Conflict, InvalidInput, NotFound
from spasmlog.db import Session, history, queries
from spasmlog.db.models import Condition
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
