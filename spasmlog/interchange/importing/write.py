"""The writing side of an import, inside the caller's transaction, as one change.

New rows go in through spasmlog.db.bulk, in the diary's storage form, recorded as created in the
change in bulk. Duplicates that --update changes are updated through the ORM, so that each keeps
its state before in the change and `spasmlog undo` restores it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from spasmlog.core.clock import calendar_date, local_offset_min
from spasmlog.core.parsing import ExerciseSpec
from spasmlog.db import Session, bulk, history
from spasmlog.db.models import Episode, ExerciseSession, Tracked
from spasmlog.db.queries import imports
from spasmlog.diary import medications
from spasmlog.interchange.importing.kinds import KINDS, utc_text
from spasmlog.interchange.importing.plan import MODELS, UPDATES, Plan, update_values
from spasmlog.interchange.importing.read import Progress


@dataclass
class Writer:
    """Writes one import's rows in the open transaction, all as one change."""

    session: Session
    change: history.Change
    now: dt.datetime
    progress: Progress | None = None
    json_texts: dict[tuple[str, ...], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bulk.prepare(self.session)

    @property
    def stamp(self) -> str:
        return utc_text(self.now)

    def as_json(self, items: Sequence[str]) -> str:
        """A list as the diary stores it (SQLAlchemy's JSON type: json.dumps), once per list."""
        key = tuple(items)
        text = self.json_texts.get(key)
        if text is None:
            text = self.json_texts[key] = json.dumps(list(key))
        return text

    def insert(self, model: type[Tracked], rows: list[dict[str, Any]]) -> list[int]:
        """New rows (values as stored) in bulk; returns their ids, in order, recorded as created."""
        if not rows:
            return []
        columns = list(rows[0])
        values = itemgetter(*columns)
        return self.insert_tuples(model, columns, map(values, rows), len(rows))

    def insert_tuples(
        self, model: type[Tracked], columns: list[str], rows: Iterable[tuple[Any, ...]], total: int
    ) -> list[int]:
        """New rows given as tuples of `columns`, in bulk (spasmlog.db.bulk); their ids."""

        def moved(done: int) -> None:
            if self.progress is not None:
                self.progress("writing", done, total)

        return bulk.insert_rows(self.session, self.change, model, columns, rows, moved)

    def update(self, model: type[Tracked], row_id: int, values: dict[str, Any]) -> None:
        """Set values on a stored row, keeping its state before in the change."""
        stored = self.session.get(model, row_id)
        assert stored is not None
        history.remember_before(self.session, self.change, stored)
        for name, value in values.items():
            setattr(stored, name, value)
        stored.updated_at = self.now


def _stored_form(writer: Writer, values: dict[str, Any]) -> dict[str, Any]:
    """Model values as the diary stores them: dates as text, lists as JSON; plus the stamps."""
    out = dict(values)
    for name, value in values.items():
        if isinstance(value, dt.datetime):
            out[name] = utc_text(value)
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            out[name] = writer.as_json(value)
    out["created_at"] = out["updated_at"] = writer.stamp
    return out


def _model_values(kind: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """A checked row of a small kind as model values (lists as lists, no stamps)."""
    values = dict(zip(KINDS[kind].fields, row, strict=True))
    if kind == "checkins":
        values["fluid_ml"] = values.pop("fluid_l")
    if kind == "exercise":
        values.pop("started_utc")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def write_plain(writer: Writer, the_plan: Plan) -> None:
    """Every kind but episodes: new rows in bulk, revived check-ins and updates one by one."""
    checked = the_plan.checked
    kind, model, rows = checked.kind.name, MODELS[checked.kind.name], checked.rows
    fresh = [p for p in the_plan.new if p not in the_plan.revive]
    writer.insert(model, [_stored_form(writer, _model_values(kind, rows[p])) for p in fresh])
    emptied: dict[str, Any] = {
        attr: [] if attr == "tags" else None
        for pairs in UPDATES["checkins"].values()
        for attr, _ in pairs
    }
    for position, row_id in the_plan.revive.items():
        values = {**emptied, **_model_values(kind, rows[position]), "deleted_at": None}
        writer.update(model, row_id, values)
    for position, row_id in the_plan.changed:
        writer.update(model, row_id, update_values(checked, rows[position]))
    writer.session.flush()


# --- episodes ----------------------------------------------------------------------------------


def _exercise_links(
    writer: Writer,
    rows: list[tuple[Any, ...]],
    positions: list[int],
    field_at: Callable[[str], int],
    updated: set[int],
) -> dict[int, int]:
    """Position -> exercise session id, for episodes given with an `exercise` like `log --exercise`.

    That session started `minutes` before the episode, with that activity, length and intensity.
    Each episode gets a session of its own, as `log` gives it: a `log` session no episode links
    to (the episodes being `updated` let go of theirs), else a session of another source with
    that start and spec, else a new `log` session. So two cramps logged after one run keep two
    sessions, and `edit --exercise` on one never changes the other's.
    """
    start_at, spec_at = field_at("started_at"), field_at("exercise")
    wanted: dict[int, tuple[str, str, int, str | None]] = {}
    began: dict[int, dt.datetime] = {}
    for position in positions:
        spec: ExerciseSpec | None = rows[position][spec_at]
        if spec is not None:
            began[position] = rows[position][start_at] - dt.timedelta(minutes=spec.minutes)
            wanted[position] = (
                utc_text(began[position]),
                spec.activity,
                spec.minutes,
                spec.intensity,
            )
    if not wanted:
        return {}
    starts = [key[0] for key in wanted.values()]
    found = imports.sessions_with_episodes(writer.session, starts)  # oldest first
    logged: dict[int, tuple[Any, ...]] = {}
    others: dict[tuple[Any, ...], int] = {}
    taken: set[int] = set()  # log sessions another episode links to
    for row_id, *spec_at_start, source, episode_id in found:
        if source == "log":
            logged[row_id] = tuple(spec_at_start)
            if episode_id is not None and episode_id not in updated:
                taken.add(row_id)
        else:
            others.setdefault(tuple(spec_at_start), row_id)
    free: dict[tuple[Any, ...], list[int]] = {}
    for row_id, key in logged.items():
        if row_id not in taken:
            free.setdefault(key, []).append(row_id)
    links: dict[int, int] = {}
    missing: list[int] = []
    for position, key in wanted.items():
        if free.get(key):
            links[position] = free[key].pop(0)
        elif key in others:
            links[position] = others[key]
        else:
            missing.append(position)
    sessions = [_log_session(writer, began[p], wanted[p]) for p in missing]
    links.update(zip(missing, writer.insert(ExerciseSession, sessions), strict=True))
    return links


def _log_session(
    writer: Writer, began: dt.datetime, key: tuple[str, str, int, str | None]
) -> dict[str, Any]:
    """A session as `log --exercise` makes it, in its stored form."""
    started_utc, activity, minutes, intensity = key
    return {
        "started_at": started_utc,
        "utc_offset_min": local_offset_min(began),
        "activity": activity,
        "minutes": minutes,
        "intensity": intensity,
        "muscles": writer.as_json(()),
        "source": "log",
        "created_at": writer.stamp,
        "updated_at": writer.stamp,
    }


_EPISODE_COLUMNS = [
    "started_at",
    "utc_offset_min",
    "duration_s",
    "muscle",
    "side",
    "severity",
    "woke",
    "fluid_ml_24h",
    "exercise_session_id",
    "relief",
    "relief_score",
    "symptoms",
    "medications",
    "note",
    "created_at",
    "updated_at",
]


def write_episodes(writer: Writer, the_plan: Plan) -> None:
    """Episodes: new ones in bulk, with exercise links and, if the file has no `medications`
    column, the medications active at each one's start (as `log` records them)."""
    checked = the_plan.checked
    rows = checked.rows
    touched = the_plan.new + [p for p, _ in the_plan.changed]
    updated = {row_id for _, row_id in the_plan.changed}
    links = (
        _exercise_links(writer, rows, touched, checked.kind.index, updated)
        if "exercise" in checked.columns
        else {}
    )
    listed = (
        None if "medications" in checked.columns else medications.medication_lists(writer.session)
    )
    stamp, as_json = writer.stamp, writer.as_json

    def stored() -> Iterator[tuple[Any, ...]]:
        for position in the_plan.new:
            # in the order of EPISODE_FIELDS
            (started, utc, offset, muscle, side, seconds, severity, woke, fluid, _, relief, score,
             symptoms, meds, note) = rows[position]  # fmt: skip
            yield (
                utc, offset, seconds, muscle, side, severity, woke, fluid, links.get(position),
                as_json(relief), score, as_json(symptoms),
                as_json(meds if listed is None else listed(calendar_date(started))), note, stamp, stamp,
            )  # fmt: skip

    writer.insert_tuples(Episode, _EPISODE_COLUMNS, stored(), len(the_plan.new))
    for position, row_id in the_plan.changed:
        values = update_values(checked, rows[position])
        if "exercise" in checked.columns:
            values["exercise_session_id"] = links.get(position)
        writer.update(Episode, row_id, values)
    writer.session.flush()
