"""When observation began: the day from which every week counts, an episode-free one as 0.

It is the earliest episode or check-in the person recorded, or an earlier start they set by hand
(`spasmlog observe --since`), e.g. because they began the diary some days before the first cramp.
Medications, conditions and labs reach back years before any diary, so they never move it. A start
set by hand is a diary setting, changed and undone like any other entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spasmlog.core.errors import InvalidInput, NotFound
from spasmlog.db import Session, history, queries
from spasmlog.db.models import DiarySetting


@dataclass(frozen=True)
class Observation:
    start: dt.date | None  # None: nothing recorded yet
    first_episode: dt.date | None  # the analysis day of the earliest episode
    first_checkin: dt.date | None
    set_by_hand: dt.date | None


def observation(session: Session) -> Observation:
    first_episode, first_checkin = queries.first_records(session)
    hand = queries.setting(session, queries.OBSERVED_SINCE)
    return Observation(
        start=queries.observed_from(session),
        first_episode=first_episode,
        first_checkin=first_checkin,
        set_by_hand=dt.date.fromisoformat(hand) if hand else None,
    )


def set_start(session: Session, day: dt.date, now: dt.datetime) -> Observation:
    """Observation began on `day`: on or before the first record (it cannot hide one)."""
    current = observation(session)
    first = min(
        (d for d in (current.first_episode, current.first_checkin) if d is not None), default=None
    )
    if first is not None and day > first:
        raise InvalidInput(
            "--since",
            day.isoformat(),
            f"Your diary already has an entry on {first}; observation began then at the latest.",
        )
    _write(session, day.isoformat(), f"set the start of observation to {day}", now)
    return observation(session)


def clear_start(session: Session, now: dt.datetime) -> Observation:
    """Forget a start set by hand: observation begins with the first record again."""
    if queries.setting(session, queries.OBSERVED_SINCE) is None:
        raise NotFound("No start of observation was set by hand; nothing to clear.")
    _write(session, None, "cleared the start of observation set by hand", now)
    return observation(session)


def _write(session: Session, value: str | None, summary: str, now: dt.datetime) -> None:
    change = history.start_change(session, "observe", summary, now)
    row = queries.setting_row(session, queries.OBSERVED_SINCE)
    if row is None:
        row = DiarySetting(key=queries.OBSERVED_SINCE, value=value, created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        history.remember_created(session, change, row)
        return
    history.remember_before(session, change, row)
    row.value, row.deleted_at, row.updated_at = value, None, now
    session.flush()
