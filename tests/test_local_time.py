"""One model of local time, in real zones (IANA rules, with their clock changes).

A typed time gets the offset its own date had, not today's; a time the clocks skipped is refused
and one they repeated is the first; date filters use each entry's calendar date; `list` shows an
offset that is not the current one; SQLite's `local_date` agrees with Python's; the analysis day
runs noon to noon; and a diary written by an older spasmlog has its misplaced offsets repaired
on upgrade, as one change that `undo` reverts.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from spasmlog.core import clock
from spasmlog.db import migrate
from spasmlog.db.store import make_engine, open_store, read_revision
from tests.conftest import Run, diary_fingerprint, pin_clock

WINTER_BERLIN = "2026-12-07T10:00:00+01:00"


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def stored(db_path: Path, table: str = "episodes") -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(
            f"SELECT started_at, utc_offset_min, local_date FROM {table} ORDER BY id"
        ).fetchall()


def listed(run: Run, *args: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(ok(run("list", "--format", "json", *args)))
    return records


# --- a typed time gets the offset of its own date -----------------------------------------------


@pytest.mark.parametrize(
    ("zone", "typed", "utc", "offset"),
    [
        # the two cases: summer time typed in winter, and the morning after spring forward
        ("Europe/Berlin", "2026-07-15 23:30", "2026-07-15 21:30:00.000000", 120),
        ("America/New_York", "2026-03-08 03:30", "2026-03-08 07:30:00.000000", -240),
        ("America/New_York", "2026-03-07 03:30", "2026-03-07 08:30:00.000000", -300),
        ("Australia/Lord_Howe", "2026-01-15 20:00", "2026-01-15 09:00:00.000000", 660),
        ("Australia/Lord_Howe", "2026-07-15 20:00", "2026-07-15 09:30:00.000000", 630),
        ("Asia/Kolkata", "2026-07-15 23:30", "2026-07-15 18:00:00.000000", 330),
    ],
)
def test_a_typed_time_gets_the_offset_its_own_date_had(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str, typed: str, utc: str,
    offset: int,
) -> None:  # fmt: skip
    pin_clock(monkeypatch, WINTER_BERLIN, zone)
    ok(run("log", "--muscle", "calf", "--at", typed))
    assert stored(db_path) == [(utc, offset, typed[:10])]
    [record] = listed(run)
    assert record["started_at"] == f"{typed.replace(' ', 'T')}:00{clock.offset_text(offset)}"


@pytest.mark.parametrize(
    ("zone", "typed", "jump"),
    [
        ("Europe/Berlin", "2026-03-29 02:30", "from 02:00 to 03:00"),
        ("America/New_York", "2026-03-08 02:30", "from 02:00 to 03:00"),
        ("Australia/Lord_Howe", "2026-10-04 02:15", "from 02:00 to 02:30"),
    ],
)
def test_a_time_the_clocks_skipped_is_refused(
    run: Run, seeded: Path, monkeypatch: pytest.MonkeyPatch, zone: str, typed: str, jump: str
) -> None:
    pin_clock(monkeypatch, WINTER_BERLIN, zone)
    before = diary_fingerprint(seeded)
    result = run("log", "--muscle", "calf", "--at", typed)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --at: {typed} did not exist in {zone}: the clocks went forward {jump} that "
        f"night. Give a time before {jump.split()[1]} or from {jump.split()[3]}.\n"
    )
    assert diary_fingerprint(seeded) == before


@pytest.mark.parametrize(
    ("zone", "typed", "first", "second"),
    [
        ("Europe/Berlin", "2026-10-25 02:30", 120, 60),
        ("America/New_York", "2026-11-01 01:30", -240, -300),
        ("Australia/Lord_Howe", "2026-04-05 01:45", 660, 630),
    ],
)
def test_a_time_that_happened_twice_is_the_first_and_says_so(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str, typed: str, first: int,
    second: int,
) -> None:  # fmt: skip
    pin_clock(monkeypatch, WINTER_BERLIN, zone)
    assert run("db", "upgrade").exit_code == 0  # the diary exists: no line saying it was made
    result = run("log", "--muscle", "calf", "--at", typed)
    iso = typed.replace(" ", "T")
    assert result.stderr == (
        f"Note: {typed} happened twice in {zone} (the clocks went back); took the first, at "
        f"{clock.offset_text(first)}. For the second, give {iso}{clock.offset_text(second)}.\n"
    )
    ok(run("log", "--muscle", "foot", "--at", iso + clock.offset_text(second)))
    assert [row[1] for row in stored(db_path)] == [first, second]


def test_phrases_count_real_time_across_a_clock_change(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real hours before 04:00 on the night Berlin springs forward is 01:00, winter time."""
    pin_clock(monkeypatch, "2026-03-29T04:00:00+02:00", "Europe/Berlin")
    ok(run("log", "--muscle", "calf", "--at", "2h ago"))
    ok(run("log", "--muscle", "calf", "--at", "yesterday 23:30"))
    assert [row[:2] for row in stored(db_path)] == [
        ("2026-03-29 00:00:00.000000", 60),
        ("2026-03-28 22:30:00.000000", 60),
    ]


def test_an_unknown_zone_is_bad_input(
    run: Run, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPASMLOG_TZ", "Mars/Olympus")
    before = diary_fingerprint(seeded)
    result = run("log", "--muscle", "calf")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: SPASMLOG_TZ: invalid value 'Mars/Olympus'. Use an IANA time zone name, e.g. "
        '"Europe/Berlin", "America/New_York" or "UTC".\n'
    )
    assert diary_fingerprint(seeded) == before


# --- which day --------------------------------------------------------------------------------


def test_list_shows_an_offset_that_is_not_the_current_one(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(monkeypatch, WINTER_BERLIN, "Europe/Berlin")
    ok(run("log", "--muscle", "calf", "--at", "2026-07-15 23:30"))
    ok(run("log", "--muscle", "foot", "--at", "2026-12-06 23:30"))
    lines = ok(run("list")).splitlines()
    assert lines[2].split()[:4] == ["2", "2026-12-06", "23:30", "foot"]
    assert lines[3].split()[:5] == ["1", "2026-07-15", "23:30", "+02:00", "calf"]


def test_date_filters_use_the_entry_s_own_calendar_date(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """00:30 in Berlin on 15 July is 14 July in UTC; 23:30 in New York on 1 March is 2 March in
    UTC and in Berlin: each is found on the date its own clock showed."""
    pin_clock(monkeypatch, WINTER_BERLIN, "Europe/Berlin")
    ok(run("log", "--muscle", "calf", "--at", "2026-07-15 00:30"))
    ok(run("log", "--muscle", "foot", "--at", "2026-03-01T23:30-05:00"))
    ok(run("exercise", "add", "--at", "2026-07-15 00:30", "--activity", "run", "--minutes", "5"))

    def ids(*args: str) -> list[int]:
        return [record["id"] for record in listed(run, *args)]

    assert ids("--since", "2026-07-15", "--until", "2026-07-15") == [1]
    assert ids("--until", "2026-07-14") == [2]
    assert ids("--since", "2026-03-02", "--until", "2026-03-31") == []
    assert ids("--since", "2026-03-01", "--until", "2026-03-01") == [2]
    found = ok(run("exercise", "list", "--since", "2026-07-15", "--until", "2026-07-15"))
    assert "2026-07-15 00:30 +02:00" in found
    assert "No exercise sessions in that period" in ok(
        run("exercise", "list", "--until", "2026-07-14")
    )


def test_the_medication_back_fill_uses_the_calendar_date(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(monkeypatch, WINTER_BERLIN, "Europe/Berlin")
    ok(run("log", "--muscle", "calf", "--at", "2026-07-15 00:30"))  # 14 July in UTC
    ok(run("log", "--muscle", "calf", "--at", "2026-07-14 23:30"))
    ok(run("meds", "add", "atorvastatin", "--started", "2026-07-15"))
    assert [record["medications"] for record in listed(run)] == [["atorvastatin"], []]


@settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    instant=st.datetimes(
        min_value=dt.datetime(1901, 1, 2),
        max_value=dt.datetime(2099, 12, 30),
        timezones=st.just(dt.UTC),
    ),
    offset=st.integers(-14 * 60, 14 * 60),
)
def test_sqlite_s_local_date_agrees_with_the_clock(
    tmp_path: Path, instant: dt.datetime, offset: int
) -> None:
    """The stored column and the Python rule are one rule (spasmlog.core.clock.LOCAL_DATE_SQL)."""
    path = tmp_path / "agree.db"
    if not path.exists():
        open_store(path).close()
    with sqlite3.connect(path) as connection:
        text = instant.replace(tzinfo=None).isoformat(" ", "microseconds")
        (computed,) = connection.execute(
            "SELECT date(?, printf('%+d minutes', ?))", (text, offset)
        ).fetchone()
        assert clock.LOCAL_DATE_SQL == "date(started_at, printf('%+d minutes', utc_offset_min))"
    assert computed == clock.calendar_date(instant, offset).isoformat()


@pytest.mark.parametrize(
    ("local", "day"),
    [
        ("2026-03-10 03:00", "2026-03-09"),  # a night's cramp: the evening before
        ("2026-03-10 11:59", "2026-03-09"),
        ("2026-03-10 12:00", "2026-03-10"),
        ("2026-03-10 23:59", "2026-03-10"),
    ],
)
def test_the_analysis_day_runs_noon_to_noon(local: str, day: str) -> None:
    assert clock.analysis_day(dt.datetime.fromisoformat(local)) == dt.date.fromisoformat(day)


# --- repairing what older versions stored -------------------------------------------------------


def _old_diary(path: Path) -> None:
    """A diary at schema 0002 holding the rows an older spasmlog wrote in Berlin."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = make_engine(path)
    try:
        command.upgrade(migrate.alembic_config(engine), "0002")
    finally:
        engine.dispose()
    december, july = "2026-12-01 09:00:00.000000", "2026-07-17 09:00:00.000000"
    episodes = [
        # 15 July 23:30 typed in December: December's offset; the instant an hour late
        ("2026-07-15 22:30:00.000000", 60, december),
        # logged in July, right
        ("2026-07-16 21:30:00.000000", 120, july),
        # typed with New York's offset in December: not the bug
        ("2026-07-18 03:30:00.000000", -300, december),
        # a winter time typed in winter, right
        ("2026-11-30 22:30:00.000000", 60, december),
    ]
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO episodes (started_at, utc_offset_min, muscle, relief, symptoms, "
            "medications, created_at, updated_at) VALUES (?, ?, 'calf', '[]', '[]', '[]', ?, ?)",
            [(start, offset, made, made) for start, offset, made in episodes],
        )
        connection.execute(
            "INSERT INTO exercise_sessions (started_at, utc_offset_min, activity, minutes, "
            "muscles, source, created_at, updated_at) VALUES (?, 60, 'run', 30, '[]', "
            "'exercise', ?, ?)",
            ("2026-08-01 17:00:00.000000", december, december),
        )


def test_an_upgrade_repairs_misplaced_offsets_and_undo_reverts_it(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(monkeypatch, WINTER_BERLIN, "Europe/Berlin")
    _old_diary(db_path)
    with sqlite3.connect(db_path) as connection:
        before = connection.execute("SELECT started_at, utc_offset_min FROM episodes").fetchall()
    assert read_revision(db_path) == "0002" and len(before) == 4

    result = run("list", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == (
        "Repaired the time of 2 entries that an older spasmlog stored with the wrong UTC offset "
        "(a time typed without one took the offset of the day it was typed). `spasmlog undo` "
        "reverts the repair.\n"
    )
    assert [record["started_at"] for record in json.loads(result.stdout)] == [
        "2026-11-30T23:30:00+01:00",
        "2026-07-17T22:30:00-05:00",
        "2026-07-16T23:30:00+02:00",
        "2026-07-15T23:30:00+02:00",  # the wall-clock time typed, at July's offset
    ]
    assert stored(db_path)[0] == ("2026-07-15 21:30:00.000000", 120, "2026-07-15")
    assert stored(db_path, "exercise_sessions") == [
        ("2026-08-01 16:00:00.000000", 120, "2026-08-01")
    ]
    assert any(
        backup.name.endswith("-before-upgrade.db")
        for backup in (db_path.parent / "backups").iterdir()
    )
    assert run("list").stderr == ""  # once: no second repair, no message

    assert ok(run("undo")) == "Undid: repaired the time zone offset of 2 entries.\n"
    assert [row[:2] for row in stored(db_path)] == before
    assert stored(db_path, "exercise_sessions")[0][:2] == ("2026-08-01 17:00:00.000000", 60)


def test_db_upgrade_says_how_many_it_repaired(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(monkeypatch, WINTER_BERLIN, "Europe/Berlin")
    _old_diary(db_path)
    result = run("db", "upgrade")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Upgraded from schema 0002 to {migrate.HEAD}. Backup: ")
    assert "Repaired the time of 2 entries" in result.stderr
