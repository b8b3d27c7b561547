"""Episode use cases: log, list, show, edit, delete, restore. They take a Session and plain values,
raise `SpasmlogError`s, and never print."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from spasmlog.core.clock import calendar_date, local_offset_min, local_time
from spasmlog.core.errors import InvalidInput, NotFound
from spasmlog.core.parsing import ExerciseSpec
from spasmlog.core.when import Bound
from spasmlog.db import Session, history, queries
from spasmlog.db.models import Episode, ExerciseSession
from spasmlog.diary import medications
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


def list_episodes(
    session: Session,
    since: Bound | None = None,
    until: Bound | None = None,
    muscle: str | None = None,
    limit: int | None = None,
    include_deleted: bool = False,
) -> Sequence[tuple[Episode, ExerciseSession | None]]:
    """Episodes newest first (dates compared with each one's own calendar date), each with the
    exercise session logged with it."""
    return queries.list_episodes(session, since, until, muscle, limit, include_deleted)


def frequent_muscles(session: Session) -> list[str]:
    """The muscles of the person's recent episodes, most frequent first (the Log page's order)."""
    return queries.frequent_muscles(session)


def show_episode(session: Session, episode_id: int) -> tuple[Episode, ExerciseSession | None]:
    """One episode, deleted or not, with the exercise session logged with it."""
    episode = queries.get_episode(session, episode_id, include_deleted=True)
    return episode, queries.exercise_for(session, episode)


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
        medications=medications.medication_snapshot(
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
    extras = medications.extras_beyond(
        episode.medications, medications.medication_lists(session)(episode.local_date)
    )
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
        episode.medications = medications.medication_snapshot(
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
