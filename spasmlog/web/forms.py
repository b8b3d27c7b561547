"""Form fields to use-case inputs, with the CLI's own parsers and messages.

The forms post the field names of the CLI's options (`muscle`, `side`, `at`, `duration`,
`severity`, `woke`, `fluid`, ...; `relief_score` for `--relief-score`) and accept the same
phrases ("last night 3am", "1m30s", "6 glasses"), because they go through the same functions of
spasmlog.core.parsing and spasmlog.core.when. Every field is checked before anything is
written; each bad one gets its message, shown beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from werkzeug.datastructures import MultiDict

from spasmlog.core import clock, parsing, when
from spasmlog.core.errors import InvalidInput
from spasmlog.core.settings import FluidUnit
from spasmlog.knowledge import drugs, factors
from spasmlog.knowledge.muscles import resolve_muscle

T = TypeVar("T")
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
YES_NO = ("yes", "no")  # a three-way toggle: yes, no, or "" (not answered)
CHECKIN_YES_NO = ("sweating", "vomiting", "diarrhea", "fever", "hot_weather")


class FormErrors(Exception):
    """Some fields are bad: nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def message(error: InvalidInput) -> str:
    """The CLI's message without its "--option: " prefix: the field it sits beside names it."""
    text = str(error)
    prefix = f"{error.option}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return text[:1].upper() + text[1:]


@dataclass
class Reader:
    """Reads fields of a posted form, collecting each bad one's message."""

    form: MultiDict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return (self.form.get(name) or "").strip()

    def take(self, name: str, parse: Callable[[str], T], key: str | None = None) -> T | None:
        """Parse field `name` when it is filled; None when empty or bad (then an error)."""
        text = self.text(name)
        if not text:
            return None
        try:
            value = parse(text)
        except InvalidInput as error:
            self.errors[name] = message(error)
            return None
        self.values[key or name] = value
        return value

    def choices(self, name: str, option: str, allowed: tuple[str, ...], key: str) -> None:
        picked: list[str] = []
        for raw in self.form.getlist(name):
            for item in parsing.parse_list(raw.replace(",", ";")):
                try:
                    choice = parsing.parse_choice(item, option, allowed)
                except InvalidInput as error:
                    self.errors[name] = message(error)
                    return
                if choice not in picked:
                    picked.append(choice)
        self.values[key] = picked

    def yes_no(self, name: str, option: str, key: str | None = None) -> None:
        self.take(name, lambda text: parsing.parse_bool(text, option), key)

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise FormErrors(self.errors)
        return self.values


def nonce(form: MultiDict[str, str]) -> str:
    """The form's one-time number (a double tap sends the same one twice)."""
    value = (form.get("nonce") or "").strip()
    if not NONCE.fullmatch(value):
        raise FormErrors({"nonce": "This form is out of date: reload the page and send it again."})
    return value


def _when(text: str, option: str = "--at") -> dt.datetime:
    return when.parse_when(text, clock.now(), option)


def _picked(reader: Reader, name: str) -> str:
    """A chip group's value, or the text of its "other" box when that chip is chosen."""
    chosen = reader.text(name)
    if chosen == "other":
        other = reader.text(f"{name}_other")
        if not other:
            reader.errors[name] = "Fill in the box, or pick one of the other choices."
        return other
    return chosen


def _fluid(unit: FluidUnit) -> Callable[[str], int]:
    """The fluid box: "1.5L", "6 glasses" (of the person's glass), or a bare number in the
    person's unit, which its hint names."""
    return lambda text: unit.parse(text, "--fluid", bare=True)


def episode_fields(
    form: MultiDict[str, str], unit: FluidUnit, required: bool = True
) -> dict[str, Any]:
    """A log or edit form's fields as EpisodeInput values (only the fields filled in)."""
    reader = Reader(form)
    if required and not reader.text("muscle"):
        reader.errors["muscle"] = "Pick the muscle."
    reader.take("muscle", resolve_muscle)
    reader.take("side", parsing.parse_side)
    for name, key, parse in (
        ("at", "started_at", _when),
        ("duration", "duration_s", parsing.parse_duration),
    ):
        text = _picked(reader, name)
        if text and name not in reader.errors:
            try:
                reader.values[key] = parse(text)
            except InvalidInput as error:
                reader.errors[name] = message(error)
    reader.take("severity", lambda text: parsing.parse_score(text, "--severity"))
    reader.yes_no("woke", "--woke")
    reader.take("fluid", _fluid(unit), "fluid_ml_24h")
    reader.take("exercise", parsing.parse_exercise)
    if "relief" in form:
        reader.choices("relief", "--relief", factors.RELIEF, "relief")
    reader.take("relief_score", lambda text: parsing.parse_score(text, "--relief-score"))
    if "symptom" in form:
        reader.choices("symptom", "--symptom", factors.SYMPTOMS, "symptoms")
    meds = reader.text("med")
    if meds:
        reader.values["extra_medications"] = [
            name.strip() for name in re.split(r"[,;]", meds) if name.strip()
        ]
    note = reader.text("note")
    if note:
        reader.values["note"] = note
    return reader.done()


def checkin_fields(form: MultiDict[str, str], unit: FluidUnit) -> dict[str, Any]:
    """A check-in form's fields as CheckinInput values; "not answered" leaves a field as it is."""
    reader = Reader(form)
    reader.take("date", lambda text: when.parse_date(text, clock.today()), "day")
    reader.take("fluid", _fluid(unit), "fluid_ml")
    for name in CHECKIN_YES_NO:
        reader.yes_no(name, f"--{name.replace('_', '-')}")
    reader.take("sleep", parsing.parse_sleep, "sleep_h")
    reader.take("magnesium", parsing.parse_magnesium, "magnesium_mg")
    reader.take("alcohol", parsing.parse_alcohol, "alcohol_units")
    exercised = reader.text("exercised")
    reader.take("exercise", parsing.parse_exercise)
    if exercised == "no":
        if "exercise" in reader.values:
            reader.errors["exercise"] = 'Say "no" to exercise, or what it was, not both.'
        reader.values["exercised"] = False
    elif exercised == "yes" and "exercise" not in reader.values:
        reader.values["exercised"] = True
    tags = reader.text("tag")
    if tags:
        split = [tag for tag in re.split(r"[,\n]", tags) if tag.strip()]
        reader.take("tag", lambda _: parsing.parse_tags(split), "tags")
    note = reader.text("note")
    if note:
        reader.values["note"] = note
    reader.yes_no("trial", "--trial", "trial_taken")
    values = reader.done()
    if not set(values) - {"day"}:
        raise FormErrors({"form": "Nothing to record: answer at least one question."})
    return values


def fluid_stepped(text: str, step: int, unit: FluidUnit) -> str:
    """The fluid box after a tap on - or +: one of the person's glasses more or less, written in
    the unit the box was in (the person's unit when it was empty or a bare number). Unreadable
    text stays as it is."""
    value = text.strip()
    try:
        millilitres = unit.parse(value, bare=True) if value else 0
    except InvalidInput:
        return text
    millilitres = max(0, min(parsing.MAX_VOLUME_ML, millilitres + step * unit.glass_ml))
    return unit.written_as(value).show(millilitres)


def fluid_box(millilitres: int | None, unit: FluidUnit) -> str:
    """A stored volume in an edit box: in the person's unit when that reads back exactly (so an
    edit of another field leaves it as it was), else in ml."""
    if millilitres is None:
        return ""
    shown = unit.show(millilitres)
    return shown if unit.parse(shown) == millilitres else f"{millilitres} ml"


def medication_fields(form: MultiDict[str, str]) -> dict[str, Any]:
    reader = Reader(form)
    today = clock.today()
    if not reader.text("name"):
        reader.errors["name"] = 'Give the medication\'s name, e.g. "atorvastatin".'
    reader.take("name", parsing.parse_med_name)
    reader.take("dose", parsing.parse_dose)
    reader.take("started", lambda text: when.parse_date(text, today, "--started"), "started_on")
    reader.take("stopped", lambda text: when.parse_date(text, today, "--stopped"), "stopped_on")
    reader.take("class", drugs.parse_drug_class, "drug_class")
    values = reader.done()
    values.setdefault("started_on", today)
    return values


def stop_fields(form: MultiDict[str, str]) -> tuple[str, dt.date]:
    reader = Reader(form)
    reader.take("on", lambda text: when.parse_date(text, clock.today(), "--on"), "on")
    values = reader.done()
    return reader.text("name"), values.get("on", clock.today())
