"""Everyday words to typed values: "yesterday 23:30", "1m30s", "6 glasses", "run 45m vigorous".

Pure functions. Each raises `InvalidInput` naming the option (or import column) it was given, the
value and what is accepted, so that the CLI and the importer share one set of checks and messages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from spasmlog.core import clock
from spasmlog.core.errors import InvalidInput

WHEN_HELP = (
    'Use ISO 8601 ("2026-03-01T23:30", "2026-03-01 23:30+01:00") or a phrase: "now", "today 14:00", '
    '"yesterday 23:30", "2h ago", "90 min ago", "last night 3am", "23:30".'
)
DATE_HELP = 'Use YYYY-MM-DD, "today", "yesterday", "3 days ago" or a weekday ("monday").'
DURATION_HELP = (
    'Use a number with a unit: "45s", "2m", "1m30s", "1.5 min", "1h", or "m:ss" like "1:30".'
)
VOLUME_HELP = (
    'Use a number with a unit: "1.5L", "500 ml", "6 glasses" (250 ml each), "40 oz" (US fl oz), '
    '"2 cups" (240 ml each).'
)
INTENSITIES = ("light", "moderate", "vigorous")
EXERCISE_HELP = (
    'Use "ACTIVITY DURATION [INTENSITY]", e.g. "run 45m vigorous", "walk 30 min light", '
    f'"swim 1h". Intensity is one of {", ".join(INTENSITIES)}.'
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
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

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
}
_NUMBER = r"\d+(?:[.,]\d+)?|[.,]\d+"
_DURATION_PART = re.compile(rf"\s*({_NUMBER})\s*([a-z]+)\s*")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _number(text: str) -> float:
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
            total += _number(match.group(1)) * _UNIT_SECONDS[match.group(2)]
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
    """ "1.5L", "500 ml", "6 glasses", "40 oz" -> millilitres (rounded), 0 to 20 L."""
    raw = text.strip().lower()
    match = re.fullmatch(rf"({_NUMBER})\s*([a-z][a-z. ]*?)\s*", raw)
    if not match or match.group(2) not in _UNIT_ML:
        raise InvalidInput(option, text, VOLUME_HELP)
    millilitres = _number(match.group(1)) * _UNIT_ML[match.group(2)]
    if not _finite(millilitres) or millilitres > MAX_VOLUME_ML:
        raise InvalidInput(option, text, "A day's fluids must be between 0 and 20 L.")
    return round(millilitres)


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
    """A 0-10 score (severity, relief) as a whole number."""
    value = str(text).strip()
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


# --- dates and times -------------------------------------------------------------------------


def _time_of_day(text: str) -> dt.time | None:
    """ "23:30", "3am", "3:15 pm", "noon", "midnight" -> a time, or None if it is not one."""
    value = text.strip().lower().replace(".", "")
    named = {"noon": dt.time(12), "midday": dt.time(12), "midnight": dt.time(0)}
    if value in named:
        return named[value]
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?", value)
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    meridiem = match.group(4)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif match.group(2) is None:
        return None  # a bare number is not a time of day
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def _weekday_before(name: str, today: dt.date) -> dt.date | None:
    if name not in _WEEKDAYS:
        return None
    back = (today.weekday() - _WEEKDAYS.index(name)) % 7
    return today - dt.timedelta(days=back or 7)


def _relative_ago(raw: str, now: dt.datetime) -> dt.datetime | None:
    match = re.fullmatch(r"(.+?)\s+ago", raw)
    if not match:
        return None
    unit = match.group(1).replace(" ", "")
    days = re.fullmatch(rf"({_NUMBER})(?:d|day|days)", unit)
    if days:
        try:
            return clock.minus(now, dt.timedelta(days=_number(days.group(1))))
        except OverflowError:  # further back than datetime can count: before 1900 anyway
            return dt.datetime.min.replace(tzinfo=dt.UTC)
    try:
        seconds = parse_duration(match.group(1), option="")
    except InvalidInput:
        return None
    return clock.minus(now, dt.timedelta(seconds=seconds))


def _latest_passed(day: dt.date, time: dt.time, now: dt.datetime, option: str) -> dt.datetime:
    """`time` on `day`, or on the day before when that has not come yet."""
    candidate = clock.at(day, time, option)
    if clock.is_later(candidate, now.astimezone(dt.UTC) + FUTURE_TOLERANCE):
        return clock.at(day - dt.timedelta(days=1), time, option)
    return candidate


def _phrase_to_datetime(raw: str, now: dt.datetime, option: str) -> dt.datetime | None:
    today = now.date()
    if raw in ("now", "just now"):
        return now
    ago = _relative_ago(raw, now)
    if ago is not None:
        return ago
    words = raw.split(None, 1)
    head, rest = (words[0], words[1] if len(words) > 1 else "")
    if raw.startswith("last night"):
        rest = raw[len("last night") :].strip()
        time = _time_of_day(rest) if rest else dt.time(3)
        if time is None:
            return None
        # Evening hours belong to yesterday's date, small hours to today's (or, if that small
        # hour has not come yet, to the night before).
        night = today - dt.timedelta(days=1) if time.hour >= 12 else today
        return _latest_passed(night, time, now, option)
    day = {"today": today, "yesterday": today - dt.timedelta(days=1), "tonight": today}.get(head)
    if day is None:
        day = _weekday_before(head, today)
    if day is not None:
        time = _time_of_day(rest) if rest else dt.time(12) if head != "tonight" else dt.time(22)
        return None if time is None else clock.at(day, time, option)
    time = _time_of_day(raw)
    if time is not None:  # a bare time later than now means the most recent one: yesterday's
        return _latest_passed(today, time, now, option)
    return None


def parse_when(text: str, now: dt.datetime, option: str = "--at") -> dt.datetime:
    """An instant in the past (or now), aware of its UTC offset. A time without an offset is
    local: it gets the offset its own date had in the person's zone (see spasmlog.core.clock)."""
    raw = " ".join(text.strip().lower().split())
    moment = _phrase_to_datetime(raw, now, option) if raw else None
    if moment is None:
        try:
            moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(option, text, WHEN_HELP) from None
        if moment.year < 1900:
            raise InvalidInput(option, text, "Give a date after 1900.")
        if moment.tzinfo is None:
            moment = clock.at(moment.date(), moment.time(), option)
    if moment.year < 1900:
        raise InvalidInput(option, text, "Give a date after 1900.")
    if clock.is_later(moment, now.astimezone(dt.UTC) + FUTURE_TOLERANCE):
        raise InvalidInput(option, text, "That is in the future; give a time that has passed.")
    return moment


def parse_date(
    text: str, today: dt.date, option: str = "--date", future_ok: bool = False
) -> dt.date:
    """A local calendar date: ISO, "today", "yesterday", "3 days ago", a weekday."""
    raw = " ".join(text.strip().lower().split())
    day: dt.date | None = {"today": today, "yesterday": today - dt.timedelta(days=1)}.get(raw)
    if day is None:
        day = _weekday_before(raw, today)
    if day is None:
        match = re.fullmatch(r"(\d+)\s*(?:d|day|days|w|week|weeks)\s+ago", raw)
        if match:
            weeks = "w" in raw.split()[-2] or "week" in raw
            try:
                day = today - dt.timedelta(days=int(match.group(1)) * (7 if weeks else 1))
            except OverflowError:  # further back than a date can be: before 1900 anyway
                day = dt.date.min
    if day is None:
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInput(option, text, DATE_HELP) from None
    if day > today and not future_ok:
        raise InvalidInput(option, text, "That date is in the future; give one that has passed.")
    if day.year < 1900:
        raise InvalidInput(option, text, "Give a date after 1900.")
    return day


# --- exercise ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseSpec:
    activity: str
    minutes: int
    intensity: str | None


def parse_exercise(text: str, option: str = "--exercise") -> ExerciseSpec:
    """ "run 45m vigorous" -> ExerciseSpec("run", 45, "vigorous")."""
    words = text.strip().lower().split()
    intensity = words.pop() if words and words[-1] in INTENSITIES else None
    duration_at = next((i for i in range(len(words)) if re.match(rf"^({_NUMBER})", words[i])), None)
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


@dataclass(frozen=True)
class Bound:
    """A --since/--until value: a local date, compared with each entry's calendar date (the date
    its own clock showed), or an instant ("2h ago"), compared with its start."""

    day: dt.date | None = None
    instant: dt.datetime | None = None


def parse_bound(text: str, now: dt.datetime, option: str) -> Bound:
    """A date ("2026-03-01", "today", "7 days ago") covers that whole local day; anything else
    is an instant as --at reads it."""
    try:
        return Bound(day=parse_date(text, now.date(), option, future_ok=True))
    except InvalidInput:
        return Bound(instant=parse_when(text, now, option))
