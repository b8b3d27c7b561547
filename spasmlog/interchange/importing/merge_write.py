"""The writing half of spasmlog.interchange.importing.merge, inside its transaction and change:
check-in values, whole rows, and the provenance of each, every row remembered for `undo`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from spasmlog.core.clock import calendar_date, local_offset_min
from spasmlog.db import Session, history
from spasmlog.db.models import Checkin, Episode, ExerciseSession, Medication, Provenance, Tracked
from spasmlog.db.queries import provenance as stored
from spasmlog.db.queries.settings import ANSWERS
from spasmlog.diary import medications
from spasmlog.interchange.importing.harvest import EpisodeRow, Harvest, PeriodRow, SessionRow
from spasmlog.knowledge import drugs

WholeRow = SessionRow | EpisodeRow | PeriodRow


class _Writer:
    """Writes rows in the change: new ones are added, then flushed and remembered in bulk
    (`flush`), so that a year of check-ins is a few statements, not one flush a row."""

    def __init__(
        self, session: Session, change: history.Change, harvest: Harvest, now: dt.datetime
    ):
        self.session, self.change, self.harvest, self.now = session, change, harvest, now
        self.pending: list[Tracked] = []

    def created(self, row: Tracked) -> None:
        self.session.add(row)
        self.pending.append(row)

    def flush(self) -> None:
        """Insert the rows created so far, and record them as created in the change."""
        self.session.flush()
        made: dict[str, list[int]] = {}
        for row in self.pending:
            made.setdefault(row.__tablename__, []).append(row.id)
        for table, ids in made.items():
            history.remember_created_ids(self.session, self.change, table, ids)
        self.pending.clear()

    def changing(self, row: Tracked) -> None:
        history.remember_before(self.session, self.change, row)
        row.updated_at = self.now

    def provenance(
        self, table: str, row_id: int, name: str, value: Any, before: Provenance | None,
        key: str | None = None,
    ) -> None:  # fmt: skip
        """Record that this source wrote `value` there (updating the record it had)."""
        if before is not None and before.deleted_at is None:
            self.changing(before)
            before.source, before.key, before.value = self.harvest.source, key, value
            before.exported_at = self.harvest.exported_at
            return
        self.created(
            Provenance(
                table_name=table,
                row_id=row_id,
                field=name,
                source=self.harvest.source,
                key=key,
                exported_at=self.harvest.exported_at,
                value=value,
                created_at=self.now,
                updated_at=self.now,
            )  # fmt: skip
        )


def _write_checkins(w: _Writer, writes: dict[dt.date, dict[str, Any]]) -> None:
    if not writes:
        return
    rows = stored.checkins_between(w.session, min(writes), max(writes))
    live = [row.id for row in rows.values() if row.deleted_at is None]
    table = Checkin.__tablename__
    wrote = {(p.row_id, p.field): p for p in stored.provenance_of(w.session, table, live)}
    written: list[tuple[Checkin, dict[str, Any]]] = []
    for day, values in writes.items():
        row = rows.get(day)
        if row is None:
            row = Checkin(date=day, tags=[], created_at=w.now, updated_at=w.now)
            w.created(row)
        else:
            w.changing(row)
            if row.deleted_at is not None:  # a day whose check-in was undone: its row, emptied
                for name in ANSWERS:
                    setattr(row, name, [] if name == "tags" else None)
                row.deleted_at = None
        for name, (value, _) in values.items():
            setattr(row, name, value)
        written.append((row, values))
    w.flush()
    for row, values in written:
        for name, (_, source_value) in values.items():
            w.provenance(table, row.id, name, source_value, wrote.get((row.id, name)))
    w.flush()


def _session(w: _Writer, row: SessionRow, existing: ExerciseSession | None) -> ExerciseSession:
    if existing is None:
        existing = ExerciseSession(muscles=[], source="import", created_at=w.now, updated_at=w.now)
        _set_session(existing, row)
        w.created(existing)
    else:
        w.changing(existing)
        _set_session(existing, row)
    return existing


def _set_session(target: ExerciseSession, row: SessionRow) -> None:
    target.started_at, target.utc_offset_min = row.started_at, local_offset_min(row.started_at)
    target.activity, target.minutes, target.intensity = row.activity, row.minutes, row.intensity


def _episode(w: _Writer, row: EpisodeRow, existing: Episode | None, listed: Any) -> Episode:
    values = {
        "started_at": row.started_at, "utc_offset_min": local_offset_min(row.started_at),
        "time_known": row.time_known, "muscle": row.muscle, "side": row.side,
        "severity": row.severity, "severity_scale": row.severity_scale, "note": row.note,
        "symptoms": list(row.symptoms),
    }  # fmt: skip
    if existing is None:
        day = calendar_date(row.started_at)
        existing = Episode(
            **values, relief=[], medications=listed(day), created_at=w.now, updated_at=w.now
        )
        w.created(existing)
        return existing
    w.changing(existing)
    for name, value in values.items():
        setattr(existing, name, value)
    return existing


def _period(w: _Writer, row: PeriodRow, existing: Medication | None) -> Medication:
    match = drugs.classify(row.name)
    values = {
        "name": row.name, "generic": match.generic, "drug_class": match.drug_class,
        "atc": match.atc, "class_by_hand": False, "dose": row.dose,
        "started_on": row.started_on, "stopped_on": row.stopped_on,
    }  # fmt: skip
    if existing is None:
        existing = Medication(**values, created_at=w.now, updated_at=w.now)
        w.created(existing)
        return existing
    w.changing(existing)
    for name, value in values.items():
        setattr(existing, name, value)
    return existing


def write(
    session: Session,
    change: history.Change,
    harvest: Harvest,
    checkins: dict[dt.date, dict[str, Any]],
    whole: list[tuple[str, WholeRow, Provenance | None]],
    now: dt.datetime,
) -> int:
    """Write everything planned; returns how many stored episodes' medications changed."""
    w = _Writer(session, change, harvest, now)
    _write_checkins(w, checkins)
    periods = [(r, b) for _, r, b in whole if isinstance(r, PeriodRow)]
    refreshed = 0
    if periods:
        first = min(r.started_on for r, _ in periods)
        with medications.following_the_medication_list(session, change, first, None, now) as done:
            made = [
                (_period(w, period, session.get(Medication, before.row_id) if before else None),
                 period, before)
                for period, before in periods
            ]  # fmt: skip
            w.flush()
            for row, period, before in made:
                w.provenance("medications", row.id, "*", period.value(), before, period.key)
            w.flush()
        refreshed = done.episodes
    listed = medications.medication_lists(session)
    rows: list[tuple[Tracked, WholeRow, Provenance | None]] = []
    for _, whole_row, before in whole:
        if isinstance(whole_row, SessionRow):
            existing_session = session.get(ExerciseSession, before.row_id) if before else None
            rows.append((_session(w, whole_row, existing_session), whole_row, before))
        elif isinstance(whole_row, EpisodeRow):
            existing_episode = session.get(Episode, before.row_id) if before else None
            rows.append((_episode(w, whole_row, existing_episode, listed), whole_row, before))
    w.flush()
    for made_row, whole_row, before in rows:
        w.provenance(
            made_row.__tablename__, made_row.id, "*", whole_row.value(), before, whole_row.key
        )
    w.flush()
    return refreshed
