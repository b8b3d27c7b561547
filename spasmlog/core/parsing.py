"""Everyday words to typed values: "1m30s", "6 glasses", "3 pints", "run 45m hard", "7/10",
"7h30m".

(Times and dates: spasmlog.core.when.)

Pure functions. Each raises `InvalidInput` naming the option (or import column) it was given, the
value and what is accepted, so that the CLI and the importer share one set of checks and messages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spasmlog.core.errors import InvalidInput

DURATION_HELP = (
    'Use a number with a unit: "45s", "2m", "1m30s", "1.5 min", "1h", or "m:ss" like "1:30".'
)
VOLUME_HELP = (
    'Use a number with a unit: "1.5L", "500 ml", "6 glasses" (250 ml each), "40 oz" (US fl oz), '
    '"2 cups" (240 ml each), "3 pints" (UK, 568 ml; "3 US pints": 473 ml).'
)
INTENSITIES = ("light", "moderate", "vigorous")
# Words people use for how hard, and the intensity each means.
INTENSITY_WORDS = {
    **dict.fromkeys(("easy", "gentle", "low", "slow", "relaxed"), "light"),
    **dict.fromkeys(("medium", "mid", "steady", "normal", "average"), "moderate"),
    **dict.fromkeys(("hard", "intense", "high", "heavy", "fast", "tough", "max"), "vigorous"),
}
EXERCISE_HELP = (
    'Use "ACTIVITY DURATION [INTENSITY]", e.g. "run 45m vigorous", "walk 30 min light", '
    f'"swim 1h hard". Intensity is one of {", ".join(INTENSITIES)} (or easy, medium, hard).'
)
SIDES = ("left", "right", "both", "none")
_SIDE_ALIASES = {
    "l": "left",
    "r": "right",
    "b": "both",
    "bilateral": "both",
    "n/a": "none",
    "na": "none",
    "-": "none",
    "centre": "none",
    "center": "none",
    "middle": "none",
}
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}
MAX_DURATION_S = 24 * 3600
MAX_VOLUME_ML = 20_000
MAX_SLEEP_H = 24.0
MAX_MAGNESIUM_MG = 5000.0  # supplements are 100-400 mg; beyond this it is a typo
MAX_ALCOHOL_UNITS = 100.0
MAX_EXERCISE_MIN = 24 * 60
MAX_TAG_CHARS = 40
MAX_NAME_CHARS = 120  # of a medication or a condition
MAX_DOSE_CHARS = 60
_PLAIN_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*")

_UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
}
_UNIT_ML = {
    **dict.fromkeys(("ml", "milliliter", "milliliters", "millilitre", "millilitres"), 1.0),
    **dict.fromkeys(("cl",), 10.0),
    **dict.fromkeys(("dl",), 100.0),
    **dict.fromkeys(("l", "liter", "liters", "litre", "litres"), 1000.0),
    **dict.fromkeys(("glass", "glasses"), 250.0),
    **dict.fromkeys(("cup", "cups"), 240.0),
    **dict.fromkeys(("oz", "floz", "fl oz", "fl.oz", "ounce", "ounces"), 29.5735),
    **dict.fromkeys(("pint", "pints", "pt", "pts", "uk pint", "uk pints"), 568.261),
    **dict.fromkeys(("imperial pint", "imperial pints"), 568.261),
    **dict.fromkeys(("us pint", "us pints"), 473.176),
}
_BARE_PINTS = ("pint", "pints", "pt", "pts")  # taken as UK pints, and said so
MANY_LITRES_ML = 8_000  # more in a day is rare enough that a slipped decimal is likelier
LONG_CRAMP_S = 30 * 60  # longer than this, a cramp is likelier a unit typed wrong
NUMBER = r"\d+(?:[.,]\d+)?|[.,]\d+"
_DURATION_PART = re.compile(rf"\s*({NUMBER})\s*([a-z]+)\s*")


def number(text: str) -> float:
    return float(text.replace(",", "."))


def _finite(value: float) -> bool:
    return math.isfinite(value)


# --- durations -------------------------------------------------------------------------------


def parse_duration(text: str, option: str = "--duration") -> int:
    """ "45s", "2m", "1m30s", "1.5 min", "1:30" -> whole seconds (rounded), 1 s to 24 h."""
    raw = text.strip().lower()
    seconds: float | None = None
    clock = re.fullmatch(r"(\d+):([0-5]\d)(?::([0-5]\d))?", raw)
    if clock:
        a, b, c = clock.groups()
        seconds = int(a) * 3600 + int(b) * 60 + int(c) if c else int(a) * 60 + int(b)
    elif raw:
        total, pos = 0.0, 0
        for match in _DURATION_PART.finditer(raw):
            if match.start() != pos or match.group(2) not in _UNIT_SECONDS:
                break
            total += number(match.group(1)) * _UNIT_SECONDS[match.group(2)]
            pos = match.end()
        else:
            if pos == len(raw):
                seconds = total
    if seconds is None or not _finite(seconds):
        raise InvalidInput(option, text, DURATION_HELP)
    rounded = round(seconds)
    if rounded < 1 or rounded > MAX_DURATION_S:
        raise InvalidInput(option, text, "A duration must be between 1 second and 24 hours.")
    return rounded


def format_duration(seconds: int | None) -> str:
    """90 -> "1m30s"; the inverse of parse_duration for whole seconds."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts) or "0s"


# --- volumes ---------------------------------------------------------------------------------


def parse_volume(text: str, option: str = "--fluid") -> int:
    """ "1.5L", "500 ml", "6 glasses", "40 oz", "3 pints" -> millilitres (rounded), 0 to 20 L.
    A bare pint is a UK pint (568 ml); `volume_notes` says so."""
    raw = text.strip().lower()
    match = re.fullmatch(rf"({NUMBER})\s*([a-z][a-z. ]*?)\s*", raw)
    if not match or match.group(2) not in _UNIT_ML:
        raise InvalidInput(option, text, VOLUME_HELP)
    millilitres = number(match.group(1)) * _UNIT_ML[match.group(2)]
    if not _finite(millilitres) or millilitres > MAX_VOLUME_ML:
        raise InvalidInput(option, text, "A day's fluids must be between 0 and 20 L.")
    return round(millilitres)


def _number_and_unit(text: str) -> tuple[str, str, str] | None:
    """ "17L" -> ("17", "l", "L"): the number, the unit lower-cased, and the unit as typed."""
    match = re.fullmatch(rf"({NUMBER})(\s*)([a-z][a-z. ]*?)\s*", text.strip(), re.IGNORECASE)
    if match is None:
        return None
    return match.group(1), match.group(3).lower(), match.group(2) + match.group(3)


@dataclass(frozen=True)
class Doubt:
    """A value taken as typed that may not be what was meant: the line saying so, and the value
    likelier meant (None when none is)."""

    text: str
    instead: str | None = None


def volume_doubts(text: str, millilitres: int, option: str = "--fluid") -> list[Doubt]:
    """What to say about a volume that was taken, but maybe not as meant: which pint a bare
    "pints" was, and a day's fluids so large that a slipped decimal is likelier ("17L")."""
    doubts = []
    parts = _number_and_unit(text)
    if parts and parts[1] in _BARE_PINTS:
        us = f"{number(parts[0]):g} US pints"
        doubts.append(
            Doubt(
                f'took {option} "{text.strip()}" as UK pints (568 ml each: '
                f'{millilitres / 1000:g} L); US pints are 473 ml ("{us}").',
                us,
            )
        )
    if millilitres > MANY_LITRES_ML:
        meant = f"{number(parts[0]) / 10:g}{parts[2]}" if parts else f"{millilitres / 10_000:g}L"
        doubts.append(
            Doubt(
                f"{option} {text.strip()} is {millilitres / 1000:g} L, a lot for one day; "
                f"did you mean {meant}?",
                meant,
            )
        )
    return doubts


def duration_doubt(text: str, seconds: int, option: str = "--duration") -> Doubt | None:
    """A cramp so long that a unit typed wrong is likelier ("3h" for "3m"); None for an
    everyday length."""
    if seconds <= LONG_CRAMP_S:
        return None
    match = re.fullmatch(rf"\s*({NUMBER})\s*([a-z]+)\s*", text.lower())
    smaller = {"h": "m", "hr": "m", "hrs": "m", "hour": "min", "hours": "min"}
    smaller.update(dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "s"))
    meant = (
        f"{match.group(1)}{smaller[match.group(2)]}"
        if match and match.group(2) in smaller
        else None
    )
    typed, shown = text.strip(), format_duration(seconds)
    said = typed if shown == typed else f"{typed} ({shown})"
    hint = f" Did you mean {meant}?" if meant else ""
    return Doubt(
        f"{option} {said} is long for a cramp, which usually lasts seconds to minutes.{hint}",
        meant,
    )


def litres_to_ml(text: str, option: str) -> int:
    """A plain number of litres (the CSV column form) -> millilitres."""
    value = parse_number(text, option, low=0, high=MAX_VOLUME_ML / 1000)
    return round(value * 1000)


# --- numbers, booleans, choices ------------------------------------------------------------------


def parse_number(text: str, option: str, low: float, high: float) -> float:
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(option, text, f"Use a number from {low:g} to {high:g}.") from None
    if not _finite(value) or not low <= value <= high:
        raise InvalidInput(option, text, f"Use a number from {low:g} to {high:g}.")
    return value


def parse_score(text: str | int, option: str) -> int:
    """A 0-10 score (severity, relief) as a whole number: "7", "7/10", "7 out of 10"."""
    value = re.sub(r"\s*(?:/|out\s+of|of)\s*10\s*$", "", str(text).strip().lower())
    if not re.fullmatch(r"\d{1,2}", value) or int(value) > 10:
        raise InvalidInput(option, text, "Use a whole number from 0 (none) to 10 (worst).")
    return int(value)


def parse_bool(text: str, option: str) -> bool:
    value = str(text).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(option, text, "Use yes/no, true/false or 1/0.")


def parse_side(text: str, option: str = "--side") -> str:
    value = text.strip().lower()
    value = _SIDE_ALIASES.get(value, value)
    if value not in SIDES:
        raise InvalidInput(option, text, f"Use one of: {', '.join(SIDES)}.")
    return value


def parse_intensity(text: str, option: str = "--intensity") -> str:
    """How hard: light, moderate or vigorous, or an everyday word for one ("hard", "easy")."""
    value = " ".join(text.strip().lower().split())
    value = INTENSITY_WORDS.get(value, value)
    if value not in INTENSITIES:
        raise InvalidInput(
            option, text, f"Use one of: {', '.join(INTENSITIES)} (or easy, medium, hard)."
        )
    return value


def parse_choice(text: str, option: str, choices: tuple[str, ...]) -> str:
    value = text.strip().lower()
    if value not in choices:
        raise InvalidInput(option, text, f"Use one of: {', '.join(choices)}.")
    return value


def parse_list(text: str | None) -> list[str]:
    """ "a; b;;c" -> ["a", "b", "c"]: the list form of CSV cells."""
    if not text:
        return []
    return [item.strip() for item in text.split(";") if item.strip()]


# --- exercise ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseSpec:
    activity: str
    minutes: int
    intensity: str | None


def parse_exercise(text: str, option: str = "--exercise") -> ExerciseSpec:
    """ "run 45m vigorous" -> ExerciseSpec("run", 45, "vigorous")."""
    words = text.strip().lower().split()
    last = INTENSITY_WORDS.get(words[-1], words[-1]) if words else ""
    intensity = last if last in INTENSITIES else None
    if intensity is not None:
        words.pop()
    duration_at = next((i for i in range(len(words)) if re.match(rf"^({NUMBER})", words[i])), None)
    if not words or duration_at is None or duration_at == 0:
        raise InvalidInput(option, text, EXERCISE_HELP)
    activity = " ".join(words[:duration_at])
    try:
        seconds = parse_duration(" ".join(words[duration_at:]), option)
    except InvalidInput:
        raise InvalidInput(option, text, EXERCISE_HELP) from None
    if len(activity) > 80:
        raise InvalidInput(option, text, "Keep the activity name under 80 characters.")
    return ExerciseSpec(activity=activity, minutes=max(1, round(seconds / 60)), intensity=intensity)


def format_exercise(activity: str, minutes: int | None, intensity: str | None) -> str:
    """The inverse of parse_exercise: "run 45m vigorous"."""
    parts = [activity, f"{minutes}m" if minutes else "", intensity or ""]
    return " ".join(part for part in parts if part)


# --- check-in fields ---------------------------------------------------------------------------


def parse_sleep(text: str, option: str = "--sleep") -> float:
    """Hours slept: "7.5" (hours) or a duration such as "7h30m" -> 7.5."""
    if _PLAIN_NUMBER.fullmatch(text):
        return parse_number(text, option, low=0, high=MAX_SLEEP_H)
    return round(parse_duration(text, option) / 3600, 2)


def parse_magnesium(text: str, option: str = "--magnesium") -> float:
    """Magnesium taken, in mg: "400" or "400 mg"."""
    amount = re.sub(r"\s*mg\s*$", "", text.strip().lower())
    return parse_number(amount, option, low=0, high=MAX_MAGNESIUM_MG)


def parse_alcohol(text: str, option: str = "--alcohol") -> float:
    """Units of alcohol (one UK unit is 10 ml of pure alcohol): "2", "1.5"."""
    return parse_number(text, option, low=0, high=MAX_ALCOHOL_UNITS)


def parse_minutes(text: str, option: str = "--minutes") -> int:
    """Exercise minutes: "45" (minutes) or a duration such as "1h15m" -> 75."""
    if _PLAIN_NUMBER.fullmatch(text):
        value = round(parse_number(text, option, low=1, high=MAX_EXERCISE_MIN))
    else:
        value = round(parse_duration(text, option) / 60)
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


# --- IDs --------------------------------------------------------------------------------------

MAX_IDS = 1000  # one command's worth: a range wider than this is a typo


def parse_ids(values: list[str], option: str = "ID") -> list[int]:
    """ "2", "3", "5-7", "9..10" -> [2, 3, 5, 6, 7, 9, 10], in the order given, each once."""
    found: list[int] = []
    seen: set[int] = set()
    for value in values:
        for part in value.replace(",", " ").split():
            first, sep, last = part.replace("..", "-").partition("-")
            if not first.isdigit() or (sep and not last.isdigit()):
                raise InvalidInput(
                    option, value, 'Use the numbers `list` shows: "12", "12 13" or "12-15".'
                )
            low, high = int(first), int(last) if sep else int(first)
            if high < low or high - low >= MAX_IDS:
                raise InvalidInput(
                    option, value, f"A range runs from low to high, at most {MAX_IDS} IDs."
                )
            for number in range(low, high + 1):
                if number not in seen:
                    seen.add(number)
                    found.append(number)
    if not found:
        raise InvalidInput.missing(option, 'Give the ID `list` shows, e.g. "12" or "12-15".')
    return found


# --- names ------------------------------------------------------------------------------------


def parse_med_name(text: str, option: str = "NAME") -> str:
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            option,
            text,
            f"Give the medication's name (1-{MAX_NAME_CHARS} "
            'characters), e.g. "atorvastatin" or "Lipitor".',
        )
    return name


def parse_dose(text: str, option: str = "--dose") -> str | None:
    """Free text ("20 mg", "1 tablet twice a day"); an empty dose is no dose."""
    dose = " ".join(text.split())
    if len(dose) > MAX_DOSE_CHARS:
        raise InvalidInput(option, text, f"Keep the dose under {MAX_DOSE_CHARS} characters.")
    return dose or None


def parse_condition_name(text: str, option: str = "NAME") -> str:
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            option,
            text,
            f"Give the condition's name (1-{MAX_NAME_CHARS} "
            'characters), e.g. "hypothyroidism" or "type 2 diabetes".',
        )
    return name
