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
import re
from dataclasses import dataclass, fields

from sqlalchemy.orm import Session

from spasmlog.core import clock, parsing
from spasmlog.core.clock import local_offset_min, local_time
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import ExerciseSpec, format_exercise
from spasmlog.db import history
from spasmlog.db.models import Checkin, ExerciseSession
from spasmlog.db.queries import context as cq
from spasmlog.diary import trials as trial_cases

MAX_SLEEP_H = 24.0
MAX_MAGNESIUM_MG = 5000.0  # supplements are 100-400 mg; beyond this it is a typo
MAX_ALCOHOL_UNITS = 100.0
MAX_EXERCISE_MIN = 24 * 60
MAX_TAG_CHARS = 40
_PLAIN_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*")


# --- parsers for the check-in and exercise options (built on spasmlog.core.parsing) ----------------


def parse_sleep(text: str, option: str = "--sleep") -> float:
    """Hours slept: "7.5" (hours) or a duration such as "7h30m" -> 7.5."""
    if _PLAIN_NUMBER.fullmatch(text):
        return parsing.parse_number(text, option, low=0, high=MAX_SLEEP_H)
    return round(parsing.parse_duration(text, option) / 3600, 2)


def parse_magnesium(text: str, option: str = "--magnesium") -> float:
    """Magnesium taken, in mg: "400" or "400 mg"."""
    number = re.sub(r"\s*mg\s*$", "", text.strip().lower())
    return parsing.parse_number(number, option, low=0, high=MAX_MAGNESIUM_MG)


def parse_alcohol(text: str, option: str = "--alcohol") -> float:
    """Units of alcohol (one UK unit is 10 ml of pure alcohol): "2", "1.5"."""
    return parsing.parse_number(text, option, low=0, high=MAX_ALCOHOL_UNITS)


def parse_minutes(text: str, option: str = "--minutes") -> int:
    """Exercise minutes: "45" (minutes) or a duration such as "1h15m" -> 75."""
    if _PLAIN_NUMBER.fullmatch(text):
        value = round(parsing.parse_number(text, option, low=1, high=MAX_EXERCISE_MIN))
    else:
        value = round(parsing.parse_duration(text, option) / 60)
    if not 1 <= value <= MAX_EXERCISE_MIN:
        raise InvalidInput(option, text, f"Use whole minutes from 1 to {MAX_EXERCISE_MIN}.")
    return value


def parse_activity(text: str, option: str = "--activity") -> str:
    """An activity's name, lower-cased like `--exercise "run 45m"` stores it."""
    activity = " ".join(text.lower().split())
    if not activity or len(activity) > 80:
        raise InvalidInput(option, text, 'Name the activity in 1-80 characters, e.g. "run".')
    return activity


def parse_tags(values: list[str], option: str = "--tag") -> tuple[str, ...]:
    """The person's own suspected triggers, in the order given, without repeats."""
    tags: list[str] = []
    for value in values:
        tag = " ".join(value.split())
        if not tag or len(tag) > MAX_TAG_CHARS:
            raise InvalidInput(option, value, f"A tag is 1-{MAX_TAG_CHARS} characters.")
        if ";" in tag:
            raise InvalidInput(
                option, value, "A tag cannot contain ';' (it separates tags in CSV)."
            )
        if tag.lower() not in (known.lower() for known in tags):
            tags.append(tag)
    return tuple(tags)


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
class FieldChange:
    field: str  # a CHECKIN_FIELDS name
    before: object  # None when it was not set
    after: object


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
        trial_cases.check_answer(session, entry.day)
    row = cq.checkin_row_on(session, entry.day)
    created = row is None or row.deleted_at is not None
    given = entry.given()
    changes = [
        FieldChange(name, None if created else getattr(row, name), value)
        for name, value in given.items()
        if created or getattr(row, name) != value
    ]
    exercise = cq.checkin_exercise(session, entry.day, entry.day).get(entry.day)
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
    fresh = ExerciseSession(
        started_at=started,
        utc_offset_min=local_offset_min(started),
        activity=spec.activity,
        minutes=spec.minutes,
        intensity=spec.intensity,
        muscles=[],
        source="checkin",
        created_at=now,
        updated_at=now,
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
    rows = cq.list_checkins(session, since, until)
    if not rows:
        return []
    by_day = cq.checkin_exercise(session, rows[-1].date, rows[0].date)
    return [CheckinDay(row, by_day.get(row.date)) for row in rows]


# --- exercise sessions -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseInput:
    started_at: dt.datetime
    activity: str
    minutes: int
    intensity: str | None = None
    muscles: tuple[str, ...] = ()


def describe_exercise(row: ExerciseSession) -> str:
    """ "#4 run 45m vigorous, 2026-03-15 07:00": how messages name a session."""
    when = local_time(row.started_at, row.utc_offset_min).strftime("%Y-%m-%d %H:%M")
    return f"#{row.id} {format_exercise(row.activity, row.minutes, row.intensity)}, {when}"


def add_exercise(session: Session, entry: ExerciseInput, now: dt.datetime) -> ExerciseSession:
    row = ExerciseSession(
        started_at=entry.started_at,
        utc_offset_min=local_offset_min(entry.started_at),
        activity=entry.activity,
        minutes=entry.minutes,
        intensity=entry.intensity,
        muscles=list(entry.muscles),
        source="exercise",
        created_at=now,
        updated_at=now,
    )
    change = history.start_change(session, "exercise", "added an exercise session", now)
    session.add(row)
    session.flush()
    history.remember_created(session, change, row)
    change.summary = f"added exercise session {describe_exercise(row)}"
    return row


def list_exercise(
    session: Session, since: parsing.Bound | None = None, until: parsing.Bound | None = None
) -> list[ExerciseSession]:
    return list(cq.list_exercise(session, since, until))
