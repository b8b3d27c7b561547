"""Daily check-ins and exercise sessions: the days without spasms, and when exercise happened.

One check-in per local date. Checking in again for a date changes only the fields given, and a
date whose check-in was undone gets its row back, emptied. A day without a check-in is missing,
never zero: nothing here fills in a default. `checkin --exercise` stores an exercise session
(source "checkin") at 12:00 local time on the check-in's date, or at the check-in's own time when
that is earlier (checking in for today before noon), so that exercise has one source of truth;
checking in again with --exercise changes that session rather than adding a second one.

The day's exercise answer is the check-in's `exercised` column: True with `--exercise` (or a
"yes" without details), False with `--no-exercise`, which the factor report needs: a day without
a session is otherwise unknown, never a "no". Answering "no" removes the day's check-in session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from spasmlog.core import clock
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import ExerciseSpec, format_exercise
from spasmlog.db import Session, history, queries
from spasmlog.db.models import Checkin, ExerciseSession
from spasmlog.diary import trials
from spasmlog.diary.edits import FieldChange
from spasmlog.diary.exercise import ExerciseInput, new_session

# --- parsers for the check-in and exercise options (built on spasmlog.core.parsing) ----------------


# --- check-ins ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinInput:
    """A day's fields, parsed; None means "not given" (leave it as it is)."""

    day: dt.date
    fluid_ml: int | None = None
    sweating: bool | None = None
    vomiting: bool | None = None
    diarrhea: bool | None = None
    fever: bool | None = None
    hot_weather: bool | None = None
    sleep_h: float | None = None
    magnesium_mg: float | None = None
    alcohol_units: float | None = None
    tags: tuple[str, ...] | None = None
    note: str | None = None
    exercise: ExerciseSpec | None = None  # implies exercised=True
    exercised: bool | None = None  # False: a known "no exercise that day"
    trial_taken: bool | None = None  # took the trial's remedy that night (`spasmlog trial`)

    def given(self) -> dict[str, object]:
        """The Checkin columns given a value, in the order of the fields above."""
        skip = {"day", "exercise", "exercised"}
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in values.items()
            if value is not None
        }

    def is_empty(self) -> bool:
        return not self.given() and self.exercise is None and self.exercised is None

    def exercise_answer(self) -> str | None:
        """What this entry says about the day's exercise, as `exercise_answer` shows it."""
        if self.exercise is not None:
            spec = self.exercise
            return format_exercise(spec.activity, spec.minutes, spec.intensity)
        return None if self.exercised is None else "yes" if self.exercised else "no"


CHECKIN_FIELDS = tuple(f.name for f in fields(CheckinInput) if f.name != "day")
LABELS = {
    "fluid_ml": "fluids", "sweating": "sweating", "vomiting": "vomiting", "diarrhea": "diarrhea",
    "fever": "fever", "hot_weather": "hot weather", "sleep_h": "sleep",
    "magnesium_mg": "magnesium", "alcohol_units": "alcohol", "tags": "tags", "note": "note",
    "exercise": "exercise", "trial_taken": "trial remedy",
}  # fmt: skip


@dataclass(frozen=True)
class CheckedIn:
    checkin: Checkin
    created: bool  # a new (or revived) row rather than an update
    changes: list[FieldChange]  # empty: nothing differed, nothing was written
    exercise: ExerciseSession | None


def checkin_exercise_time(day: dt.date, now: dt.datetime) -> dt.datetime:
    """12:00 on `day` in the person's time zone, or `now` if that is earlier."""
    noon = clock.at(day, dt.time(12))
    return now if clock.is_later(noon, now) else noon


def exercise_answer(exercised: bool | None, session: ExerciseSession | None) -> str | None:
    """A day's answer to "did you exercise?" as people read it: the check-in's session
    ("run 45m vigorous"), else "yes" or "no", else None (not answered)."""
    if session is not None:
        return format_exercise(session.activity, session.minutes, session.intensity)
    return None if exercised is None else "yes" if exercised else "no"


def record_checkin(session: Session, entry: CheckinInput, now: dt.datetime) -> CheckedIn:
    """Create, revive or update the check-in for `entry.day`; report what changed."""
    if entry.is_empty():
        raise InvalidInput.missing("a field", "Give at least one, e.g. --fluid 1.5L or --sleep 7.")
    if entry.exercise is not None and entry.exercised is False:
        raise InvalidInput(
            "--no-exercise", "", "", message="Give --exercise or --no-exercise, not both."
        )
    if entry.trial_taken is not None:
        trials.check_answer(session, entry.day)
    row = queries.checkin_row_on(session, entry.day)
    created = row is None or row.deleted_at is not None
    given = entry.given()
    changes = [
        FieldChange(name, None if created else getattr(row, name), value)
        for name, value in given.items()
        if created or getattr(row, name) != value
    ]
    exercise = queries.checkin_exercise(session, entry.day, entry.day).get(entry.day)
    answered = exercise_answer(None if row is None or created else row.exercised, exercise)
    wanted = entry.exercise_answer()
    if wanted is not None:
        given["exercised"] = wanted != "no"
        if answered != wanted and not (wanted == "yes" and exercise is not None):
            changes.append(FieldChange("exercise", answered, wanted))
    if row is not None and not created and not changes:
        return CheckedIn(row, False, [], exercise)
    names = ", ".join(LABELS[change.field] for change in changes)
    summary = f"checked in for {entry.day}" if created else f"updated the check-in for {entry.day}"
    change = history.start_change(session, "checkin", f"{summary} ({names})", now)
    row = _checkin_row(session, change, row, entry.day, now)
    for name, value in given.items():
        setattr(row, name, value)
    row.updated_at = now
    if entry.exercise is not None and any(c.field == "exercise" for c in changes):
        exercise = _set_checkin_exercise(session, change, exercise, entry.exercise, entry.day, now)
    if entry.exercised is False and exercise is not None:  # "no exercise" replaces the session
        history.remember_before(session, change, exercise)
        exercise.deleted_at = exercise.updated_at = now
        exercise = None
    session.flush()
    return CheckedIn(row, created, changes, exercise)


def _checkin_row(
    session: Session, change: history.Change, row: Checkin | None, day: dt.date, now: dt.datetime
) -> Checkin:
    """The row to write: the live one, the soft-deleted one emptied and revived, or a new one."""
    if row is None:
        row = Checkin(date=day, tags=[], created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        history.remember_created(session, change, row)
        return row
    history.remember_before(session, change, row)
    if row.deleted_at is not None:
        for name in CHECKIN_FIELDS:
            if name != "exercise":
                setattr(row, name, [] if name == "tags" else None)
        row.deleted_at = None
    return row


def _set_checkin_exercise(
    session: Session,
    change: history.Change,
    current: ExerciseSession | None,
    spec: ExerciseSpec,
    day: dt.date,
    now: dt.datetime,
) -> ExerciseSession:
    if current is not None:
        history.remember_before(session, change, current)
        current.activity, current.minutes, current.intensity = (
            spec.activity,
            spec.minutes,
            spec.intensity,
        )
        current.updated_at = now
        return current
    started = checkin_exercise_time(day, now)
    fresh = new_session(
        ExerciseInput(started, spec.activity, spec.minutes, spec.intensity),
        "checkin",
        now,
    )
    session.add(fresh)
    session.flush()
    history.remember_created(session, change, fresh)
    return fresh


@dataclass(frozen=True)
class CheckinDay:
    checkin: Checkin
    exercise: ExerciseSession | None  # the session given with `checkin --exercise`, if any


def list_checkins(
    session: Session, since: dt.date | None = None, until: dt.date | None = None
) -> list[CheckinDay]:
    """The check-ins that exist, newest first; a day without one is not listed."""
    rows = queries.list_checkins(session, since, until)
    if not rows:
        return []
    by_day = queries.checkin_exercise(session, rows[-1].date, rows[0].date)
    return [CheckinDay(row, by_day.get(row.date)) for row in rows]


# --- exercise sessions -------------------------------------------------------------------------
