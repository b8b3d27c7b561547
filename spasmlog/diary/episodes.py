"""Episode use cases: log, list, show, edit, delete, restore. They take a Session and plain values,
raise `SpasmlogError`s, and never print."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from spasmlog.core.clock import calendar_date, local_offset_min, local_time
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import ExerciseSpec, format_exercise
from spasmlog.db import Session, history, queries
from spasmlog.db.models import Episode, ExerciseSession
from spasmlog.diary import edits, medications
from spasmlog.diary.edits import FieldChange, ListEdit
from spasmlog.diary.exercise import ExerciseInput, new_session
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
    relief: list[str] = field(default_factory=list)  # edit_episode: or a ListEdit
    relief_score: int | None = None
    symptoms: list[str] = field(default_factory=list)  # edit_episode: or a ListEdit
    extra_medications: list[str] = field(default_factory=list)
    note: str | None = None


EDITABLE = frozenset(f.name for f in fields(EpisodeInput))


TWIN_WITHIN = dt.timedelta(minutes=1)  # two of one muscle and side this close: logged twice?


@dataclass(frozen=True)
class Logged:
    episode: Episode
    tip: Tip
    signs: list[DoctorSign]
    twin: Episode | None = None  # a live episode it may repeat (see `near_duplicate`)


def near_duplicate(session: Session, entry: EpisodeInput) -> Episode | None:
    """A live episode of the same muscle and side that started within a minute of `entry`: the
    same cramp logged twice (a retried command, a second device) more likely than a second one."""
    return queries.first_episode_near(
        session, entry.muscle, entry.side, entry.started_at, TWIN_WITHIN
    )


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
    return new_session(
        ExerciseInput(start, spec.activity, spec.minutes, spec.intensity), "log", now
    )


# reads the front ends make as the store makes them (they may not import the store)
list_episodes = queries.list_episodes
frequent_muscles = queries.frequent_muscles


def show_episode(session: Session, episode_id: int) -> tuple[Episode, ExerciseSession | None]:
    """One episode, deleted or not, with the exercise session logged with it."""
    episode = queries.get_episode(session, episode_id, include_deleted=True)
    return episode, queries.exercise_for(session, episode)


def log_episode(session: Session, entry: EpisodeInput, now: dt.datetime) -> Logged:
    """Log an episode (and the exercise given with it) as one change; says which tip and
    see-a-doctor signs fit it, and which episode it may repeat."""
    twin = near_duplicate(session, entry)
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
        twin=twin,
    )


@dataclass(frozen=True)
class Edited:
    episode: Episode
    changes: list[FieldChange]  # empty: it said that already, and nothing was written


def _exercise_text(session: Session, episode: Episode) -> str | None:
    current = queries.exercise_for(session, episode)
    if current is None:
        return None
    return format_exercise(current.activity, current.minutes, current.intensity)


def _current(session: Session, episode: Episode, name: str, extras: list[str]) -> object:
    """A field's stored value as EpisodeInput has it (exercise: its text, as shown)."""
    if name == "exercise":
        return _exercise_text(session, episode)
    if name == "extra_medications":
        return extras
    if name == "started_at":  # at the offset its clock had
        return local_time(episode.started_at, episode.utc_offset_min)
    return getattr(episode, name)


def _wanted(name: str, value: object, current: object) -> object:
    """The value a field is to have: a ListEdit applied to the stored list; exercise as text."""
    if isinstance(value, ListEdit):
        return value.applied(current)  # type: ignore[arg-type]
    if name == "exercise" and isinstance(value, ExerciseSpec):
        return format_exercise(value.activity, value.minutes, value.intensity)
    return value


def edit_episode(
    session: Session, episode_id: int, updates: dict[str, object], now: dt.datetime
) -> Edited:
    """Change the given fields of an episode; `updates` keys are EpisodeInput field names, and
    a list field (relief, symptoms, extra medications) may be a ListEdit (add, remove). Says
    which fields changed; when none would, nothing is written."""
    unknown = set(updates) - EDITABLE
    if unknown or not updates:
        raise InvalidInput(
            "edit",
            ", ".join(sorted(unknown)) or "(nothing)",
            "Give at least one field to change, e.g. --severity 6.",
        )
    episode = queries.get_episode(session, episode_id)
    extras = medications.extras_beyond(
        episode.medications, medications.medication_lists(session)(episode.local_date)
    )
    changes = []
    for name, value in updates.items():
        current = _current(session, episode, name, extras)
        wanted = _wanted(name, value, current)
        if wanted != current:
            changes.append(FieldChange(name, current, wanted))
    if not changes:
        return Edited(episode, [])
    change = history.start_change(session, "edit", f"edited episode {describe(episode)}", now)
    history.remember_before(session, change, episode)
    for name, value in updates.items():
        if name == "exercise":
            _edit_exercise(session, change, episode, value, now)  # type: ignore[arg-type]
        elif name == "extra_medications":
            extras = list(_wanted(name, value, extras))  # type: ignore[call-overload]
        else:
            setattr(episode, name, _wanted(name, value, getattr(episode, name)))
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
    return Edited(episode, changes)


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


def delete_episodes(session: Session, ids: Sequence[int], now: dt.datetime) -> list[Episode]:
    """Soft delete, as one change: the rows stay, hidden, until `restore` or `undo` brings
    them back. All of them, or (when one is not there to delete) none."""
    rows = edits.get_rows(session, Episode, ids, "episode", "spasmlog")
    edits.soft_delete(session, rows, "delete", describe, "episode", now)
    return rows


def restore_episodes(session: Session, ids: Sequence[int], now: dt.datetime) -> list[Episode]:
    """Bring deleted episodes back, as one change."""
    rows = edits.get_rows(session, Episode, ids, "episode", "spasmlog", deleted=True)
    edits.undelete(session, rows, "restore", describe, "episode", now)
    return rows


def delete_episode(session: Session, episode_id: int, now: dt.datetime) -> Episode:
    return delete_episodes(session, [episode_id], now)[0]


def restore_episode(session: Session, episode_id: int, now: dt.datetime) -> Episode:
    return restore_episodes(session, [episode_id], now)[0]
