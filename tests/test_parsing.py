"""Properties of every parser in spasmlog.core.parsing (and the muscle vocabulary): the everyday forms
the issue names, round trips with the formatters, the limits, and that arbitrary text can only
ever produce a value or InvalidInput."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spasmlog.core import parsing, when
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import (
    INTENSITIES,
    MAX_DURATION_S,
    MAX_VOLUME_ML,
    SIDES,
    ExerciseSpec,
    format_duration,
    format_exercise,
    parse_bool,
    parse_choice,
    parse_duration,
    parse_exercise,
    parse_list,
    parse_number,
    parse_score,
    parse_side,
    parse_volume,
)
from spasmlog.core.when import FUTURE_TOLERANCE, parse_date, parse_when
from spasmlog.knowledge.muscles import BY_NAME, MUSCLES, resolve_muscle
from tests.conftest import NOW as NOW_TEXT

NOW = dt.datetime.fromisoformat(NOW_TEXT)  # Sunday 2026-03-15 12:00 +01:00
TODAY = NOW.date()
CET = NOW.tzinfo
quick = settings(deadline=None)

offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
nows = st.datetimes(
    min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=offsets
)


@contextlib.contextmanager
def pinned_zone(zone: str) -> Iterator[None]:
    """SPASMLOG_TZ for the length of one hypothesis example (fixtures last a whole test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPASMLOG_TZ", zone)
        yield


any_text = st.text() | st.text(alphabet="0123456789 .,:-+hmsdlLoOzT:agpy", max_size=20)


def rejected(parse: Callable[[str], Any], text: str, option: str) -> InvalidInput:
    """Assert `parse(text)` raises InvalidInput naming `option` and `text`; return the error."""
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    error = caught.value
    assert error.option == option
    assert error.value == text
    assert str(error).startswith(f"{option}: invalid value {text!r}.")
    assert "\n" not in str(error)
    return error


def only_invalid_input(parse: Callable[[str], Any], text: str) -> Any:
    """Call the parser; InvalidInput is the one exception it may raise (returns None then)."""
    try:
        return parse(text)
    except InvalidInput:
        return None


# --- durations -------------------------------------------------------------------------------


# fmt: off
@pytest.mark.parametrize(("text", "seconds"), [
    ("45s", 45), ("2m", 120), ("1m30s", 90), ("1.5 min", 90), ("1:30", 90), ("90s", 90),
    ("1h", 3600), ("1:02:03", 3723), ("2 minutes", 120), (" 1 m 30 s ", 90), ("1,5m", 90),
    ("24h", 86400), ("1.5s", 2), ("1h 1s", 3601), ("0:01", 1),
])
# fmt: on
def test_duration_everyday_forms(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@quick
@given(st.integers(1, MAX_DURATION_S))
def test_duration_round_trips_through_format(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@quick
@given(st.integers(0, 1440), st.integers(0, 59))
def test_duration_minutes_colon_seconds(minutes: int, seconds: int) -> None:
    total = minutes * 60 + seconds
    assume(1 <= total <= MAX_DURATION_S)
    assert parse_duration(f"{minutes}:{seconds:02d}") == total


@quick
@given(
    st.integers(1, 1440),
    st.sampled_from(["m", "min", "mins", "minute", "minutes"]),
    st.text(" ", max_size=2),
)
def test_duration_minutes_in_any_spelling(minutes: int, unit: str, gap: str) -> None:
    assert parse_duration(f"{minutes}{gap}{unit}") == minutes * 60


@quick
@given(st.integers(1, MAX_DURATION_S))
def test_duration_negative_is_rejected(seconds: int) -> None:
    text = "-" + format_duration(seconds)
    rejected(parse_duration, text, "--duration")


# fmt: off
@pytest.mark.parametrize("text", [
    "-3m", "0s", "0m", "0:00", "0.4s", "0h0m0s", "25h", "24h1s", "1441m", "90000s", "2", "m", "",
    "  ", "lots", "3 parsecs", "1:60", "1m-30s", "nan s", "inf m", "1e3s",
])
# fmt: on
def test_duration_rejects(text: str) -> None:
    rejected(parse_duration, text, "--duration")


def test_duration_message_says_what_is_accepted() -> None:
    assert "between 1 second and 24 hours" in str(rejected(parse_duration, "25h", "--duration"))
    assert '"1m30s"' in str(rejected(parse_duration, "-3m", "--duration"))
    rejected(lambda t: parse_duration(t, "duration_s"), "soon", "duration_s")


@quick
@given(any_text)
def test_duration_arbitrary_text(text: str) -> None:
    value = only_invalid_input(parse_duration, text)
    assert value is None or (isinstance(value, int) and 1 <= value <= MAX_DURATION_S)


def test_format_duration() -> None:
    assert [format_duration(s) for s in (None, 0, 45, 90, 3600, 3723)] == [
        "",
        "0s",
        "45s",
        "1m30s",
        "1h",
        "1h2m3s",
    ]


# --- volumes ---------------------------------------------------------------------------------


# fmt: off
@pytest.mark.parametrize(("text", "ml"), [
    ("1.5L", 1500), ("500 ml", 500), ("6 glasses", 1500), ("40 oz", 1183), ("1 glass", 250),
    ("2 cups", 480), ("1,5 l", 1500), ("2 litres", 2000), ("0 ml", 0), ("20L", 20000),
    ("33 cl", 330), ("12 fl oz", 355), (" 750ML ", 750),
])
# fmt: on
def test_volume_everyday_forms(text: str, ml: int) -> None:
    assert parse_volume(text) == ml


@quick
@given(st.integers(0, MAX_VOLUME_ML), st.sampled_from(["ml", " ml", " ML", "millilitres"]))
def test_volume_millilitres(ml: int, unit: str) -> None:
    assert parse_volume(f"{ml}{unit}") == ml


@quick
@given(st.integers(0, MAX_VOLUME_ML))
def test_volume_litres_exact(ml: int) -> None:
    assert parse_volume(f"{ml // 1000}.{ml % 1000:03d} L") == ml


@quick
@given(st.integers(0, MAX_VOLUME_ML // 250))
def test_volume_glasses_are_250_ml(glasses: int) -> None:
    assert parse_volume(f"{glasses} glasses") == glasses * 250


@quick
@given(st.integers(0, 676))
def test_volume_ounces_are_us_fluid_ounces(ounces: int) -> None:
    assert parse_volume(f"{ounces} oz") == round(ounces * 29.5735)


# fmt: off
@pytest.mark.parametrize("text", [
    "lots", "", "1.5", "-1 L", "21 L", "81 glasses", "2 buckets", "L", "1.5 L water", "nan l",
    "1e3 ml",
])
# fmt: on
def test_volume_rejects(text: str) -> None:
    rejected(parse_volume, text, "--fluid")


@quick
@given(any_text)
def test_volume_arbitrary_text(text: str) -> None:
    value = only_invalid_input(parse_volume, text)
    assert value is None or 0 <= value <= MAX_VOLUME_ML


def test_litres_to_ml_reads_the_csv_column_form() -> None:
    assert parsing.litres_to_ml("1.5", "fluid_l_24h") == 1500
    assert parsing.litres_to_ml("0,75", "fluid_l_24h") == 750
    rejected(lambda t: parsing.litres_to_ml(t, "fluid_l_24h"), "21", "fluid_l_24h")
    rejected(lambda t: parsing.litres_to_ml(t, "fluid_l_24h"), "lots", "fluid_l_24h")


# --- times -----------------------------------------------------------------------------------


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# fmt: off
@pytest.mark.parametrize(("text", "expected"), [
    ("now", NOW), ("just now", NOW), ("yesterday 23:30", at("2026-03-14T23:30:00+01:00")),
    ("2h ago", at("2026-03-15T10:00:00+01:00")), ("90 min ago", at("2026-03-15T10:30:00+01:00")),
    ("3 days ago", at("2026-03-12T12:00:00+01:00")),
    ("last night 3am", at("2026-03-15T03:00:00+01:00")),
    ("last night 11pm", at("2026-03-14T23:00:00+01:00")),
    ("last night", at("2026-03-15T03:00:00+01:00")), ("23:30", at("2026-03-14T23:30:00+01:00")),
    ("09:15", at("2026-03-15T09:15:00+01:00")), ("today 8am", at("2026-03-15T08:00:00+01:00")),
    ("Friday 22:00", at("2026-03-13T22:00:00+01:00")),
    ("sunday 9:00", at("2026-03-15T09:00:00+01:00")),  # today is a Sunday: this morning
    ("sunday 14:00", at("2026-03-08T14:00:00+01:00")),  # not yet today: a week back
    ("last sunday 9:00", at("2026-03-08T09:00:00+01:00")),
    ("2 days ago 3am", at("2026-03-13T03:00:00+01:00")),
    ("1 day ago at 23:30", at("2026-03-14T23:30:00+01:00")),
    ("last saturday 4am", at("2026-03-14T04:00:00+01:00")),
    ("last friday", at("2026-03-13T12:00:00+01:00")),
    ("Dec 3 3am", at("2025-12-03T03:00:00+01:00")), ("3 Dec 02:40", at("2025-12-03T02:40:00+01:00")),
    ("march 3rd at 4pm", at("2026-03-03T16:00:00+01:00")),
    ("3rd of December 2024 23:00", at("2024-12-03T23:00:00+01:00")),
    ("Jul 1 22:00", at("2025-07-01T22:00:00+02:00")),  # summer time, on its own date
    ("last night at 2", at("2026-03-15T02:00:00+01:00")),
    ("last night at 11", at("2026-03-14T23:00:00+01:00")),
    ("last night at 12", at("2026-03-15T00:00:00+01:00")),
    ("yesterday at 23:30", at("2026-03-14T23:30:00+01:00")),
    ("  Yesterday   23:30 ", at("2026-03-14T23:30:00+01:00")),
    ("2026-03-01T23:30:00-05:00", at("2026-03-01T23:30:00-05:00")),
    ("2026-03-01 23:30", at("2026-03-01T23:30:00+01:00")),
    ("2026-03-01T04:30:00Z", at("2026-03-01T04:30:00+00:00")),
    ("2026-03-15T12:04:00+01:00", at("2026-03-15T12:04:00+01:00")),
])
# fmt: on
def test_when_forms(text: str, expected: dt.datetime) -> None:
    moment = parse_when(text, NOW)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()


@quick
@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2026, 3, 14), timezones=offsets
    )
)
def test_when_iso_with_offset_round_trips(moment: dt.datetime) -> None:
    parsed = parse_when(moment.isoformat(), NOW)
    assert parsed == moment
    assert parsed.utcoffset() == moment.utcoffset()


@quick
@given(st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2026, 3, 15, 12)))
def test_when_iso_without_offset_is_local_wall_time(moment: dt.datetime) -> None:
    """The offset is the one the time's own date had in the zone (Berlin: +02:00 in summer),
    not today's; a time the clocks skipped is refused."""
    berlin = ZoneInfo("Europe/Berlin")
    on_its_date = moment.replace(tzinfo=berlin)
    if on_its_date.astimezone(dt.UTC).astimezone(berlin).replace(tzinfo=None) != moment:
        error = rejected(lambda t: parse_when(t, NOW), moment.isoformat(), "--at")
        assert "did not exist in Europe/Berlin" in str(error)
        return
    parsed = parse_when(moment.isoformat(), NOW)
    assert parsed.replace(tzinfo=None) == moment
    assert parsed.utcoffset() == on_its_date.utcoffset()


@quick
@given(
    st.timedeltas(
        min_value=FUTURE_TOLERANCE + dt.timedelta(seconds=1), max_value=dt.timedelta(days=3000)
    )
)
def test_when_future_is_rejected(ahead: dt.timedelta) -> None:
    error = rejected(lambda t: parse_when(t, NOW), (NOW + ahead).isoformat(), "--at")
    assert "future" in str(error)


# fmt: off
@pytest.mark.parametrize("text", [
    "tomorrow", "today 14:00", "tonight", "in 2h", "2026-13-01", "25:00", "yesterday 25:00",
    "last night 13am", "3", "", "1899-12-31", "99999999999 days ago", "3000000 days ago",
    "yesterday at 3", "2h ago 3am", "last night at 13", "Feb 30 3am", "last funday 3am",
    "Dec 3 25:00",
])
# fmt: on
def test_when_rejects(text: str) -> None:
    rejected(lambda t: parse_when(t, NOW), text, "--at")


def test_when_names_the_option_it_was_given() -> None:
    rejected(lambda t: parse_when(t, NOW, "--since"), "whenever", "--since")


hours = st.integers(0, 23)
minutes = st.integers(0, 59)
past_phrases = st.one_of(
    st.just("now"),
    st.integers(1, 24).map(lambda n: f"{n}h ago"),
    st.integers(1, 1440).map(lambda n: f"{n} min ago"),
    st.integers(0, 365).map(lambda n: f"{n} days ago"),
    st.builds(lambda h, m: f"yesterday {h:02d}:{m:02d}", hours, minutes),
    st.builds(lambda h, m: f"{h}:{m:02d}", hours, minutes),
    st.builds(
        lambda h, ap: f"last night {h}{ap}", st.integers(1, 12), st.sampled_from(["am", "pm"])
    ),
    st.builds(lambda d, h: f"{d} {h:02d}:00", st.sampled_from(when._WEEKDAYS), hours),
    st.builds(lambda d, h: f"last {d} {h:02d}:00", st.sampled_from(when._WEEKDAYS), hours),
    st.builds(lambda n, h: f"{n} days ago {h}:00", st.integers(0, 365), hours),
    st.builds(lambda h: f"last night at {h}", st.integers(1, 12)),
    st.builds(lambda d: f"{d:%b} {d.day} 3am", st.dates(dt.date(2001, 1, 1), dt.date(2001, 12, 31))),
    st.builds(lambda d: f"{d.day} {d:%B} 02:40", st.dates(dt.date(2001, 1, 1), dt.date(2001, 12, 31))),
)


ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC")
instants = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)


@quick
@given(past_phrases, instants, st.sampled_from(ZONES))
def test_relative_phrases_are_never_in_the_future(
    phrase: str, instant: dt.datetime, zone: str
) -> None:
    """In real zones, around their clock changes too: the result has passed, and carries the
    offset the zone had at that instant."""
    now = instant.astimezone(ZoneInfo(zone))
    with pinned_zone(zone):
        try:
            moment = parse_when(phrase, now)
        except InvalidInput as error:  # a phrase naming a time the clocks skipped that day
            assert "did not exist" in str(error)
            return
    assert moment.astimezone(dt.UTC) <= instant + FUTURE_TOLERANCE
    assert moment.astimezone(dt.UTC) >= instant - dt.timedelta(days=367)
    assert moment.utcoffset() == moment.astimezone(ZoneInfo(zone)).utcoffset()


@quick
@given(any_text, nows)
def test_when_arbitrary_text(text: str, now: dt.datetime) -> None:
    moment = only_invalid_input(lambda t: parse_when(t, now), text)
    assert moment is None or (moment.tzinfo is not None and moment <= now + FUTURE_TOLERANCE)


# --- dates -----------------------------------------------------------------------------------


# fmt: off
@pytest.mark.parametrize(("text", "expected"), [
    ("today", TODAY), ("yesterday", dt.date(2026, 3, 14)), ("3 days ago", dt.date(2026, 3, 12)),
    ("2 weeks ago", dt.date(2026, 3, 1)), ("1w ago", dt.date(2026, 3, 8)),
    ("monday", dt.date(2026, 3, 9)), ("Sunday", TODAY), ("last sunday", dt.date(2026, 3, 8)),
    ("last monday", dt.date(2026, 3, 9)), ("Dec 3", dt.date(2025, 12, 3)),
    ("15 march", TODAY), ("16 march", dt.date(2025, 3, 16)), ("3 Dec 2024", dt.date(2024, 12, 3)),
    ("2026-02-28", dt.date(2026, 2, 28)), ("1900-01-01", dt.date(1900, 1, 1)),
])
# fmt: on
def test_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, TODAY) == expected


@quick
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_date_iso_round_trips(day: dt.date) -> None:
    assert parse_date(day.isoformat(), TODAY) == day


@quick
@given(st.integers(0, 40_000))
def test_date_days_ago(days: int) -> None:
    assert parse_date(f"{days} days ago", TODAY) == TODAY - dt.timedelta(days=days)


@quick
@given(st.sampled_from(when._WEEKDAYS), st.dates(min_value=dt.date(1901, 1, 1)))
def test_date_weekday_is_the_latest_one_today_included(name: str, today: dt.date) -> None:
    """ "monday" on a Monday is today; "last monday" the one before it."""
    day = parse_date(name, today)
    assert 0 <= (today - day).days <= 6
    assert day.strftime("%A").lower() == name
    before = parse_date(f"last {name}", today)
    assert 1 <= (today - before).days <= 7 and before.strftime("%A").lower() == name


@quick
@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 12, 31)), st.dates())
def test_a_day_of_a_month_is_the_latest_one_up_to_today(today: dt.date, named: dt.date) -> None:
    text = f"{named:%b} {named.day}"
    try:
        day = parse_date(text, today)
    except InvalidInput:  # 29 February in a year without one, or before 1900
        assert (named.month, named.day) == (2, 29) or today.year < 1902
        return
    assert (day.month, day.day) == (named.month, named.day)
    assert day <= today and (today - day).days < 366 + 365 * 3  # leap days come back slowly
    assert parse_date(f"{named.day} {named:%B} {day.year}", today) == day


@quick
@given(st.sampled_from(when._WEEKDAYS), hours, minutes, instants, st.sampled_from(ZONES))
def test_a_weekday_and_time_is_the_latest_that_has_passed(
    name: str, hour: int, minute: int, instant: dt.datetime, zone: str
) -> None:
    """ "monday 3am" on a Monday afternoon is this morning; before 3 a.m., a week back."""
    now = instant.astimezone(ZoneInfo(zone))
    with pinned_zone(zone):
        try:
            moment = parse_when(f"{name} {hour:02d}:{minute:02d}", now)
        except InvalidInput as error:
            assert "did not exist" in str(error)
            return
    local = moment.astimezone(ZoneInfo(zone))
    assert local.strftime("%A").lower() == name and (local.hour, local.minute) == (hour, minute)
    assert moment <= now + FUTURE_TOLERANCE
    assert now - moment < dt.timedelta(days=7, hours=2)  # the latest one (clock changes aside)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-10", dt.date(2026, 10, 1)), ("Oct 2025", dt.date(2025, 10, 1)),
     ("october, 2025", dt.date(2025, 10, 1)), ("2026-03", dt.date(2026, 3, 1)),
     ("2024-02-29", dt.date(2024, 2, 29)), ("yesterday", dt.date(2026, 11, 1))],
)  # fmt: skip
def test_date_or_month(text: str, expected: dt.date) -> None:
    assert when.parse_date_or_month(text, dt.date(2026, 11, 2)) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-12", "Dec 2026", "1899-05", "sometime"])
def test_date_or_month_rejects(text: str) -> None:
    rejected(lambda t: when.parse_date_or_month(t, dt.date(2026, 11, 2)), text, "--since")


@quick
@given(st.dates(min_value=TODAY + dt.timedelta(days=1)))
def test_date_future_rejected_unless_allowed(day: dt.date) -> None:
    error = rejected(lambda t: parse_date(t, TODAY), day.isoformat(), "--date")
    assert "future" in str(error)
    assert parse_date(day.isoformat(), TODAY, future_ok=True) == day


# fmt: off
@pytest.mark.parametrize("text", [
    "", "someday", "2026-02-30", "1899-12-31", "03/01/2026", "99999999 weeks ago",
    "99999999999 days ago",
])
# fmt: on
def test_date_rejects(text: str) -> None:
    rejected(lambda t: parse_date(t, TODAY), text, "--date")


@quick
@given(any_text)
def test_date_arbitrary_text(text: str) -> None:
    day = only_invalid_input(lambda t: parse_date(t, TODAY), text)
    assert day is None or dt.date(1900, 1, 1) <= day <= TODAY


# --- exercise ------------------------------------------------------------------------------


activities = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz'-", min_size=1, max_size=12),
    min_size=1,
    max_size=4,
).map(" ".join)


@quick
@given(activities, st.integers(1, 1440), st.sampled_from([None, *INTENSITIES]))
def test_exercise_round_trips_through_format(
    activity: str, minutes: int, intensity: str | None
) -> None:
    text = format_exercise(activity, minutes, intensity)
    assert parse_exercise(text) == ExerciseSpec(activity, minutes, intensity)


# fmt: off
@pytest.mark.parametrize(("text", "spec"), [
    ("run 45m vigorous", ExerciseSpec("run", 45, "vigorous")),
    ("walk 30 min light", ExerciseSpec("walk", 30, "light")),
    ("swim 1h", ExerciseSpec("swim", 60, None)),
    ("Trail Run 1h30m MODERATE", ExerciseSpec("trail run", 90, "moderate")),
    ("yoga 20s", ExerciseSpec("yoga", 1, None)),
])
# fmt: on
def test_exercise_forms(text: str, spec: ExerciseSpec) -> None:
    assert parse_exercise(text) == spec


# fmt: off
@pytest.mark.parametrize("text", [
    "", "run", "45m", "45m run", "run vigorous", "run 25h", "run -3m", "run lots",
    "a" * 81 + " 10m",
])
# fmt: on
def test_exercise_rejects(text: str) -> None:
    rejected(parse_exercise, text, "--exercise")


@quick
@given(any_text)
def test_exercise_arbitrary_text(text: str) -> None:
    spec = only_invalid_input(parse_exercise, text)
    assert spec is None or (1 <= spec.minutes <= 1440 and spec.intensity in (None, *INTENSITIES))


# --- sides, scores, booleans, choices, lists, numbers --------------------------------------------


# fmt: off
@pytest.mark.parametrize(("text", "side"), [
    ("left", "left"), ("L", "left"), (" Right ", "right"), ("r", "right"), ("both", "both"),
    ("bilateral", "both"), ("none", "none"), ("n/a", "none"), ("center", "none"),
])
# fmt: on
def test_side_forms(text: str, side: str) -> None:
    assert parse_side(text) == side


@pytest.mark.parametrize("text", ["up", "", "lefty", "down"])
def test_side_rejects(text: str) -> None:
    assert "left, right, both, none" in str(rejected(parse_side, text, "--side"))


@quick
@given(any_text)
def test_side_arbitrary_text(text: str) -> None:
    assert only_invalid_input(parse_side, text) in (None, *SIDES)


@quick
@given(st.integers(0, 10), st.text(" ", max_size=2))
def test_score_accepts_0_to_10(score: int, pad: str) -> None:
    assert parse_score(f"{pad}{score}{pad}", "--severity") == score
    assert parse_score(score, "--severity") == score


@pytest.mark.parametrize("text", ["11", "-1", "7.5", "", "seven", "100", "1e1"])
def test_score_rejects(text: str) -> None:
    rejected(lambda t: parse_score(t, "--severity"), text, "--severity")


@quick
@given(any_text)
def test_score_arbitrary_text(text: str) -> None:
    assert only_invalid_input(lambda t: parse_score(t, "--severity"), text) in (None, *range(11))


# fmt: off
@pytest.mark.parametrize(("text", "value"), [
    ("yes", True), ("Y", True), ("1", True), ("TRUE", True), ("t", True), ("no", False),
    ("n", False), ("0", False), ("False", False), (" f ", False),
])
# fmt: on
def test_bool_forms(text: str, value: bool) -> None:
    assert parse_bool(text, "--woke") is value


@quick
@given(any_text)
def test_bool_arbitrary_text(text: str) -> None:
    assert only_invalid_input(lambda t: parse_bool(t, "--woke"), text) in (None, True, False)
    if text.strip().lower() not in ("1", "true", "yes", "y", "t", "0", "false", "no", "n", "f"):
        rejected(lambda t: parse_bool(t, "--woke"), text, "--woke")


@quick
@given(st.sampled_from(["table", "json", "csv"]), any_text)
def test_choice(choice: str, text: str) -> None:
    assert parse_choice(f" {choice.upper()} ", "--format", ("table", "json", "csv")) == choice
    found = only_invalid_input(
        lambda t: parse_choice(t, "--format", ("table", "json", "csv")), text
    )
    assert found in (None, "table", "json", "csv")


@quick
@given(st.lists(st.text(min_size=1).map(str.strip).filter(lambda s: s and ";" not in s)))
def test_list_round_trips_through_join(items: list[str]) -> None:
    assert parse_list(";".join(items)) == items
    assert parse_list(" ; ".join([*items, ""])) == items


@quick
@given(st.floats(0, 10, allow_nan=False), any_text)
def test_number(value: float, text: str) -> None:
    assert parse_number(repr(value), "--hours", 0, 10) == value
    found = only_invalid_input(lambda t: parse_number(t, "--hours", 0, 10), text)
    assert found is None or 0 <= found <= 10


@pytest.mark.parametrize("text", ["nan", "inf", "-0.1", "10.5", "ten"])
def test_number_rejects(text: str) -> None:
    rejected(lambda t: parse_number(t, "--hours", 0, 10), text, "--hours")


# --- muscles ---------------------------------------------------------------------------------


ALL_WORDS = [(word, muscle.name) for muscle in MUSCLES for word in (muscle.name, *muscle.aliases)]


@pytest.mark.parametrize(("word", "name"), ALL_WORDS)
def test_every_alias_resolves(word: str, name: str) -> None:
    assert resolve_muscle(word) == name
    assert resolve_muscle(f"  {word.upper()} ") == name


# fmt: off
@pytest.mark.parametrize(("word", "name"), [
    ("calves", "calf"), ("gastrocnemius", "calf"), ("charley horse", "calf"),
    ("Charley-Horse", "calf"), ("thigh", "quadriceps"), ("lower back", "lower back"),
    ("upper_back", "upper back"), ("finger", "fingers"), ("stomach", "abdomen"),
])
# fmt: on
def test_everyday_and_anatomical_words(word: str, name: str) -> None:
    assert resolve_muscle(word) == name


def test_the_vocabulary_covers_the_issue() -> None:
    needed = {
        "calf",
        "foot",
        "toes",
        "hamstring",
        "quadriceps",
        "hand",
        "fingers",
        "lower back",
        "upper back",
        "neck",
        "shoulder",
        "abdomen",
    }
    assert needed <= set(BY_NAME)


# fmt: off
@pytest.mark.parametrize(("typo", "meant"), [
    ("calff", "calf"), ("hamstrin", "hamstring"), ("sholder", "shoulder"),
])
# fmt: on
def test_unknown_muscle_suggests(typo: str, meant: str) -> None:
    error = rejected(resolve_muscle, typo, "--muscle")
    assert f"Did you mean '{meant}'?" in str(error)
    assert "spasmlog muscles" in str(error)


def test_unknown_muscle_without_a_close_match() -> None:
    assert "Did you mean" not in str(rejected(resolve_muscle, "xylophone", "--muscle"))


@quick
@given(any_text)
def test_muscle_arbitrary_text(text: str) -> None:
    assert only_invalid_input(resolve_muscle, text) in (None, *BY_NAME)


def test_last_night_small_hour_not_yet_come_is_the_night_before() -> None:
    one_am = at("2026-03-15T01:00:00+01:00")
    assert parse_when("last night 3am", one_am) == at("2026-03-14T03:00:00+01:00")
    assert parse_when("last night 0:30", one_am) == at("2026-03-15T00:30:00+01:00")


# --- the words people type (issue 19) -----------------------------------------------------------


@quick
@given(st.integers(0, 10), st.sampled_from(["/10", " / 10", " out of 10", "/ 10 "]))
def test_score_out_of_ten(score: int, tail: str) -> None:
    assert parse_score(f"{score}{tail}", "--severity") == score


@pytest.mark.parametrize("text", ["7/5", "11/10", "7/10/10", "/10", "7 of 100"])
def test_score_out_of_something_else_is_refused(text: str) -> None:
    rejected(lambda t: parse_score(t, "--severity"), text, "--severity")


@quick
@given(st.integers(1, 30))
def test_pints_uk_by_default_and_us_when_said(pints: int) -> None:
    uk, us = parse_volume(f"{pints} pints"), parse_volume(f"{pints} US pints")
    assert uk == round(pints * 568.261) == parse_volume(f"{pints} UK pints")
    assert us == round(pints * 473.176)
    [doubt, *_] = parsing.volume_doubts(f"{pints} pints", uk)
    assert "as UK pints (568 ml each" in doubt.text and doubt.instead == f"{pints} US pints"
    assert not any("UK pints" in d.text for d in parsing.volume_doubts(f"{pints} US pints", us))


@quick
@given(st.integers(1, MAX_VOLUME_ML))
def test_a_huge_days_fluids_is_doubted_with_the_decimal_moved(ml: int) -> None:
    doubts = parsing.volume_doubts(f"{ml} ml", ml)
    assert bool(doubts) is (ml > parsing.MANY_LITRES_ML)
    if doubts:
        assert doubts[0].instead == f"{ml / 10:g} ml"
    assert [d.instead for d in parsing.volume_doubts("17L", 17_000)] == ["1.7L"]


@quick
@given(st.integers(1, MAX_DURATION_S))
def test_a_long_cramp_is_doubted(seconds: int) -> None:
    text = format_duration(seconds)
    doubt = parsing.duration_doubt(text, seconds)
    assert (doubt is not None) is (seconds > parsing.LONG_CRAMP_S)
    assert parsing.duration_doubt("3h", 3 * 3600) == parsing.Doubt(
        "--duration 3h is long for a cramp, which usually lasts seconds to minutes. "
        "Did you mean 3m?",
        "3m",
    )


@pytest.mark.parametrize(
    ("text", "intensity"),
    [("hard", "vigorous"), ("Easy", "light"), ("medium", "moderate"), ("vigorous", "vigorous")],
)
def test_intensity_words(text: str, intensity: str) -> None:
    assert parsing.parse_intensity(text) == intensity
    assert parse_exercise(f"run 45m {text}") == ExerciseSpec("run", 45, intensity)


@quick
@given(any_text)
def test_intensity_arbitrary_text(text: str) -> None:
    assert only_invalid_input(parsing.parse_intensity, text) in (None, *INTENSITIES)


@quick
@given(
    st.sampled_from(ALL_WORDS),
    st.sampled_from([("left", "left"), ("right", "right"), ("both", "both"), ("R", "right")]),
    st.booleans(),
)
def test_a_side_before_or_after_the_muscle(
    word_name: tuple[str, str], side: tuple[str, str], before: bool
) -> None:
    from spasmlog.knowledge.muscles import muscle_and_side

    word, name = word_name
    text = f"{side[0]} {word}" if before else f"{word} ({side[0]})"
    assert muscle_and_side(text) == (name, side[1])
    assert muscle_and_side(word) == (name, None)


def test_a_side_with_a_muscle_typo_gets_the_muscles_did_you_mean() -> None:
    from spasmlog.knowledge.muscles import muscle_and_side

    error = rejected(muscle_and_side, "right calff", "--muscle")
    assert "Did you mean 'calf'?" in str(error)
    rejected(muscle_and_side, "right left", "--muscle")
