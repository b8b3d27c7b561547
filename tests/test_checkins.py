"""`spasmlog checkin` and `checkins`: one row a day, upserts that say what changed, missing days."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, diary_fingerprint


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_first_checkin_says_what_it_recorded(run: Run, db_path: Path) -> None:
    out = _ok(run, "checkin", "--fluid", "6 glasses", "--sweating", "--no-fever", "--sleep",
              "7h30m", "--magnesium", "400 mg", "--alcohol", "2", "--tag", "coffee", "--tag",
              "new shoes", "--tag", "Coffee", "--note", "long walk")  # fmt: skip
    assert out == (
        "Checked in for 2026-03-15: fluids 1.5 L, sweating yes, fever no, sleep 7.5 h, "
        "magnesium 400 mg, alcohol 2 units, tags coffee, new shoes, note (9 characters).\n"
    )
    rows = _rows(
        db_path, "SELECT date, fluid_ml, sweating, fever, vomiting, sleep_h, tags FROM checkins"
    )
    assert rows == [("2026-03-15", 1500, 1, 0, None, 7.5, '["coffee", "new shoes"]')]


def test_second_checkin_changes_only_the_fields_given(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--fluid", "1.2L", "--sweating", "--tag", "coffee")
    out = _ok(run, "checkin", "--fluid", "1.8L", "--sleep", "7", "--tag", "new shoes")
    assert out == (
        "Updated the check-in for 2026-03-15:\n"
        "  fluids: 1.2 L -> 1.8 L\n"
        "  sleep: (not set) -> 7 h\n"
        "  tags: coffee -> new shoes\n"
    )
    assert _rows(db_path, "SELECT fluid_ml, sweating, sleep_h, tags FROM checkins") == [
        (1800, 1, 7.0, '["new shoes"]')
    ]


def test_checkin_that_changes_nothing_writes_nothing(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--fluid", "1.8L", "--no-sweating")
    before = diary_fingerprint(db_path)
    out = _ok(run, "checkin", "--fluid", "1800 ml", "--no-sweating")
    assert out == "The check-in for 2026-03-15 already says that; nothing changed.\n"
    assert diary_fingerprint(db_path) == before
    assert _ok(run, "undo").startswith("Undid: checked in for 2026-03-15")


def test_date_takes_phrases_for_backfilling(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--date", "yesterday", "--fluid", "1L")
    _ok(run, "checkin", "--date", "3 days ago", "--fluid", "2L")
    _ok(run, "checkin", "--date", "2026-03-01", "--fluid", "3L")
    assert _rows(db_path, "SELECT date FROM checkins ORDER BY date") == [
        ("2026-03-01",), ("2026-03-12",), ("2026-03-14",)
    ]  # fmt: skip


def test_missing_days_are_missing_not_zero(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--date", "2026-03-10", "--sleep", "6")
    _ok(run, "checkin", "--date", "2026-03-15", "--fluid", "2L")
    out = _ok(run, "checkins")
    lines = out.splitlines()
    assert [line[:10] for line in lines[2:4]] == ["2026-03-15", "2026-03-10"]
    assert lines[4] == (
        "4 day(s) between 2026-03-10 and 2026-03-15 have no check-in: they count as missing, "
        "not as zero."
    )
    assert "0 L" not in out and " 0 " not in out  # unset fluids and sleep are blank
    assert lines[3].split() == ["2026-03-10", "6", "h"]
    assert _rows(db_path, "SELECT date, fluid_ml FROM checkins ORDER BY date") == [
        ("2026-03-10", None), ("2026-03-15", 2000)
    ]  # fmt: skip


def test_checkins_since_and_until(run: Run) -> None:
    for day in ("2026-03-01", "2026-03-05", "2026-03-09"):
        _ok(run, "checkin", "--date", day, "--fluid", "1L")
    out = _ok(run, "checkins", "--since", "2026-03-02", "--until", "2026-03-08")
    assert [line[:10] for line in out.splitlines()[2:3]] == ["2026-03-05"]
    assert out.splitlines()[3] == (
        "6 day(s) between 2026-03-02 and 2026-03-08 have no check-in: they count as missing, "
        "not as zero."
    )
    out = _ok(run, "checkins", "--since", "2026-03-09", "--until", "2026-04-30")
    assert out.splitlines()[3].startswith("6 day(s) between 2026-03-09 and 2026-03-15 have")
    assert _ok(run, "checkins", "--since", "2026-03-10", "--until", "2026-03-11") == (
        "No check-ins in that period; `spasmlog checkins` with no filters shows all.\n"
    )


def test_no_checkins_yet(run: Run) -> None:
    assert _ok(run, "checkins") == (
        "No check-ins yet. Add one: spasmlog checkin --fluid 1.5L --sleep 7\n"
    )


def test_undo_of_an_update_brings_back_the_old_values(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--fluid", "1.2L", "--tag", "coffee")
    _ok(run, "checkin", "--fluid", "2L", "--fever")
    assert _ok(run, "undo") == "Undid: updated the check-in for 2026-03-15 (fluids, fever).\n"
    assert _rows(db_path, "SELECT fluid_ml, fever, tags, deleted_at FROM checkins") == [
        (1200, None, '["coffee"]', None)
    ]


def test_undone_day_is_revived_empty(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--date", "2026-03-10", "--fever", "--fluid", "1L")
    assert _ok(run, "undo") == "Undid: checked in for 2026-03-10 (fluids, fever).\n"
    assert _ok(run, "checkins").startswith("No check-ins yet.")
    out = _ok(run, "checkin", "--date", "2026-03-10", "--sleep", "6")
    assert out == "Checked in for 2026-03-10: sleep 6 h.\n"
    assert _rows(db_path, "SELECT date, fever, fluid_ml, sleep_h, deleted_at FROM checkins") == [
        ("2026-03-10", None, None, 6.0, None)
    ]
    _ok(run, "undo")
    assert _ok(run, "checkins").startswith("No check-ins yet.")


def test_checkin_exercise_is_one_session_at_noon(run: Run, db_path: Path) -> None:
    out = _ok(run, "checkin", "--date", "2026-03-14", "--exercise", "run 45m vigorous")
    assert out == "Checked in for 2026-03-14: exercise run 45m vigorous.\n"
    out = _ok(run, "checkin", "--date", "2026-03-14", "--exercise", "run 1h")
    assert out == "Updated the check-in for 2026-03-14:\n  exercise: run 45m vigorous -> run 60m\n"
    listed = _ok(run, "exercise", "list").splitlines()
    assert len(listed) == 3
    assert listed[2].split() == ["1", "2026-03-14", "12:00", "run", "60", "checkin"]
    assert "run 60m" in _ok(run, "checkins")
    _ok(run, "undo")
    assert _rows(db_path, "SELECT activity, minutes, intensity, source, started_at "
                 "FROM exercise_sessions") == [
        ("run", 45, "vigorous", "checkin", "2026-03-14 11:00:00.000000")
    ]  # fmt: skip


def test_no_exercise_is_a_known_no_and_exercise_a_yes(run: Run, db_path: Path) -> None:
    out = _ok(run, "checkin", "--date", "2026-03-13", "--no-exercise")
    assert out == "Checked in for 2026-03-13: exercise no.\n"
    _ok(run, "checkin", "--date", "2026-03-14", "--exercise", "run 45m vigorous")
    _ok(run, "checkin", "--date", "2026-03-15", "--fluid", "2L")  # not answered: unknown
    assert _rows(db_path, "SELECT date, exercised FROM checkins ORDER BY date") == [
        ("2026-03-13", 0), ("2026-03-14", 1), ("2026-03-15", None)
    ]  # fmt: skip
    lines = _ok(run, "checkins").splitlines()
    assert lines[0].split()[10] == "Exercise"
    assert lines[2].split() == ["2026-03-15", "2", "L"]
    assert lines[3].split() == ["2026-03-14", "run", "45m", "vigorous"]
    assert lines[4].split() == ["2026-03-13", "no"]


def test_no_exercise_replaces_the_checkin_session_and_undo_brings_it_back(
    run: Run, db_path: Path
) -> None:
    _ok(run, "checkin", "--date", "2026-03-14", "--exercise", "run 45m vigorous")
    out = _ok(run, "checkin", "--date", "2026-03-14", "--no-exercise")
    assert out == "Updated the check-in for 2026-03-14:\n  exercise: run 45m vigorous -> no\n"
    sessions = "SELECT activity, deleted_at IS NULL FROM exercise_sessions"
    assert _rows(db_path, sessions) == [("run", 0)]
    assert _rows(db_path, "SELECT exercised FROM checkins") == [(0,)]
    again = _ok(run, "checkin", "--date", "2026-03-14", "--no-exercise")
    assert again == "The check-in for 2026-03-14 already says that; nothing changed.\n"
    _ok(run, "undo")
    assert _rows(db_path, sessions) == [("run", 1)]
    assert _rows(db_path, "SELECT exercised FROM checkins") == [(1,)]
    out = _ok(run, "checkin", "--date", "2026-03-14", "--no-exercise")
    _ok(run, "checkin", "--date", "2026-03-14", "--exercise", "swim 30m")
    assert _rows(db_path, "SELECT exercised FROM checkins") == [(1,)]
    assert _ok(run, "checkins").splitlines()[2].split() == ["2026-03-14", "swim", "30m"]


def test_exercise_and_no_exercise_together_are_refused(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--date", "2026-03-01", "--fluid", "1L")
    before = diary_fingerprint(db_path)
    result = run("checkin", "--exercise", "run 45m", "--no-exercise")
    assert result.exit_code == 2
    assert result.stderr == "Error: Give --exercise or --no-exercise, not both.\n"
    assert diary_fingerprint(db_path) == before


def test_checkin_exercise_today_before_noon_is_not_in_the_future(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPASMLOG_NOW", "2026-03-15T09:15:00+01:00")
    _ok(run, "checkin", "--exercise", "walk 20m light")
    assert _ok(run, "exercise", "list").splitlines()[2].split()[1:3] == ["2026-03-15", "09:15"]


def test_exercise_only_checkin_still_creates_the_day(run: Run) -> None:
    _ok(run, "checkin", "--exercise", "swim 30m")
    assert _ok(run, "checkins").splitlines()[2].split() == ["2026-03-15", "swim", "30m"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fluid", "lots"], "Error: --fluid: invalid value 'lots'. Use a number with a unit"),
        (["--sleep", "25"], "Error: --sleep: invalid value '25'. Use a number from 0 to 24."),
        (["--sleep", "zzz"], "Error: --sleep: invalid value 'zzz'. Use a number with a unit"),
        (["--magnesium", "lots"], "Error: --magnesium: invalid value 'lots'. Use a number from 0"),
        (["--magnesium", "-5"], "Error: --magnesium: invalid value '-5'. Use a number from 0"),
        (["--alcohol", "200"], "Error: --alcohol: invalid value '200'. Use a number from 0 to 100."),
        (["--date", "tomorrow"], "Error: --date: invalid value 'tomorrow'. Use YYYY-MM-DD"),
        (["--date", "2026-03-16", "--fluid", "1L"], "Error: --date: invalid value '2026-03-16'. "
         "That date is in the future"),
        (["--exercise", "run fast"], "Error: --exercise: invalid value 'run fast'. Use \"ACTIVITY"),
        (["--tag", " "], "Error: --tag: invalid value ' '. A tag is 1-40 characters."),
        (["--note", "-"], "Error: --note: invalid value '-'. A prompt for the note needs a terminal"),
        ([], "Error: Missing option a field. Give at least one, e.g. --fluid 1.5L"),
        (["--date", "yesterday"], "Error: Missing option a field. Give at least one"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_changes_nothing(
    run: Run, db_path: Path, args: list[str], message: str
) -> None:
    _ok(run, "checkin", "--date", "2026-03-01", "--fluid", "1L")
    before = diary_fingerprint(db_path)
    result = run("checkin", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert diary_fingerprint(db_path) == before


def test_checkins_bad_date_is_refused(run: Run, db_path: Path) -> None:
    _ok(run, "checkin", "--fluid", "1L")
    before = diary_fingerprint(db_path)
    result = run("checkins", "--since", "soon")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --since: invalid value 'soon'. Use YYYY-MM-DD")
    assert diary_fingerprint(db_path) == before
