"""Undo and redo: a change reverted as a whole, and an undo taken back.

`undo` reverts the newest change not yet undone, whatever it was; `undo_change` reverts a given
one (the web app's Undo button), refusing when a later change touched the same
rows. Each undo is recorded (spasmlog.db.history), so `redo` puts back exactly what it took away,
newest undo first, for as long as no new change was made. A `db restore` cannot be undone: the
diary it replaced is a file of its own, and undo stops there and says how to go back to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spasmlog.core.errors import Conflict, NotFound
from spasmlog.db import Session, history


class RestoreNotUndoable(Conflict):
    """The newest change is a `db restore`: `undo` cannot revert it. `kept` is the file name of
    the diary as it was before (beside the diary), None when there was none."""

    def __init__(self, made_at: dt.datetime, kept: str | None) -> None:
        self.made_at = made_at
        self.kept = kept
        back = (
            f"The diary as it was before is kept beside it as {kept}; to go back to it, restore "
            "that file with `spasmlog db restore`."
            if kept
            else "There was no diary before it."
        )
        super().__init__(
            "The last change was a `db restore`, which undo cannot revert (and changes made "
            f"before it belong to the backup's own history). {back}"
        )


def _restore_marker_kept(change: history.Change) -> str | None:
    """The name of the file a restore kept aside, from its summary (see db.maintenance)."""
    _, found, name = change.summary.partition(history.KEPT_AS)
    return name.strip() or None if found else None


def undo_last(session: Session, now: dt.datetime) -> str:
    """Revert the newest change not yet undone; returns its summary."""
    change = history.last_change(session)
    if change is None:
        raise NotFound("Nothing to undo: the diary has no changes left to revert.")
    return _undo(session, change, now)


def undo_change(session: Session, change_id: int, now: dt.datetime) -> str:
    """Revert one given change (not necessarily the newest); returns its summary. Refused, with
    nothing written, when it is unknown, undone already, or when later changes touched its rows
    (undo those first, newest first)."""
    change = history.change_by_id(session, change_id)
    if change is None or change.action == history.UNDO:
        raise NotFound(f"No change #{change_id} in the diary's history.")
    if change.undone_at is not None:
        raise Conflict(f"Already undone: {change.summary}. Nothing changed.")
    later = history.later_changes_to_the_same_rows(session, change)
    if later:
        names = "; ".join(f"#{c.id} {c.summary}" for c in later[:3])
        more = f" and {len(later) - 3} more" if len(later) > 3 else ""
        raise Conflict(
            f'Cannot undo "{change.summary}" alone: later changes build on it ({names}{more}). '
            "Undo those first, newest first. Nothing changed."
        )
    return _undo(session, change, now)


def _undo(session: Session, change: history.Change, now: dt.datetime) -> str:
    if change.action == history.RESTORE:
        raise RestoreNotUndoable(change.made_at, _restore_marker_kept(change))
    record = history.start_change(session, history.UNDO, f"undid: {change.summary}", now)
    history.remember_for_redo(session, record, change)
    history.revert(session, change, now)
    return change.summary


def history_mark(session: Session) -> tuple[int, str]:
    """Differs after any change or undo: a cached report is stale when it moved."""
    return history.mark(session)


def newest_change_id(session: Session) -> int | None:
    """The change a write just made (called inside that write), for an Undo of exactly it."""
    return history.newest_change_id(session)


@dataclass(frozen=True)
class ChangeLine:
    id: int
    made_at: dt.datetime
    summary: str


def recent_changes(session: Session, limit: int = 5) -> list[ChangeLine]:
    """The newest changes not undone, newest first: what an Undo button may revert."""
    return [
        ChangeLine(change.id, change.made_at, change.summary)
        for change in history.recent_changes(session, limit)
    ]


def redo_last(session: Session, now: dt.datetime) -> str:
    """Put back what the newest undo took away; returns the summary of the change redone."""
    record = history.last_redoable(session)
    if record is None:
        raise NotFound(
            "Nothing to redo: redo puts back what `spasmlog undo` took away, until a new change "
            "is made."
        )
    change = history.undone_by(session, record)
    history.revert(session, record, now)
    return record.summary.removeprefix("undid: ") if change is None else change.summary
