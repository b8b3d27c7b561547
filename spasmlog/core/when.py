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
    '"yesterday 23:30", "2h ago", "2 days ago 3am", "last night 3am", "last night at 2", '
    '"monday 3am", "last saturday 4am", "Dec 3 3am", "3 Dec 02:40", "23:30".'
)
DATE_HELP = (
    'Use YYYY-MM-DD, "today", "yesterday", "3 days ago", a weekday ("monday", "last monday") or '
    'a day of a month ("Dec 3", "3 December 2025").'
)
MONTH_HELP = 'Use YYYY-MM-DD, a month ("2026-10", "Oct 2026") or a phrase such as "yesterday".'
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
# "dec 3", "december 3rd 2025", "3 dec", "3rd of december 2025" (a comma after the day is fine)
_MONTH_DAY = re.compile(
    rf"(?:(?P<m1>{_MONTH})\.?\s+{_DAY.replace('(', '(?P<d1>', 1)}"
    rf"|{_DAY.replace('(', '(?P<d2>', 1)}\s+(?:of\s+)?(?P<m2>{_MONTH})\.?)"
    r",?(?:\s+(?P<year>\d{4}))?(?:\s+(?P<rest>.+))?"
)
_AGO_THEN_TIME = re.compile(r"(?P<ago>.+?\s+ago)(?:\s+(?P<rest>.+))?")


def _time_of_day(text: str) -> dt.time | None:
    """ "23:30", "3am", "3:15 pm", "noon", "midnight" -> a time, or None if it is not one.
    A leading "at" is allowed: "at 3am"."""
    value = text.strip().lower().replace(".", "").removeprefix("at ").strip()
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


def _night_time(text: str) -> dt.time | None:
    """A time of the night: what `_time_of_day` reads, or a bare hour as people say it of a
    night ("at 2" is 2 a.m., "at 11" 11 p.m., "at 12" midnight)."""
    time = _time_of_day(text)
    if time is not None:
        return time
    match = re.fullmatch(r"(?:at\s+)?(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(1)) <= 12:
        return None
    hour = int(match.group(1))
    return dt.time(0 if hour == 12 else hour + 12 if hour >= 7 else hour)


def _weekday(name: str, today: dt.date, before_today: bool) -> dt.date | None:
    """The latest `name`day up to today ("monday" on a Monday is today), or strictly before
    today ("last monday")."""
    if name not in _WEEKDAYS:
        return None
    back = (today.weekday() - _WEEKDAYS.index(name)) % 7
    return today - dt.timedelta(days=back or (7 if before_today else 0))


def _month_day(match: re.Match[str], today: dt.date) -> dt.date | None:
    """The day a month-day phrase names: in the year given, else the latest one up to today."""
    month = _MONTHS[match.group("m1") or match.group("m2")]
    day = int(match.group("d1") or match.group("d2"))
    year = int(match.group("year")) if match.group("year") else today.year
    try:
        found = dt.date(year, month, day)
        if match.group("year") is None and found > today:
            found = dt.date(year - 1, month, day)
    except ValueError:
        return None
    return found


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


def _days_ago(text: str, today: dt.date) -> dt.date | None:
    """ "3 days ago", "2 weeks ago", "1w ago" -> that date."""
    match = re.fullmatch(r"(\d+)\s*(d|day|days|w|week|weeks)\s+ago", text)
    if not match:
        return None
    weeks = match.group(2).startswith("w")
    try:
        return today - dt.timedelta(days=int(match.group(1)) * (7 if weeks else 1))
    except OverflowError:  # further back than a date can be: before 1900 anyway
        return dt.date.min


def _latest_passed(day: dt.date, time: dt.time, now: dt.datetime, option: str) -> dt.datetime:
    """`time` on `day`, or on the day before when that has not come yet."""
    return _latest_passed_by(day, time, now, option, dt.timedelta(days=1))


def _latest_passed_by(
    day: dt.date, time: dt.time, now: dt.datetime, option: str, step: dt.timedelta
) -> dt.datetime:
    """`time` on `day`, or `step` earlier when that has not come yet."""
    candidate = clock.at(day, time, option)
    if clock.is_later(candidate, now.astimezone(dt.UTC) + FUTURE_TOLERANCE):
        return clock.at(day - step, time, option)
    return candidate


def _month_day_time(dated: re.Match[str], now: dt.datetime, option: str) -> dt.datetime | None:
    """A month-day phrase with a time: on the latest such day whose time has passed (today's
    date with a time still to come is a year ago), or in the year given."""
    today = now.date()
    day = _month_day(dated, today)
    rest = dated.group("rest") or ""
    moment = None if day is None else _on_day(day, rest, option, dt.time(12))
    if moment is None or day != today or dated.group("year") is not None:
        return moment
    if not clock.is_later(moment, now.astimezone(dt.UTC) + FUTURE_TOLERANCE):
        return moment
    try:
        return _on_day(day.replace(year=day.year - 1), rest, option, dt.time(12))
    except ValueError:  # 29 February a year ago
        return None


def _on_day(day: dt.date, rest: str, option: str, default: dt.time) -> dt.datetime | None:
    time = _time_of_day(rest) if rest else default
    return None if time is None else clock.at(day, time, option)


def _phrase_to_datetime(raw: str, now: dt.datetime, option: str) -> dt.datetime | None:
    today = now.date()
    if raw in ("now", "just now"):
        return now
    ago = _relative_ago(raw, now)
    if ago is not None:
        return ago
    then = _AGO_THEN_TIME.fullmatch(raw)
    if then and then.group("rest"):  # "2 days ago 3am": a time on the date so many days back
        day = _days_ago(then.group("ago"), today)
        return None if day is None else _on_day(day, then.group("rest"), option, dt.time(12))
    words = raw.split(None, 1)
    head, rest = (words[0], words[1] if len(words) > 1 else "")
    if raw.startswith("last night"):
        rest = raw[len("last night") :].strip()
        time = _night_time(rest) if rest else dt.time(3)
        if time is None:
            return None
        # Evening hours belong to yesterday's date, small hours to today's (or, if that small
        # hour has not come yet, to the night before).
        night = today - dt.timedelta(days=1) if time.hour >= 12 else today
        return _latest_passed(night, time, now, option)
    if head == "last" and rest:  # "last saturday 4am": the one before today
        name, _, time_text = rest.partition(" ")
        day = _weekday(name, today, before_today=True)
        return None if day is None else _on_day(day, time_text, option, dt.time(12))
    day = {"today": today, "yesterday": today - dt.timedelta(days=1), "tonight": today}.get(head)
    if day is not None:
        return _on_day(day, rest, option, dt.time(12) if head != "tonight" else dt.time(22))
    weekday = _weekday(head, today, before_today=False)
    if weekday is not None:  # "monday 3am" on a Monday afternoon: this morning
        time = _time_of_day(rest) if rest else dt.time(12)
        if time is None:
            return None
        return _latest_passed_by(weekday, time, now, option, dt.timedelta(days=7))
    dated = _MONTH_DAY.fullmatch(raw)
    if dated:  # "Dec 3 3am", "3 Dec 02:40": the latest such time that has passed
        return _month_day_time(dated, now, option)
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
    """A local calendar date: ISO, "today", "yesterday", "3 days ago", a weekday ("monday" is
    the latest Monday, today on a Monday; "last monday" the one before today), "Dec 3"."""
    raw = " ".join(text.strip().lower().split())
    day: dt.date | None = {"today": today, "yesterday": today - dt.timedelta(days=1)}.get(raw)
    if day is None:
        day = _weekday(raw, today, before_today=False)
    if day is None and raw.startswith("last "):
        day = _weekday(raw.removeprefix("last "), today, before_today=True)
    if day is None:
        day = _days_ago(raw, today)
    if day is None:
        dated = _MONTH_DAY.fullmatch(raw)
        if dated and dated.group("rest") is None:
            day = _month_day(dated, today)
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


def parse_date_or_month(text: str, today: dt.date, option: str = "--since") -> dt.date:
    """A date as `parse_date` reads it, or a month ("2026-10", "Oct 2026", "october 2026"),
    which stands for its first day."""
    raw = " ".join(text.strip().lower().split())
    numeric = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
    named = re.fullmatch(rf"({_MONTH})\.?,?\s+(\d{{4}})", raw)
    if numeric or named:
        year = int(numeric.group(1) if numeric else named.group(2))  # type: ignore[union-attr]
        month = int(numeric.group(2)) if numeric else _MONTHS[named.group(1)]  # type: ignore[union-attr]
        if not 1 <= month <= 12 or year < 1900:
            raise InvalidInput(option, text, MONTH_HELP)
        first = dt.date(year, month, 1)
        if first > today:
            raise InvalidInput(
                option, text, "That month is in the future; give one that has begun."
            )
        return first
    try:
        return parse_date(text, today, option)
    except InvalidInput as error:
        raise InvalidInput(option, text, MONTH_HELP) from error


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
