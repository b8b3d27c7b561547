"""The Diary page: episodes newest first (edit, delete, restore), check-ins, medications (add,
stop), and the latest changes with an Undo of each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from spasmlog.core import clock, parsing
from spasmlog.core.clock import local_time
from spasmlog.core.errors import NotFound
from spasmlog.core.settings import FluidUnit
from spasmlog.diary import checkins, episodes, medications, undo
from spasmlog.knowledge import drugs, factors
from spasmlog.knowledge.muscles import MUSCLES, label
from spasmlog.web import forms
from spasmlog.web.common import Outcome, context, new_nonce, once, page, preferences

pages = Blueprint("diary", __name__)

PAGE_SIZE = 30
CHECKIN_DAYS = 14  # the Diary lists the check-ins of the last two weeks; Check-in shows any day
MAX_SHOWN = 3000
MAX_ID = 2**63 - 1


def _shown(episode: Any, exercise: Any, unit: FluidUnit) -> dict[str, Any]:
    """An episode as the list shows it."""
    started = local_time(episode.started_at, episode.utc_offset_min)
    details = [
        parsing.format_duration(episode.duration_s) if episode.duration_s else "",
        f"severity {episode.severity}/10" if episode.severity is not None else "",
        "woke me" if episode.woke else "",
        f"fluids {unit.show(episode.fluid_ml_24h)}" if episode.fluid_ml_24h is not None else "",
        parsing.format_exercise(exercise.activity, exercise.minutes, exercise.intensity)
        if exercise is not None
        else "",
        ", ".join(episode.symptoms),
    ]
    return {
        "id": episode.id,
        "when": started.strftime("%a %d %b %Y, %H:%M"),
        "muscle": label(episode.muscle),
        "side": episode.side if episode.side and episode.side != "none" else "",
        "details": " · ".join(part for part in details if part),
        "note": episode.note or "",
        "deleted": episode.deleted_at is not None,
    }


def _checkin_line(day: Any, unit: FluidUnit) -> str:
    row = day.checkin
    parts = []
    if row.fluid_ml is not None:
        parts.append(f"fluids {unit.show(row.fluid_ml)}")
    if row.sleep_h is not None:
        parts.append(f"sleep {row.sleep_h:g} h")
    answer = checkins.exercise_answer(row.exercised, day.exercise)
    if answer is not None:
        parts.append(f"exercise {answer}")
    parts += [checkins.LABELS[name] for name in forms.CHECKIN_YES_NO if getattr(row, name)]
    if row.tags:
        parts.append(", ".join(row.tags))
    return " · ".join(parts) or "(nothing but a note)"


def _count(request_value: str | None) -> int:
    try:
        wanted = int(request_value or PAGE_SIZE)
    except ValueError:
        wanted = PAGE_SIZE
    return max(PAGE_SIZE, min(MAX_SHOWN, wanted))


@pages.get("/diary")
def diary() -> Response:
    shown = _count(request.args.get("show"))
    deleted = request.args.get("deleted") == "1"
    unit = preferences().fluid
    with context().reading() as session:
        rows = episodes.list_episodes(session, limit=shown + 1, include_deleted=deleted)
        items = [_shown(episode, exercise, unit) for episode, exercise in rows[:shown]]
        recent = clock.today() - dt.timedelta(days=CHECKIN_DAYS - 1)
        days = checkins.list_checkins(session, since=recent)
        days_shown = [(day.checkin.date, _checkin_line(day, unit)) for day in days]
        meds = [
            (row.id, medications.describe(row), row.dose or "", str(row.started_on))
            for row in medications.list_medications(session)
        ]
        changes = undo.recent_changes(session)
    return page(
        "diary.html",
        title="Diary",
        tab="diary",
        episodes=items,
        more=len(rows) > shown,
        shown=shown,
        deleted=deleted,
        checkins=days_shown,
        meds=meds,
        changes=changes,
        nonce=new_nonce(),
        classes=drugs.DRUG_CLASSES,
        form=MultiDict(),
        errors={},
    )


def _episode_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound(f"No episode with ID {text}.")
    return int(text)


def _current(
    session: Any, episode_id: int, unit: FluidUnit
) -> tuple[Any, dict[str, Any], MultiDict[str, str]]:
    """An episode, its editable values (EpisodeInput names) and its edit form's fields."""
    episode, exercise = episodes.show_episode(session, episode_id)
    extras = medications.extras_beyond(
        episode.medications, medications.medication_lists(session)(episode.local_date)
    )
    spec = (
        parsing.ExerciseSpec(exercise.activity, exercise.minutes or 0, exercise.intensity)
        if exercise is not None
        else None
    )
    values = {
        "muscle": episode.muscle, "side": episode.side, "started_at": episode.started_at,
        "duration_s": episode.duration_s, "severity": episode.severity, "woke": episode.woke,
        "fluid_ml_24h": episode.fluid_ml_24h, "exercise": spec, "relief": list(episode.relief),
        "relief_score": episode.relief_score, "symptoms": list(episode.symptoms),
        "extra_medications": extras, "note": episode.note,
    }  # fmt: skip
    started = local_time(episode.started_at, episode.utc_offset_min)
    fields = MultiDict(
        {
            "muscle": episode.muscle,
            "side": episode.side or "",
            "at": started.strftime("%Y-%m-%d %H:%M"),
            "duration": parsing.format_duration(episode.duration_s),
            "severity": "" if episode.severity is None else str(episode.severity),
            "woke": {True: "yes", False: "no", None: ""}[episode.woke],
            "fluid": forms.fluid_box(episode.fluid_ml_24h, unit),
            "exercise": parsing.format_exercise(spec.activity, spec.minutes, spec.intensity)
            if spec
            else "",
            "relief_score": "" if episode.relief_score is None else str(episode.relief_score),
            "med": ", ".join(extras),
            "note": episode.note or "",
        }
    )
    for item in episode.relief:
        fields.add("relief", item)
    for item in episode.symptoms:
        fields.add("symptom", item)
    return episode, values, fields


CLEARED = {
    "side": "side", "duration": "duration_s", "severity": "severity", "woke": "woke",
    "fluid": "fluid_ml_24h", "exercise": "exercise", "relief_score": "relief_score",
    "med": "extra_medications", "note": "note",
}  # fmt: skip


def _edit_page(
    episode_id: int, form: MultiDict[str, str] | None, errors: dict[str, str], status: int = 200
) -> Response:
    with context().reading() as session:
        episode, _, fields = _current(session, episode_id, preferences().fluid)
        name = episodes.describe(episode)
    shown = form if form is not None else fields
    return page(
        "edit.html",
        status,
        title=f"Edit {name}",
        tab="diary",
        episode_id=episode_id,
        form=shown,
        errors=errors,
        nonce=shown.get("nonce") or new_nonce(),
        muscles=[(muscle.name, muscle.label) for muscle in MUSCLES],
        relief=factors.RELIEF,
        symptoms=factors.SYMPTOMS,
    )


@pages.get("/episodes/<episode_id>/edit")
def edit_form(episode_id: str) -> Response:
    return _edit_page(_episode_id(episode_id), None, {})


@pages.post("/episodes/<episode_id>/edit")
def edit(episode_id: str) -> Response:
    wanted = _episode_id(episode_id)
    form = request.form
    try:
        nonce = forms.nonce(form)
        unit = preferences().fluid
        given = forms.episode_fields(form, unit)
    except forms.FormErrors as bad:
        return _edit_page(wanted, form, bad.errors, 422)
    for name, key in CLEARED.items():  # a box emptied clears that field
        if name in form and not form.get(name, "").strip():
            given[key] = [] if key == "extra_medications" else None

    def action() -> Outcome:
        with context().writing() as session:
            _, current, _ = _current(session, wanted, unit)
            updates = {key: value for key, value in given.items() if current.get(key) != value}
            if not updates:
                return Outcome("Nothing differed; nothing changed.", back="/diary")
            edited = episodes.edit_episode(session, wanted, updates, clock.now())
            if not edited.changes:
                return Outcome("Nothing differed; nothing changed.", back="/diary")
            change = undo.newest_change_id(session)
            name = episodes.describe(edited.episode)
        return Outcome(f"Updated {name}.", change, "/diary", "Diary")

    return once(nonce, action)


@pages.post("/episodes/<episode_id>/delete")
def delete(episode_id: str) -> Response:
    return _episode_change(episode_id, episodes.delete_episode, "Deleted")


@pages.post("/episodes/<episode_id>/restore")
def restore(episode_id: str) -> Response:
    return _episode_change(episode_id, episodes.restore_episode, "Restored")


def _episode_change(
    episode_id: str, use_case: Callable[[Any, int, dt.datetime], Any], done: str
) -> Response:
    """One episode deleted or restored, once per form, with the change's undo button."""
    wanted = _episode_id(episode_id)
    nonce = forms.nonce(request.form)

    def action() -> Outcome:
        with context().writing() as session:
            name = episodes.describe(use_case(session, wanted, clock.now()))
            change = undo.newest_change_id(session)
        return Outcome(f"{done} {name}.", change, "/diary", "Diary")

    return once(nonce, action)


@pages.post("/meds/add")
def meds_add() -> Response:
    try:
        nonce = forms.nonce(request.form)
        entry = medications.MedicationInput(**forms.medication_fields(request.form))
    except forms.FormErrors as bad:
        return page(
            "meds_add.html", 422, title="Add a medication", tab="diary", form=request.form,
            errors=bad.errors, nonce=request.form.get("nonce") or new_nonce(),
            classes=drugs.DRUG_CLASSES,
        )  # fmt: skip

    def action() -> Outcome:
        with context().writing() as session:
            added = medications.add_medication(session, entry, clock.now())
            change = undo.newest_change_id(session)
            what = medications.describe(added.medication)
            updated = added.episodes_updated
        notes = (f"Updated the medications of {updated} logged episode(s).",) if updated else ()
        return Outcome(f"Added {what}.", change, "/diary", "Diary", notes=notes)

    return once(nonce, action)


@pages.post("/meds/stop")
def meds_stop() -> Response:
    nonce = forms.nonce(request.form)
    name, day = forms.stop_fields(request.form)

    def action() -> Outcome:
        with context().writing() as session:
            stopped = medications.stop_medication(session, name, day, clock.now())
            change = undo.newest_change_id(session)
            what = medications.describe(stopped.medication)
        return Outcome(f"Stopped {what}: last taken {day}.", change, "/diary", "Diary")

    return once(nonce, action)
