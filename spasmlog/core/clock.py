"""The one place that knows what time it is, in which time zone, and which day an entry belongs to.

- `zone()`: the person's time zone with its IANA rules: `SPASMLOG_TZ` (an IANA name such as
  "Europe/Berlin") pins it the way `SPASMLOG_NOW` (ISO 8601) pins the clock; otherwise the
  system's zone. Offsets always come from the rules *for the date in question*, never from today.
- `at(day, time)`: a wall-clock time on a date. A time the clocks skipped (spring forward) is
  refused; one that happened twice (fall back) is the first, and `ambiguity` says so.
- Two kinds of day, each used where it belongs:
  - the *calendar date* of an entry: the date its own clock showed when it started (filters,
    `list`, exports). The diary stores it as `local_date` (a column SQLite computes from the
    UTC start and the offset, so it can never disagree with them);
  - the *analysis day* of an episode: the day whose context came before it. A night runs noon to
    noon, so a 3 a.m. cramp belongs to the day before, whose fluids, exercise and check-in
    preceded it; an afternoon cramp to its own date (factor report, weekly rates, summary).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spasmlog.core.errors import InvalidInput

NOW_VAR = "SPASMLOG_NOW"
ZONE_VAR = "SPASMLOG_TZ"
ANALYSIS_DAY_SHIFT = dt.timedelta(hours=12)  # an analysis day runs from noon to noon
ZONE_HELP = 'Use an IANA time zone name, e.g. "Europe/Berlin", "America/New_York" or "UTC".'


def zone() -> dt.tzinfo:
    """The person's time zone: $SPASMLOG_TZ, else the system's (IANA rules either way)."""
    pinned = os.environ.get(ZONE_VAR)
    if pinned:
        try:
            return ZoneInfo(pinned)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(ZONE_VAR, pinned, ZONE_HELP) from None
    import tzlocal  # light; only when no zone is pinned

    return tzlocal.get_localzone()


def zone_name() -> str:
    return str(zone())


def now() -> dt.datetime:
    """The current instant in the person's zone. $SPASMLOG_NOW pins it (a time without an offset
    is read in that zone)."""
    here = zone()
    pinned = os.environ.get(NOW_VAR)
    if not pinned:
        return dt.datetime.now(here)
    try:
        moment = dt.datetime.fromisoformat(pinned)
    except ValueError:
        raise InvalidInput(
            NOW_VAR, pinned, "Use ISO 8601, e.g. 2026-03-15T12:00:00+01:00."
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=here)).astimezone(here)


def today() -> dt.date:
    return now().date()


def local_offset_min(moment: dt.datetime) -> int:
    """Minutes east of UTC that the given aware time carries."""
    offset = moment.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def offset_text(offset_min: int) -> str:
    """+120 -> "+02:00", -570 -> "-09:30"."""
    sign = "-" if offset_min < 0 else "+"
    hours, minutes = divmod(abs(offset_min), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def minus(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`delta` of real time before `moment`, in moment's zone. (Arithmetic on an aware time with a
    zone is wall-clock arithmetic in Python: "2 h ago" across a clock change would be off.)"""
    zone_of = moment.tzinfo
    return (moment.astimezone(dt.UTC) - delta).astimezone(zone_of)


def is_later(first: dt.datetime, second: dt.datetime) -> bool:
    """Is `first` a later instant than `second`? (Python compares two times of one zone by their
    wall clocks, which is wrong in the hour the clocks go back.)"""
    return first.astimezone(dt.UTC) > second.astimezone(dt.UTC)


# --- wall-clock times on a date ------------------------------------------------------------------


def at(day: dt.date, time: dt.time, option: str = "--at") -> dt.datetime:
    """`time` on `day` in the person's zone, with the offset that date had by the zone's rules."""
    here = zone()
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=here, fold=0)
    if _round_trip(first) == naive:
        return first
    raise InvalidInput(
        option, f"{naive:%Y-%m-%d %H:%M}", "", message=_gap_message(naive, here, option)
    )


def _round_trip(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).astimezone(moment.tzinfo).replace(tzinfo=None)


def _transition(before_utc: dt.datetime, after_utc: dt.datetime, here: dt.tzinfo) -> dt.datetime:
    """The UTC instant (to the minute) at which the offset changes between two instants."""
    offset = before_utc.astimezone(here).utcoffset()
    low, high = before_utc, after_utc
    while high - low > dt.timedelta(minutes=1):
        middle = low + (high - low) / 2
        if middle.astimezone(here).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high.replace(second=0, microsecond=0)


def _gap_message(naive: dt.datetime, here: dt.tzinfo, option: str) -> str:
    early = naive.replace(tzinfo=here, fold=1).astimezone(dt.UTC)  # the offset after the change
    late = naive.replace(tzinfo=here, fold=0).astimezone(dt.UTC)  # the offset before it
    change = _transition(min(early, late), max(early, late), here)
    jumped_from = (change - dt.timedelta(minutes=1)).astimezone(here) + dt.timedelta(minutes=1)
    jumped_to = change.astimezone(here)
    prefix = f"{option}: " if option else ""
    return (
        f"{prefix}{naive:%Y-%m-%d %H:%M} did not exist in {here}: the clocks went forward from "
        f"{jumped_from:%H:%M} to {jumped_to:%H:%M} that night. Give a time before {jumped_from:%H:%M}"
        f" or from {jumped_to:%H:%M}."
    )


def ambiguity(moment: dt.datetime) -> str | None:
    """For a wall-clock time that happened twice (the clocks went back), the line saying which of
    the two was taken and how to give the other; None for every other time."""
    if not isinstance(moment.tzinfo, ZoneInfo):
        return None  # a time typed with its own offset is never ambiguous
    other = moment.replace(fold=1 - moment.fold)
    if other.utcoffset() == moment.utcoffset() or _round_trip(other) != moment.replace(tzinfo=None):
        return None
    taken = offset_text(local_offset_min(moment))
    second = offset_text(local_offset_min(other))
    return (
        f"{moment:%Y-%m-%d %H:%M} happened twice in {moment.tzinfo} (the clocks went back); "
        f"took the first, at {taken}. For the second, give {moment:%Y-%m-%dT%H:%M}{second}."
    )


# --- which day ------------------------------------------------------------------------------------


def local_time(moment: dt.datetime, offset_min: int) -> dt.datetime:
    """An instant shown at the UTC offset the person had when it happened."""
    return moment.astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))


def calendar_date(moment: dt.datetime, offset_min: int | None = None) -> dt.date:
    """The date the entry's own clock showed: at `offset_min` when given, else at the moment's
    own offset. The diary's `local_date` columns compute the same in SQL (LOCAL_DATE_SQL)."""
    return (moment if offset_min is None else local_time(moment, offset_min)).date()


def analysis_day(local: dt.datetime) -> dt.date:
    """The day an episode starting at wall-clock time `local` is compared with: noon to noon."""
    return (local.replace(tzinfo=None) - ANALYSIS_DAY_SHIFT).date()


# SQLite's spelling of calendar_date for a row: stored naive-UTC text plus the offset in minutes.
LOCAL_DATE_SQL = "date(started_at, printf('%+d minutes', utc_offset_min))"
