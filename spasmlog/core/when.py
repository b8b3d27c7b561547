"""Times and dates as people say them: "yesterday 23:30", "last night 3am", "2h ago", "monday".

Pure functions on a given "now" (spasmlog.core.clock gives the real one); each raises
`InvalidInput` naming the option (or import column), the value and what is accepted. A time
without an offset gets the one its own date had in the person's zone (clock.at).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spasmlog.core import clock
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import NUMBER, number, parse_duration

WHEN_HELP = (
    'Use ISO 8601 ("2026-03-01T23:30", "2026-03-01 23:30+01:00") or a phrase: "now", "today 14:00", '
    '"yesterday 23:30", "2h ago", "90 min ago", "last night 3am", "23:30".'
)
DATE_HELP = 'Use YYYY-MM-DD, "today", "yesterday", "3 days ago" or a weekday ("monday").'
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
    days = re.fullmatch(rf"({NUMBER})(?:d|day|days)", unit)
    if days:
        try:
            return clock.minus(now, dt.timedelta(days=number(days.group(1))))
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
