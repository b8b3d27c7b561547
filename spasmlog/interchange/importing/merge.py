"""Bringing a Harvest into the diary: fill blanks, update what the same source wrote, keep what
the person typed, and record where every value came from.

Each check-in value and each whole row (exercise session, episode, medication period) of the
harvest is sorted into one outcome:

- filled: the diary had nothing there (a blank field, no such row): the value is written;
- updated: the value there is one this source wrote, unchanged since, from an export no newer
  than this one (so a day exported mid-day completes on the next export); or --update says to
  overwrite whatever is there;
- kept: the value there was typed by the person, written by another source, changed since the
  import, or comes from a newer export; or the row was deleted by the person: it stays;
- same: the diary has this value already.

Provenance (spasmlog.db.models.Provenance) holds, for every value written, its source, the
export's date and the value the source wrote: a value in the diary that no longer equals it was
changed by hand. Tags are merged, never replaced: the source's own tags of a day are swapped for
its new ones, and tags typed by the person stay. All is checked before anything is written, then
written in one transaction recorded as one change (`spasmlog undo` reverts it, provenance too),
after a backup; a harvest the diary holds already writes nothing, not even a backup.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spasmlog.db import Session, history
from spasmlog.db.backup import automatic_backup
from spasmlog.db.models import Checkin, Episode, ExerciseSession, Medication, Provenance, Tracked
from spasmlog.db.queries import provenance as stored
from spasmlog.db.store import Store
from spasmlog.diary import medications
from spasmlog.interchange.importing.harvest import (
    DAY_FIELDS,
    EpisodeRow,
    Harvest,
    PeriodRow,
    SessionRow,
)
from spasmlog.knowledge import drugs

OUTCOMES = ("filled", "updated", "kept", "same")
WholeRow = SessionRow | EpisodeRow | PeriodRow
KINDS: dict[str, type[Tracked]] = {
    "exercise sessions": ExerciseSession,
    "episodes": Episode,
    "medication periods": Medication,
}


@dataclass(frozen=True)
class Tally:
    """How many values of one field (days) or rows of one kind had each outcome."""

    what: str
    counts: tuple[tuple[str, int], ...]  # (outcome, count), in OUTCOMES order, zeros left out

    def count(self, outcome: str) -> int:
        return dict(self.counts).get(outcome, 0)


@dataclass(frozen=True)
class MergeResult:
    source: str
    label: str
    file: str
    exported_at: dt.datetime | None
    days: tuple[Tally, ...]  # per check-in field: days filled, updated, kept, same
    rows: tuple[Tally, ...]  # per kind of whole row
    tag_columns: tuple[tuple[str, str], ...]  # source column -> tag
    notes: tuple[str, ...]
    dry_run: bool
    update: bool
    backup: Path | None
    episodes_refreshed: int = 0

    @property
    def written(self) -> int:
        return sum(t.count("filled") + t.count("updated") for t in (*self.days, *self.rows))


@dataclass
class _Plan:
    """What to write: check-in values by date, rows by kind, each with its outcome."""

    days: dict[str, Counter[str]] = field(default_factory=dict)
    rows: dict[str, Counter[str]] = field(default_factory=dict)
    checkins: dict[dt.date, dict[str, Any]] = field(default_factory=dict)  # date -> writes
    whole: list[tuple[str, WholeRow, Provenance | None]] = field(default_factory=list)

    def day(self, name: str, outcome: str) -> None:
        self.days.setdefault(name, Counter())[outcome] += 1

    def row(self, kind: str, outcome: str) -> None:
        self.rows.setdefault(kind, Counter())[outcome] += 1


def _newer_or_same(harvest: Harvest, before: Provenance) -> bool:
    if harvest.exported_at is None or before.exported_at is None:
        return True
    return harvest.exported_at >= before.exported_at


def _owned(harvest: Harvest, before: Provenance | None, current: Any) -> bool:
    """Is `current` the value this source wrote, untouched, from an export no newer than this?"""
    return (
        before is not None
        and before.source == harvest.source
        and before.value == current
        and _newer_or_same(harvest, before)
    )


def _merged_tags(current: list[str], before: Provenance | None, source: str, new: list[str]):
    """The day's tags after the import: the source's old tags swapped for its new ones."""
    old = before.value if before is not None and before.source == source else []
    dropped = [tag for tag in old if tag not in new]
    return [tag for tag in current if tag not in dropped] + [t for t in new if t not in current]


def _plan_days(session: Session, harvest: Harvest, update: bool, plan: _Plan) -> None:
    if not harvest.days:
        return
    rows = stored.checkins_between(session, min(harvest.days), max(harvest.days))
    live = [row.id for row in rows.values() if row.deleted_at is None]
    wrote: dict[tuple[int, str], Provenance] = {
        (p.row_id, p.field): p for p in stored.provenance_of(session, Checkin.__tablename__, live)
    }
    for day in sorted(harvest.days):
        row = rows.get(day)
        row = row if row is not None and row.deleted_at is None else None
        writes: dict[str, Any] = {}
        for name in DAY_FIELDS:
            if name not in harvest.days[day]:
                continue
            value = harvest.days[day][name]
            current = getattr(row, name) if row is not None else None
            before = wrote.get((row.id, name)) if row is not None else None
            if name == "tags":
                merged = _merged_tags(current or [], before, harvest.source, list(value))
                outcome = "same" if merged == (current or []) else "filled"
                if outcome == "filled" and before is not None and before.value != list(value):
                    outcome = "updated"
                if outcome != "same":
                    writes[name] = (merged, list(value))
            elif current is None:
                outcome = "filled"
            elif current == value:
                outcome = "same"
            elif update or _owned(harvest, before, current):
                outcome = "updated"
            else:
                outcome = "kept"
            if outcome in ("filled", "updated") and name != "tags":
                writes[name] = (value, value)
            plan.day(name, outcome)
        if writes:
            plan.checkins[day] = writes


def _current(kind: str, row: Any) -> dict[str, Any]:
    """A stored row in the shape of its harvest row's value(), to compare them."""
    if kind == "exercise sessions":
        return {
            "started_at": row.started_at.isoformat(),
            "activity": row.activity,
            "minutes": row.minutes,
            "intensity": row.intensity,
        }
    if kind == "episodes":
        return {
            "started_at": row.started_at.isoformat(),
            "time_known": row.time_known is not False,
            "muscle": row.muscle,
            "side": row.side,
            "severity": row.severity,
            "severity_scale": row.severity_scale,
            "note": row.note,
            "symptoms": list(row.symptoms),
        }
    return {
        "name": row.name,
        "dose": row.dose,
        "started_on": row.started_on.isoformat(),
        "stopped_on": None if row.stopped_on is None else row.stopped_on.isoformat(),
    }


def _met_elsewhere(session: Session, kind: str, rows: list[Any], known: set[int]) -> set[str]:
    """Keys of new rows that meet a row the diary has from elsewhere (typed, or another source):
    a session overlapping it in time, an episode at the same start on the same muscle and side,
    a period of the same drug overlapping it. Those are kept, never added twice."""
    met: set[str] = set()
    if not rows:
        return met
    if kind == "exercise sessions":
        low = min(r.started_at for r in rows) - dt.timedelta(days=1)
        high = max(r.started_at for r in rows) + dt.timedelta(days=1)
        others = [s for s in stored.sessions_between(session, low, high) if s.id not in known]
        for r in rows:
            end = r.started_at + dt.timedelta(minutes=r.minutes or 1)
            for other in others:
                other_end = other.started_at + dt.timedelta(minutes=other.minutes or 1)
                if other.started_at < end and r.started_at < other_end:
                    met.add(r.key)
    elif kind == "episodes":
        at = {
            (e.started_at, e.muscle, e.side)
            for e in stored.episodes_at(session, [r.started_at for r in rows])
            if e.id not in known
        }
        met = {r.key for r in rows if (r.started_at, r.muscle, r.side) in at}
    else:
        for r in rows:
            generic = drugs.classify(r.name).generic
            for period in medications.list_medications(session, include_stopped=True):
                same = (generic and period.generic == generic) or period.name == r.name
                if period.id not in known and same:
                    if medications.overlap(period, r.started_on, r.stopped_on):
                        met.add(r.key)
    return met


def _plan_rows(
    session: Session, harvest: Harvest, update: bool, plan: _Plan, kind: str, rows: list[Any]
) -> None:
    if not rows:
        return
    rows = list({row.key: row for row in rows}.values())  # the same row twice in one export
    model = KINDS[kind]
    keyed = stored.rows_by_key(session, harvest.source, model.__tablename__)
    known = {p.row_id for p in keyed.values()}
    met = _met_elsewhere(session, kind, [r for r in rows if r.key not in keyed], known)
    for row in rows:
        before = keyed.get(row.key)
        if before is None:
            outcome = "kept" if row.key in met else "filled"
        else:
            existing = session.get(model, before.row_id)
            if existing is None or existing.deleted_at is not None:
                outcome = "kept"  # the person deleted it: it stays deleted
            else:
                current = _current(kind, existing)
                if current == row.value():
                    outcome = "same"
                elif update or (current == before.value and _newer_or_same(harvest, before)):
                    outcome = "updated"
                else:
                    outcome = "kept"
        plan.row(kind, outcome)
        if outcome in ("filled", "updated"):
            plan.whole.append((kind, row, before))


def _tallies(counted: dict[str, Counter[str]], words: dict[str, str]) -> tuple[Tally, ...]:
    return tuple(
        Tally(
            words.get(name, name),
            tuple((o, counted[name][o]) for o in OUTCOMES if counted[name][o]),
        )
        for name in (*words, *(n for n in counted if n not in words))
        if name in counted
    )


def merge(
    store: Store, harvest: Harvest, now: dt.datetime, dry_run: bool = False, update: bool = False
) -> MergeResult:
    """Plan the harvest against the diary and, unless `dry_run`, write it as one change."""
    plan = _Plan()
    backup = None
    refreshed = 0
    with store.reading() if dry_run else store.writing() as session:
        _plan_days(session, harvest, update, plan)
        for kind, rows in (
            ("exercise sessions", harvest.sessions),
            ("episodes", harvest.episodes),
            ("medication periods", harvest.periods),
        ):
            _plan_rows(session, harvest, update, plan, kind, list(rows))
        if not dry_run and (plan.checkins or plan.whole):
            from spasmlog.interchange.importing.merge_write import write

            backup = automatic_backup(store.path, "before-import")
            summary = f"imported {Path(harvest.file).name} ({harvest.label})"
            change = history.start_change(session, "import", summary, now)
            refreshed = write(session, change, harvest, plan.checkins, plan.whole, now)
    return MergeResult(
        harvest.source,
        harvest.label,
        harvest.file,
        harvest.exported_at,
        _tallies(plan.days, DAY_FIELDS),
        _tallies(plan.rows, {kind: kind for kind in KINDS}),
        tuple(sorted(harvest.tag_columns.items())),
        tuple(harvest.notes),
        dry_run,
        update,
        backup,
        refreshed,
    )
