"""Episode use cases: log, edit, delete, restore, undo. They take a Session and plain values,
raise `SpasmlogError`s, and never print."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields

from sqlalchemy.orm import Session

from spasmlog.core.clock import calendar_date, local_offset_min, local_time
from spasmlog.core.errors import InvalidInput, NotFound
from spasmlog.core.parsing import ExerciseSpec
from spasmlog.db import history
from spasmlog.db.models import Episode, ExerciseSession, Medication
from spasmlog.db.queries import episodes as queries
from spasmlog.knowledge import factors
from spasmlog.knowledge.factors import DoctorSign, Tip
from spasmlog.knowledge.muscles import label


@dataclass(frozen=True)
class EpisodeInput:
    """An episode's fields, already parsed and checked (see spasmlog.core.parsing)."""

    started_at: dt.datetime
    muscle: str
    side: str | None = None
    duration_s: int | None = None
    severity: int | None = None
    woke: bool | None = None
    fluid_ml_24h: int | None = None
    exercise: ExerciseSpec | None = None
    relief: list[str] = field(default_factory=list)
    relief_score: int | None = None
    symptoms: list[str] = field(default_factory=list)
    extra_medications: list[str] = field(default_factory=list)
    note: str | None = None


EDITABLE = frozenset(f.name for f in fields(EpisodeInput))


@dataclass(frozen=True)
class Logged:
    episode: Episode
    tip: Tip
    signs: list[DoctorSign]


def describe(episode: Episode) -> str:
    """ "#12 calf (left), 2026-03-01 23:30": how messages name an episode (never its note)."""
    when = local_time(episode.started_at, episode.utc_offset_min).strftime("%Y-%m-%d %H:%M")
    side = f" ({episode.side})" if episode.side and episode.side != "none" else ""
    return f"#{episode.id} {label(episode.muscle).lower()}{side}, {when}"


def _label(med: Medication) -> str:
    """How a medication period shows on an episode: "Lipitor 20 mg"."""
    return f"{med.name} {med.dose}".strip() if med.dose else med.name


def medication_lists(session: Session) -> Callable[[dt.date], list[str]]:
    """The medication list's names for any local day (periods covering it, in the order they
    started), from one read of the periods, each day worked out once."""
    periods = [(m.started_on, m.stopped_on, _label(m)) for m in queries.live_medications(session)]
    by_day: dict[dt.date, list[str]] = {}

    def listed(day: dt.date) -> list[str]:
        if day not in by_day:
            by_day[day] = [
                name
                for start, stop, name in periods
                if start <= day and (stop is None or day <= stop)
            ]
        return by_day[day]

    return listed


def _listed_then_extras(listed: Sequence[str], extras: Sequence[str]) -> list[str]:
    return [*listed, *(name for name in extras if name not in listed)]


def medication_snapshot(session: Session, day: dt.date, extras: Sequence[str]) -> list[str]:
    """An episode's medications: those on the list for its local `day`, then one-off extras."""
    return _listed_then_extras(medication_lists(session)(day), extras)


def _extras(medications: Sequence[str], listed: Sequence[str]) -> list[str]:
    """What an episode lists beyond the medication list's `listed` for its day: its `--med`s."""
    return [name for name in medications if name not in listed]


@dataclass
class Refreshed:
    episodes: int = 0  # live episodes whose medications changed (deleted ones change unsaid)


@contextlib.contextmanager
def following_the_medication_list(
    session: Session, change: history.Change, first: dt.date, last: dt.date | None, now: dt.datetime
) -> Iterator[Refreshed]:
    """Around a change to the medication list over the local days [first, last] (None: no end):
    the episodes of those days (deleted ones too, so that `restore` brings back a true one) then
    list what the list says for their day, each keeping its one-off extras, in the same change
    (so `undo` reverts both). Episodes are read and written a batch at a time, as plain values:
    back-filling a medication over years of a big diary stays within memory."""
    before = medication_lists(session)
    refreshed = Refreshed()
    yield refreshed
    session.flush()
    after = medication_lists(session)
    for batch in queries.episode_medications_between(session, first, last):
        changed = []
        for row in batch:
            day = row.local_date
            fresh = _listed_then_extras(after(day), _extras(row.medications, before(day)))
            if fresh != row.medications:
                changed.append((row, fresh))
        history.remember_values_before(
            session,
            change,
            Episode.__tablename__,
            [
                (row.id, {"medications": row.medications, "updated_at": row.updated_at})
                for row, _ in changed
            ],
        )
        queries.set_episode_medications(session, [(row.id, fresh) for row, fresh in changed], now)
        refreshed.episodes += sum(row.deleted_at is None for row, _ in changed)


def _exercise_session(
    spec: ExerciseSpec, started_at: dt.datetime, now: dt.datetime
) -> ExerciseSession:
    """Exercise given with an episode is taken to have ended when the episode began (at most 24 h
    before it); `spasmlog exercise add --at` records the true time when it matters."""
    start = started_at - dt.timedelta(minutes=spec.minutes)
    return ExerciseSession(
        started_at=start,
        utc_offset_min=local_offset_min(started_at),
        activity=spec.activity,
        minutes=spec.minutes,
        intensity=spec.intensity,
        muscles=[],
        source="log",
        created_at=now,
        updated_at=now,
    )


def log_episode(session: Session, entry: EpisodeInput, now: dt.datetime) -> Logged:
    episode = Episode(
        started_at=entry.started_at,
        utc_offset_min=local_offset_min(entry.started_at),
        muscle=entry.muscle,
        side=entry.side,
        duration_s=entry.duration_s,
        severity=entry.severity,
        woke=entry.woke,
        fluid_ml_24h=entry.fluid_ml_24h,
        relief=list(entry.relief),
        relief_score=entry.relief_score,
        symptoms=list(entry.symptoms),
        medications=medication_snapshot(
            session, calendar_date(entry.started_at), entry.extra_medications
        ),
        note=entry.note,
        created_at=now,
        updated_at=now,
    )
    change = history.start_change(session, "log", "logged an episode", now)
    if entry.exercise is not None:
        exercise = _exercise_session(entry.exercise, entry.started_at, now)
        session.add(exercise)
        session.flush()
        history.remember_created(session, change, exercise)
        episode.exercise_session_id = exercise.id
    session.add(episode)
    session.flush()
    history.remember_created(session, change, episode)
    change.summary = f"logged episode {describe(episode)}"
    week_before = entry.started_at - dt.timedelta(days=factors.FREQUENT_DAYS)
    in_week = queries.count_episodes_between(session, week_before, entry.started_at)
    return Logged(
        episode=episode,
        tip=factors.tip_for(entry.fluid_ml_24h, entry.relief),
        signs=factors.doctor_signs(entry.severity, entry.symptoms, in_week),
    )


def edit_episode(
    session: Session, episode_id: int, updates: dict[str, object], now: dt.datetime
) -> Episode:
    """Change the given fields of an episode; `updates` keys are EpisodeInput field names."""
    unknown = set(updates) - EDITABLE
    if unknown or not updates:
        raise InvalidInput(
            "edit",
            ", ".join(sorted(unknown)) or "(nothing)",
            "Give at least one field to change, e.g. --severity 6.",
        )
    episode = queries.get_episode(session, episode_id)
    change = history.start_change(session, "edit", f"edited episode {describe(episode)}", now)
    history.remember_before(session, change, episode)
    extras = _extras(episode.medications, medication_lists(session)(episode.local_date))
    for name, value in updates.items():
        if name == "exercise":
            _edit_exercise(session, change, episode, value, now)  # type: ignore[arg-type]
        elif name == "extra_medications":
            extras = list(value)  # type: ignore[call-overload]
        else:
            setattr(episode, name, value)
        if name == "started_at":
            episode.utc_offset_min = local_offset_min(value)  # type: ignore[arg-type]
    if {"started_at", "extra_medications"} & set(updates):  # the list for its day, new extras
        episode.medications = medication_snapshot(
            session, calendar_date(episode.started_at, episode.utc_offset_min), extras
        )
    if {"started_at", "exercise"} & set(updates):
        _end_log_session_at_start(session, change, episode, now)
    episode.updated_at = now
    session.flush()
    return episode


def _edit_exercise(
    session: Session,
    change: history.Change,
    episode: Episode,
    spec: ExerciseSpec | None,
    now: dt.datetime,
) -> None:
    if spec is None:
        episode.exercise_session_id = None
        return
    current = session.get(ExerciseSession, episode.exercise_session_id or -1)
    if current is None or current.source != "log":
        fresh = _exercise_session(spec, local_time(episode.started_at, episode.utc_offset_min), now)
        session.add(fresh)
        session.flush()
        history.remember_created(session, change, fresh)
        episode.exercise_session_id = fresh.id
        return
    history.remember_before(session, change, current)
    current.activity, current.minutes = spec.activity, spec.minutes
    current.intensity, current.updated_at = spec.intensity, now


def _end_log_session_at_start(
    session: Session, change: history.Change, episode: Episode, now: dt.datetime
) -> None:
    """Exercise logged with an episode ends when the episode began (as `log` stores it, and as
    an import finds it again): an edited start or length moves the session's start."""
    current = session.get(ExerciseSession, episode.exercise_session_id or -1)
    if current is None or current.source != "log":
        return
    start = episode.started_at - dt.timedelta(minutes=current.minutes or 0)
    if current.started_at != start:
        history.remember_before(session, change, current)
        current.started_at, current.updated_at = start, now
        current.utc_offset_min = episode.utc_offset_min


def delete_episode(session: Session, episode_id: int, now: dt.datetime) -> Episode:
    """Soft delete: the row stays, hidden, until `restore` or `undo` brings it back."""
    episode = queries.get_episode(session, episode_id)
    change = history.start_change(session, "delete", f"deleted episode {describe(episode)}", now)
    history.remember_before(session, change, episode)
    episode.deleted_at = episode.updated_at = now
    session.flush()
    return episode


def restore_episode(session: Session, episode_id: int, now: dt.datetime) -> Episode:
    episode = queries.get_episode(session, episode_id, include_deleted=True)
    if episode.deleted_at is None:
        raise NotFound(f"Episode {episode_id} is not deleted; nothing to restore.")
    change = history.start_change(session, "restore", f"restored episode {describe(episode)}", now)
    history.remember_before(session, change, episode)
    episode.deleted_at = None
    episode.updated_at = now
    session.flush()
    return episode


def undo_last(session: Session, now: dt.datetime) -> str:
    """Revert the newest change not yet undone; returns its summary."""
    change = history.last_change(session)
    if change is None:
        raise NotFound("Nothing to undo: the diary has no changes left to revert.")
    history.revert(session, change, now)
    return change.summary
