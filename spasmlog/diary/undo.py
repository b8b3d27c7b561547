"""Undo: the newest change not yet undone, whatever it was, reverted as a whole; or one change
named by its id (the web app's Undo button), refused when later changes built on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spasmlog.core.errors import Conflict, NotFound
from spasmlog.db import Session, history


def undo_last(session: Session, now: dt.datetime) -> str:
    """Revert the newest change not yet undone; returns its summary."""
    change = history.last_change(session)
    if change is None:
        raise NotFound("Nothing to undo: the diary has no changes left to revert.")
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


def undo_change(session: Session, change_id: int, now: dt.datetime) -> str:
    """Revert the change `change_id` and only it; returns its summary. Refused, with nothing
    written, when it is unknown, already undone, or when later changes touched its rows."""
    change = history.change_by_id(session, change_id)
    if change is None:
        raise NotFound(f"No change #{change_id} in the diary's history.")
    if change.undone_at is not None:
        raise Conflict(f"Already undone: {change.summary}. Nothing changed.")
    later = history.dependents(session, change)
    if later:
        names = "; ".join(f"#{c.id} {c.summary}" for c in later[:3])
        more = f" and {len(later) - 3} more" if len(later) > 3 else ""
        raise Conflict(
            f'Cannot undo "{change.summary}" alone: later changes build on it ({names}{more}). '
            "Undo those first, newest first. Nothing changed."
        )
    history.revert(session, change, now)
    return change.summary
