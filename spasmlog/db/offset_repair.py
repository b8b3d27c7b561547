"""Repairing the UTC offsets that spasmlog before schema 0003 stored wrongly.

Those versions gave a typed time without an offset (`--at "2026-07-15 23:30"`, a CSV time without
one, a check-in's exercise at noon) the offset of the day it was *typed*, not of its own date: in
Berlin in December a July evening got +01:00 instead of +02:00. Its wall-clock time is what the
person typed; its instant is an hour off. Such a row is recognised by its offset: it differs from
the zone's rule at the row's instant but equals the rule when the row was written (`created_at`).
A time typed with an explicit offset (a trip abroad) does not match that pattern and is left
alone. The repair keeps the wall-clock time and gives it the offset its own date had, as one
change that `spasmlog undo` reverts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from spasmlog.core.clock import local_offset_min
from spasmlog.db import history
from spasmlog.db.models import Episode, ExerciseSession

_BATCH = 5_000
_QUARTER = 15 * 60  # clocks change on a quarter hour at most: offsets are cached per quarter


def _offset_at(instant: dt.datetime, zone: dt.tzinfo, cache: dict[int, int]) -> int:
    """The zone's offset (minutes) at a UTC instant."""
    key = int(instant.timestamp()) // _QUARTER
    if key not in cache:
        cache[key] = local_offset_min(instant.astimezone(zone))
    return cache[key]


def _misplaced(
    session: Session, model: type[Episode] | type[ExerciseSession], zone: dt.tzinfo
) -> Iterator[tuple[int, dict[str, object], dt.datetime, int]]:
    """Each row stored wrongly: its id, its values before, and its repaired start and offset."""
    rules: dict[int, int] = {}
    query = select(
        model.id, model.started_at, model.utc_offset_min, model.updated_at, model.created_at
    )
    for batch in session.execute(query.execution_options(yield_per=_BATCH)).partitions():
        for row_id, started, offset, updated, created in batch:
            if offset == _offset_at(started, zone, rules):
                continue
            if offset != _offset_at(created, zone, rules):
                continue  # typed with an offset of its own: not this bug
            wall = (started + dt.timedelta(minutes=offset)).replace(tzinfo=None)
            repaired = wall.replace(tzinfo=zone)
            before = {"started_at": started, "utc_offset_min": offset, "updated_at": updated}
            yield row_id, before, repaired.astimezone(dt.UTC), local_offset_min(repaired)


def repair_offsets(session: Session, zone: dt.tzinfo, now: dt.datetime) -> int:
    """Repair every misplaced episode and exercise session in one change; returns how many."""
    change = None
    repaired = 0
    for model in (Episode, ExerciseSession):
        rows = list(_misplaced(session, model, zone))
        if not rows:
            continue
        if change is None:
            change = history.start_change(session, "repair", "repaired time zone offsets", now)
        for first in range(0, len(rows), _BATCH):
            chunk = rows[first : first + _BATCH]
            history.remember_values_before(
                session,
                change,
                model.__tablename__,
                [(row_id, before) for row_id, before, _, _ in chunk],
            )
            session.execute(
                update(model),
                [
                    {"id": row_id, "started_at": start, "utc_offset_min": off, "updated_at": now}
                    for row_id, _, start, off in chunk
                ],
            )
        repaired += len(rows)
    if change is not None:
        noun = "entry" if repaired == 1 else "entries"
        change.summary = f"repaired the time zone offset of {repaired} {noun}"
    return repaired
