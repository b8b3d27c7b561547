"""What every kind of record shares when it is corrected: the fields that changed (what `edit`
says), the lists given as additions and removals, soft deletes and restores as one change each,
each of them for one ID or many (`delete 2 3 4`, `delete 2-4`: spasmlog.core.parsing.parse_ids)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from spasmlog.core.errors import NotFound
from spasmlog.db import Session, history
from spasmlog.db.models import Tracked

T = TypeVar("T", bound=Tracked)
MAX_ROW_ID = 2**63 - 1  # the largest integer SQLite stores


@dataclass(frozen=True)
class FieldChange:
    field: str  # the name of the field as the use case knows it
    before: object  # None when it was not set
    after: object


@dataclass(frozen=True)
class ListEdit:
    """Items to put into a stored list and items to take out of it (`--symptom fever`,
    `--symptom -fever`); `clear` empties it first (`--symptom none`)."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    clear: bool = False

    def applied(self, current: Sequence[str]) -> list[str]:
        kept = [] if self.clear else [item for item in current if item not in self.remove]
        return kept + [item for item in self.add if item not in kept]


def changes_of(row: object, updates: dict[str, Any]) -> list[FieldChange]:
    """The fields of `updates` whose value differs from the row's, in the order given."""
    return [
        FieldChange(name, getattr(row, name), value)
        for name, value in updates.items()
        if getattr(row, name) != value
    ]


def write(
    session: Session,
    change: history.Change,
    row: Tracked,
    updates: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Set the fields of `row` in `change`, its state before remembered for `undo`."""
    history.remember_before(session, change, row)
    for name, value in updates.items():
        setattr(row, name, value)
    row.updated_at = now


def soft_delete(
    session: Session,
    rows: Sequence[T],
    action: str,
    describe: Callable[[T], str],
    noun: str,
    now: dt.datetime,
    also: Callable[[history.Change, T], None] | None = None,
) -> history.Change:
    """Mark `rows` deleted as one change (so one `undo` brings them all back); `also` does
    what follows from each (detach an episode's exercise...) in the same change."""
    named = "; ".join(describe(row) for row in rows)
    plural = noun if len(rows) == 1 else f"{noun}s"
    change = history.start_change(session, action, f"deleted {plural} {named}", now)
    for row in rows:
        history.remember_before(session, change, row)
        row.deleted_at = row.updated_at = now
        if also is not None:
            also(change, row)
    session.flush()
    return change


def undelete(
    session: Session,
    rows: Sequence[T],
    action: str,
    describe: Callable[[T], str],
    noun: str,
    now: dt.datetime,
) -> history.Change:
    """Bring soft-deleted `rows` back as one change."""
    named = "; ".join(describe(row) for row in rows)
    plural = noun if len(rows) == 1 else f"{noun}s"
    change = history.start_change(session, action, f"restored {plural} {named}", now)
    for row in rows:
        history.remember_before(session, change, row)
        row.deleted_at = None
        row.updated_at = now
    session.flush()
    return change


def get_rows(
    session: Session,
    model: type[T],
    ids: Sequence[int],
    noun: str,
    command: str,
    deleted: bool = False,
) -> list[T]:
    """The rows named, all of them live (or with `deleted`, all deleted), or a NotFound that
    names the first one that is not. `command` is the noun's command ("spasmlog meds"; for
    episodes "spasmlog"), for the hints."""
    rows = []
    for row_id in ids:
        row = session.get(model, row_id) if 0 < row_id <= MAX_ROW_ID else None
        if row is None or (row.deleted_at is not None) != deleted:
            if row is not None and deleted:
                raise NotFound(f"{noun.capitalize()} {row_id} is not deleted; nothing to restore.")
            hint = f" It is deleted; `{command} restore ID` brings it back." if row else ""
            raise NotFound(f"No {noun} with ID {row_id}.{hint} See `{command} list`.")
        rows.append(row)
    return rows
