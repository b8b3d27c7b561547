"""Undo and redo: a change reverted as a whole, and an undo taken back.

`undo` reverts the newest change not yet undone, whatever it was; `undo_change` reverts a given
one (as a front end listing the history may offer), refusing when a later change touched the same
rows. Each undo is recorded (spasmlog.db.history), so `redo` puts back exactly what it took away,
newest undo first, for as long as no new change was made. A `db restore` cannot be undone: the
diary it replaced is a file of its own, and undo stops there and says how to go back to it.
"""

from __future__ import annotations

import datetime as dt

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
    """Revert one given change (not necessarily the newest); returns its summary. Refused when
    it was undone already, or when a later change touched the same rows (undo that one first)."""
    change = history.get_change(session, change_id)
    if change is None or change.action == history.UNDO:
        raise NotFound(f"No change #{change_id} to undo.")
    if change.undone_at is not None:
        raise Conflict(f"Change #{change_id} ({change.summary}) is undone already.")
    later = history.later_changes_to_the_same_rows(session, change)
    if later:
        raise Conflict(
            f"Change #{change_id} ({change.summary}) cannot be undone alone: a later change "
            f"(#{later[-1].id}, {later[-1].summary}) touched the same entries; undo that first."
        )
    return _undo(session, change, now)


def _undo(session: Session, change: history.Change, now: dt.datetime) -> str:
    if change.action == history.RESTORE:
        raise RestoreNotUndoable(change.made_at, _restore_marker_kept(change))
    record = history.start_change(session, history.UNDO, f"undid: {change.summary}", now)
    history.remember_for_redo(session, record, change)
    history.revert(session, change, now)
    return change.summary


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
