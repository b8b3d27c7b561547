"""Undo: the newest change not yet undone, whatever it was, reverted as a whole."""

from __future__ import annotations

import datetime as dt

from spasmlog.core.errors import NotFound
from spasmlog.db import Session, history


def undo_last(session: Session, now: dt.datetime) -> str:
    """Revert the newest change not yet undone; returns its summary."""
    change = history.last_change(session)
    if change is None:
        raise NotFound("Nothing to undo: the diary has no changes left to revert.")
    history.revert(session, change, now)
    return change.summary
