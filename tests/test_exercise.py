"""`spasmlog exercise add|list`: sessions from every source in one place, undo, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import MAX_EXERCISE_MIN, format_duration, parse_minutes, parse_sleep
from tests.conftest import Run, diary_fingerprint


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_add_with_muscles(run: Run, db_path: Path) -> None:
    out = _ok(run, "exercise", "add", "--at", "today 7:00", "--activity", "Trail  Run",
              "--minutes", "1h15m", "--intensity", "VIGOROUS", "--muscle", "calves", "-m",
              "hamstrings", "-m", "gastrocnemius")  # fmt: skip
    assert out == "Added exercise session #1 trail run 75m vigorous, 2026-03-15 07:00.\n"
    assert _rows(db_path, "SELECT started_at, utc_offset_min, activity, minutes, intensity, "
                 "muscles, source FROM exercise_sessions") == [
        ("2026-03-15 06:00:00.000000", 60, "trail run", 75, "vigorous",
         '["calf", "hamstring"]', "exercise")
    ]  # fmt: skip


def test_add_defaults_to_now_and_no_intensity(run: Run) -> None:
    out = _ok(run, "exercise", "add", "--activity", "walk", "--minutes", "30")
    assert out == "Added exercise session #1 walk 30m, 2026-03-15 12:00.\n"


def test_list_shows_every_source(run: Run) -> None:
    _ok(run, "exercise", "add", "--at", "2026-03-14 18:00", "--activity", "gym", "--minutes",
        "40", "--muscle", "thigh")  # fmt: skip
    _ok(run, "exercise", "add", "--at", "2026-03-14 07:00", "--activity", "swim", "--minutes", "30")
    _ok(run, "log", "--muscle", "calf", "--at", "2026-03-15 03:00", "--exercise", "run 45m")
    _ok(run, "checkin", "--date", "2026-03-13", "--exercise", "cycle 90m moderate")
    lines = _ok(run, "exercise", "list").splitlines()
    assert lines[0].split() == ["ID", "Started", "Activity", "Minutes", "Intensity", "Muscles",
                                "Source"]  # fmt: skip
    assert [line.split() for line in lines[2:]] == [
        ["3", "2026-03-15", "02:15", "run", "45", "log"],
        ["1", "2026-03-14", "18:00", "gym", "40", "quadriceps", "exercise"],
        ["2", "2026-03-14", "07:00", "swim", "30", "exercise"],
        ["4", "2026-03-13", "12:00", "cycle", "90", "moderate", "checkin"],
    ]


def test_list_since_until_take_whole_days_or_times(run: Run) -> None:
    for at in ("2026-03-12 09:00", "2026-03-13 23:30", "2026-03-14 00:30", "2026-03-15 08:00"):
        _ok(run, "exercise", "add", "--at", at, "--activity", "walk", "--minutes", "10")

    def ids(*args: str) -> list[str]:
        return [line.split()[0] for line in _ok(run, "exercise", "list", *args).splitlines()[2:]]

    assert ids("--since", "2026-03-13", "--until", "2026-03-14") == ["3", "2"]
    assert ids("--until", "2026-03-13") == ["2", "1"]
    assert ids("--since", "yesterday") == ["4", "3"]
    assert ids("--since", "2026-03-14 00:00") == ["4", "3"]
    assert ids("--since", "10h ago") == ["4"]
    assert _ok(run, "exercise", "list", "--since", "2026-03-15 09:00") == (
        "No exercise sessions in that period; `spasmlog exercise list` shows all.\n"
    )


def test_no_sessions_yet(run: Run) -> None:
    _ok(run, "db", "upgrade")  # a new, empty diary
    assert _ok(run, "exercise", "list") == (
        "No exercise sessions yet. Add one: spasmlog exercise add --activity run --minutes 30\n"
    )


def test_undo_of_an_exercise_session(run: Run) -> None:
    _ok(run, "exercise", "add", "--at", "2026-03-14 18:00", "--activity", "gym", "--minutes", "40")
    assert _ok(run, "undo") == ("Undid: added exercise session #1 gym 40m, 2026-03-14 18:00.\n")
    assert _ok(run, "exercise", "list").startswith("No exercise sessions yet.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: Missing option --activity. Say what it was, e.g. --activity run."),
        (["--activity", "run"], "Error: Missing option --minutes. Say how long it lasted, e.g. "
         "--minutes 45."),
        (["--activity", " ", "--minutes", "30"], "Error: --activity: invalid value ' '. Name the "
         "activity in 1-80 characters, e.g. \"run\"."),
        (["--activity", "run", "--minutes", "0"], "Error: --minutes: invalid value '0'. Use a "
         "number from 1 to 1440."),
        (["--activity", "run", "--minutes", "25h"], "Error: --minutes: invalid value '25h'. A "
         "duration must be between 1 second and 24 hours."),
        (["--activity", "run", "--minutes", "ages"], "Error: --minutes: invalid value 'ages'. Use "
         "a number with a unit: \"45s\", \"2m\", \"1m30s\", \"1.5 min\", \"1h\", or \"m:ss\" like "
         "\"1:30\"."),
        (["--activity", "run", "--minutes", "30", "--intensity", "brutal"], "Error: --intensity: "
         "invalid value 'brutal'. Use one of: light, moderate, vigorous (or easy, medium, hard)."),
        (["--activity", "run", "--minutes", "30", "--muscle", "calff"], "Error: --muscle: invalid "
         "value 'calff'. Unknown muscle. Did you mean 'calf'? See `spasmlog muscles`."),
        (["--activity", "run", "--minutes", "30", "--at", "tomorrow 9:00"], "Error: --at: invalid "
         "value 'tomorrow 9:00'. Use ISO 8601"),
        (["--activity", "run", "--minutes", "30", "--at", "2026-03-15 18:00"], "Error: --at: "
         "invalid value '2026-03-15 18:00'. That is in the future; give a time that has passed."),
    ],
)  # fmt: skip
def test_add_bad_input(run: Run, db_path: Path, args: list[str], message: str) -> None:
    _ok(run, "exercise", "add", "--activity", "walk", "--minutes", "10")
    before = diary_fingerprint(db_path)
    result = run("exercise", "add", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert diary_fingerprint(db_path) == before


def test_list_bad_bound(run: Run, db_path: Path) -> None:
    _ok(run, "exercise", "add", "--activity", "walk", "--minutes", "10")
    before = diary_fingerprint(db_path)
    result = run("exercise", "list", "--since", "the dawn of time")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --since: invalid value 'the dawn of time'. Use ISO")
    assert diary_fingerprint(db_path) == before


@given(st.integers(min_value=1, max_value=MAX_EXERCISE_MIN))
def test_minutes_round_trip_as_number_or_duration(minutes: int) -> None:
    assert parse_minutes(str(minutes)) == minutes
    assert parse_minutes(format_duration(minutes * 60)) == minutes


@given(st.integers(min_value=0, max_value=24 * 60))
def test_sleep_as_hours_or_duration(minutes: int) -> None:
    hours = minutes / 60
    assert parse_sleep(f"{hours}") == pytest.approx(hours)
    if minutes:
        assert parse_sleep(format_duration(minutes * 60)) == pytest.approx(hours, abs=0.005)


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not 0 <= x <= 24))
def test_sleep_out_of_range_is_refused(hours: float) -> None:
    with pytest.raises(InvalidInput):
        parse_sleep(repr(hours))
