"""The quick check-in: `spasmlog checkin` with no field on a terminal asks exactly the questions
the reports use, in this order: fluids and sleep (typed), exercise, heavy sweating or fluid loss,
alcohol, magnesium, hot weather, and the trial's question while a trial covers the night.

Yes/no questions take one key: y, n, or s to skip (not answered, which is not "no"); Enter takes
the answer in capitals: the day's stored answer when there is one, else "no" for the rare
exposures ([y/N/s]); exercise and the trial have no default. Typed answers have none either
(nobody measured yesterday's fluids for today); Enter leaves them unanswered, or as stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click
import typer

from spasmlog.cli.common import printable
from spasmlog.core import parsing
from spasmlog.core.errors import InvalidInput
from spasmlog.core.settings import FluidUnit

T = TypeVar("T")
KEYS = {"y": True, "n": False, "s": None}
ANSWERED = {True: "yes", False: "no", None: "skipped"}
LOSS = {"s": "sweating", "v": "vomiting", "d": "diarrhea", "f": "fever"}


def one_key(question: str, default: bool | None, skip: bool = True) -> bool | None:
    """Ask a yes/no question answered with one key; True, False, or None when skipped."""
    hint = {False: "[y/N/s]", True: "[Y/n/s]", None: "[y/n/s]"}[default]
    if not skip:
        hint = hint.replace("/s", "")
    typer.echo(f"{question} {hint} ", nl=False)
    while True:
        key = click.getchar()  # Ctrl-C aborts: nothing is saved
        if key in ("\r", "\n"):
            if default is None:
                continue  # no default: one of the three keys
            answer: bool | None = default
        elif key.lower() in KEYS and (skip or key.lower() != "s"):
            answer = KEYS[key.lower()]
        else:
            continue
        typer.echo(ANSWERED[answer])
        return answer


def typed(question: str, parse: Callable[[str], T], stored: str = "") -> T | None:
    """A typed answer; Enter leaves it unanswered (or as stored). Asks again until it parses."""
    keeps = f" (now {stored}; Enter keeps it)" if stored else " (Enter skips)"
    while True:
        answer = typer.prompt(f"{question}{keeps}", default="", show_default=False)
        if not answer.strip():
            return None
        try:
            return parse(answer)
        except InvalidInput as error:
            typer.echo(f"  {error.accepted}", err=True)


def _stored_bool(stored: dict[str, Any], name: str, rare: bool = True) -> bool | None:
    value = stored.get(name)
    return value if isinstance(value, bool) else (False if rare else None)


def ask(
    given: dict[str, Any],
    day: dt.date,
    today: dt.date,
    unit: FluidUnit,
    stored: dict[str, Any],
    remedy: str | None,
    shown: Callable[[str, Any], str],
) -> None:
    """Fill `given` (CheckinInput fields) from the person's answers about `day`. `stored` holds
    the day's check-in as it is (empty for a new one), `remedy` the trial's remedy if a trial
    covers that night, `shown(field, value)` how a stored value reads."""
    that = "today" if day == today else "that day"
    when = " (today)" if day == today else ""
    typer.echo(
        f"Check-in for {day:%A} {day.day} {day:%b}{when}. Answer y or n with one key, s to skip "
        "(not answered is not the same as no); Enter takes the capital letter."
    )
    given["fluid_ml"] = typed(
        f"Fluids {that}, in {unit.label}, e.g. {unit.example}",
        lambda text: unit.parse(text, "fluids", bare=True),
        shown("fluid_ml", stored.get("fluid_ml")),
    )
    given["sleep_h"] = typed(
        "Hours slept, e.g. 7.5 or 7h30m",
        parsing.parse_sleep,
        shown("sleep_h", stored.get("sleep_h")),
    )
    known = True if "exercise" in stored else _stored_bool(stored, "exercised", rare=False)
    exercised = one_key(f"Exercise {that}?", known)
    given["exercised"] = exercised
    if exercised:
        spec = typed("What and how long, e.g. run 45m vigorous", parsing.parse_exercise)
        if spec is not None:
            given["exercise"], given["exercised"] = spec, None
    _fluid_loss(given, that, stored)
    given["alcohol_units"] = _amount(
        f"Alcohol {that}?", "How many units (10 ml of pure alcohol each)",
        parsing.parse_alcohol, stored.get("alcohol_units"),
    )  # fmt: skip
    given["magnesium_mg"] = _amount(
        f"Magnesium {that}?", "How many mg", parsing.parse_magnesium, stored.get("magnesium_mg")
    )
    given["hot_weather"] = one_key(f"Hot weather {that}?", _stored_bool(stored, "hot_weather"))
    if remedy is not None:
        given["trial_taken"] = one_key(
            f"Trial: did you take {printable(remedy)} that night?",
            _stored_bool(stored, "trial_taken", rare=False),
        )


def _fluid_loss(given: dict[str, Any], that: str, stored: dict[str, Any]) -> None:
    """One question for the fluid-loss factor; a yes asks which."""
    known = [stored.get(name) for name in LOSS.values()]
    default = any(known) if all(value is not None for value in known) else False
    lost = one_key(f"Heavy sweating or fluid loss {that} (vomiting, diarrhea, fever)?", default)
    if lost is None:
        return
    which: set[str] = set()
    while lost and not which:
        letters = typer.prompt(
            "Which: s sweating, v vomiting, d diarrhea, f fever (e.g. sv)",
            default="",
            show_default=False,
        )
        which = {LOSS[ch] for ch in letters.lower() if ch in LOSS}
    for name in LOSS.values():
        given[name] = name in which


def _amount(
    question: str, how_much: str, parse: Callable[[str], float], stored: float | None
) -> float | None:
    """A yes/no question (default no) whose yes asks how much; no is 0."""
    default = None if stored is None else stored > 0
    taken = one_key(question, False if default is None else default)
    if not taken:
        return None if taken is None else 0.0
    while True:
        amount = typed(how_much, parse, "" if not stored else f"{stored:g}")
        if amount is None:
            return stored if stored else None  # a yes without an amount stays unanswered
        if amount > 0:
            return amount
        typer.echo("  Give an amount above 0 (or answer n).", err=True)
