"""The Log page (an episode in four taps) and the Check-in page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from spasmlog.core import clock, parsing, when
from spasmlog.core.errors import InvalidInput
from spasmlog.core.settings import FluidUnit
from spasmlog.diary import checkins, episodes, trials, undo
from spasmlog.knowledge import factors
from spasmlog.knowledge.muscles import MUSCLES, label
from spasmlog.web import forms
from spasmlog.web.common import Outcome, context, new_nonce, once, page, preferences

pages = Blueprint("log", __name__)

FIRST_MUSCLES = 6  # chips shown before "all muscles"
USUAL = ("calf", "foot", "toes", "hamstring", "lower back", "neck")  # for a new diary
SIDES = (("left", "Left"), ("right", "Right"), ("both", "Both"), ("none", "No side"))
TIMES = (("now", "Just now"), ("1h ago", "1 h ago"), ("last night", "Last night"))
DURATIONS = (("10s", "10 s"), ("30s", "30 s"), ("1m", "1 min"), ("2m", "2 min"), ("5m", "5 min"))
CHECKIN_QUESTIONS = (
    ("sweating", "Sweated a lot?"),
    ("vomiting", "Vomited?"),
    ("diarrhea", "Diarrhea?"),
    ("fever", "Fever?"),
    ("hot_weather", "Hot weather?"),
)


def _muscle_order() -> list[tuple[str, str]]:
    with context().reading() as session:
        frequent = episodes.frequent_muscles(session)
    first = list(dict.fromkeys([*frequent, *USUAL]))[:FIRST_MUSCLES]
    rest = [muscle.name for muscle in MUSCLES if muscle.name not in first]
    return [(name, label(name)) for name in first + rest]


def _log_page(form: MultiDict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    muscles = _muscle_order()
    return page(
        "log.html",
        status,
        title="Log a spasm",
        tab="log",
        form=form,
        errors=errors,
        nonce=form.get("nonce") or new_nonce(),
        first=muscles[:FIRST_MUSCLES],
        rest=muscles[FIRST_MUSCLES:],
        sides=SIDES,
        times=TIMES,
        durations=DURATIONS,
        relief=factors.RELIEF,
        symptoms=factors.SYMPTOMS,
    )


@pages.get("/")
def log_form() -> Response:
    return _log_page(MultiDict({"at": "now"}), {})


def _summary(episode: Any) -> str:
    parts = [episodes.describe(episode)]
    if episode.duration_s:
        parts.append(parsing.format_duration(episode.duration_s))
    if episode.severity is not None:
        parts.append(f"severity {episode.severity}/10")
    return ", ".join(parts)


@pages.post("/log")
def log() -> Response:
    try:
        nonce = forms.nonce(request.form)
        given = forms.episode_fields(request.form, preferences().fluid)
    except forms.FormErrors as bad:
        return _log_page(request.form, bad.errors, 422)
    given.setdefault("started_at", clock.now())
    entry = episodes.EpisodeInput(**given)

    def action() -> Outcome:
        with context().writing() as session:
            logged = episodes.log_episode(session, entry, clock.now())
            change = undo.newest_change_id(session)
            line = _summary(logged.episode)
        note = clock.ambiguity(entry.started_at)
        return Outcome(
            f"Logged {line}.",
            change_id=change,
            back="/",
            back_label="Log another",
            tip=logged.tip.text,
            signs=tuple(sign.message for sign in logged.signs),
            notes=(note,) if note else (),
        )

    return once(nonce, action)


# --- check-in --------------------------------------------------------------------------------


def _day(text: str | None) -> dt.date:
    return when.parse_date(text or "today", clock.today(), "date")


def _recorded(
    day: dt.date, unit: FluidUnit
) -> tuple[list[tuple[str, str]], dict[str, str], str | None]:
    """What is stored for `day`: lines to show, the form's values, a trial's remedy."""
    with context().reading() as session:
        found = [row for row in checkins.list_checkins(session, day, day)]
        remedy = trials.remedy_on(session, day)
    if not found:
        return [], {}, remedy
    row, exercise = found[0].checkin, found[0].exercise
    lines, values = [], {}
    if row.fluid_ml is not None:
        lines.append(("Fluids", unit.both(row.fluid_ml)))
        values["fluid"] = forms.fluid_box(row.fluid_ml, unit)
    for name, question in CHECKIN_QUESTIONS:
        answer = getattr(row, name)
        if answer is not None:
            lines.append((question.rstrip("?"), "yes" if answer else "no"))
            values[name] = "yes" if answer else "no"
    for name, field, suffix in (
        ("sleep", "sleep_h", " h"),
        ("magnesium", "magnesium_mg", " mg"),
        ("alcohol", "alcohol_units", " units"),
    ):
        value = getattr(row, field)
        if value is not None:
            lines.append((name.capitalize(), f"{value:g}{suffix}"))
            values[name] = f"{value:g}"
    answer = checkins.exercise_answer(row.exercised, exercise)
    if answer is not None:
        lines.append(("Exercise", answer))
        values["exercised"] = "no" if answer == "no" else "yes"
        if answer not in ("yes", "no"):
            values["exercise"] = answer
    if row.tags:
        lines.append(("Tags", ", ".join(row.tags)))
        values["tag"] = ", ".join(row.tags)
    if row.note:
        lines.append(("Note", row.note))
        values["note"] = row.note
    if row.trial_taken is not None:
        lines.append(("Trial remedy", "taken" if row.trial_taken else "not taken"))
        values["trial"] = "yes" if row.trial_taken else "no"
    return lines, values, remedy


def _checkin_page(
    day: dt.date, form: MultiDict[str, str] | None, errors: dict[str, str], status: int = 200
) -> Response:
    unit = preferences().fluid
    lines, values, remedy = _recorded(day, unit)
    shown = form if form is not None else MultiDict(values)
    today = clock.today()
    return page(
        "checkin.html",
        status,
        title="Check-in",
        tab="checkin",
        day=day,
        today=today,
        yesterday=today - dt.timedelta(days=1),
        recorded=lines,
        form=shown,
        errors=errors,
        nonce=shown.get("nonce") or new_nonce(),
        questions=CHECKIN_QUESTIONS,
        remedy=remedy,
        unit=unit,
    )


@pages.get("/checkin")
def checkin_form() -> Response:
    try:
        day = _day(request.args.get("date"))
    except InvalidInput as error:
        return _checkin_page(clock.today(), None, {"date": forms.message(error)}, 422)
    return _checkin_page(day, None, {})


@pages.post("/checkin")
def checkin() -> Response:
    form = request.form
    try:
        day = _day(form.get("date"))
    except InvalidInput as error:
        return _checkin_page(clock.today(), form, {"date": forms.message(error)}, 422)
    step = form.get("step")
    if step in ("-1", "+1"):  # the fluid stepper without JavaScript: nothing is written
        changed = MultiDict(form)
        unit = preferences().fluid
        changed["fluid"] = forms.fluid_stepped(form.get("fluid", ""), int(step), unit)
        return _checkin_page(day, changed, {})
    try:
        nonce = forms.nonce(form)
        given = forms.checkin_fields(form, preferences().fluid)
    except forms.FormErrors as bad:
        return _checkin_page(day, form, bad.errors, 422)
    given.setdefault("day", day)
    entry = checkins.CheckinInput(**given)

    def action() -> Outcome:
        with context().writing() as session:
            result = checkins.record_checkin(session, entry, clock.now())
            change = undo.newest_change_id(session) if result.changes else None
        where = f"/checkin?date={entry.day.isoformat()}"
        if not result.changes:
            return Outcome(
                f"The check-in for {entry.day} already says that; nothing changed.", back=where
            )
        names = ", ".join(checkins.LABELS[change.field] for change in result.changes)
        verb = "Checked in" if result.created else "Updated the check-in"
        return Outcome(f"{verb} for {entry.day}: {names}.", change, where, "Check-in")

    return once(nonce, action)
