"""The quick check-in, in a real terminal (pexpect): the report's questions in their order, one key
for yes/no, defaults in brackets, `--same`, and the person's fluid unit."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from spasmlog.core import settings
from tests.conftest import CLOCK, Run, diary_fingerprint

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a pty")
pexpect = pytest.importorskip("pexpect")

YES_NO_DEFAULT_NO = r"\[y/N/s\] "


def spawn(db: Path, *args: str) -> Any:
    env = {**CLOCK, "PATH": "/usr/bin:/bin"}
    env |= {name: os.environ[name] for name in ("SPASMLOG_CONFIG", "SPASMLOG_STATE")}
    return pexpect.spawn(
        sys.executable, ["-m", "spasmlog", "--db", str(db), *args],
        env=env, encoding="utf-8", timeout=20,
    )  # fmt: skip


def finish(child: Any) -> str:
    child.expect(pexpect.EOF)
    child.close()
    said = str(child.before).replace("\r", "")
    assert child.exitstatus == 0, said
    return said


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


COLUMNS = (
    "SELECT date, fluid_ml, sleep_h, exercised, sweating, vomiting, diarrhea, fever, "
    "alcohol_units, magnesium_mg, hot_weather, trial_taken, tags, note FROM checkins"
)


def test_the_questions_in_order_one_key_each(db_path: Path, run: Run) -> None:
    settings.set_value("fluid_unit", "glass")
    settings.set_value("glass_ml", "300")
    child = spawn(db_path, "checkin")
    child.expect(r"Check-in for Sunday 15 Mar \(today\)\. Answer y or n with one key, s to skip")
    child.expect(r"Fluids today, in glasses of 300 ml, e\.g\. 6 \(Enter skips\): ")
    child.sendline("lots")  # not a volume: said, and asked again
    child.expect("Use a number with a unit")
    child.expect("Fluids today")
    child.sendline("5")  # a bare number is in the person's unit
    child.expect(r"Hours slept, e\.g\. 7\.5 or 7h30m \(Enter skips\): ")
    child.sendline("6.5")
    child.expect(r"Exercise today\? \[y/n/s\] ")
    child.send("\r")  # no default here: Enter is not an answer
    child.send("x")  # nor is another key
    child.send("y")
    child.expect("yes")
    child.expect(r"What and how long, e\.g\. run 45m vigorous \(Enter skips\): ")
    child.sendline("walk 30m light")
    child.expect(r"Heavy sweating or fluid loss today \(vomiting, diarrhea, fever\)\? \[y/N/s\] ")
    child.send("y")
    child.expect(r"Which: s sweating, v vomiting, d diarrhea, f fever \(e\.g\. sv\): ")
    child.sendline("sd")
    child.expect(r"Alcohol today\? \[y/N/s\] ")
    child.send("y")
    child.expect(r"How many units \(10 ml of pure alcohol each\) \(Enter skips\): ")
    child.sendline("2")
    child.expect(r"Magnesium today\? \[y/N/s\] ")
    child.send("\r")  # Enter: the default, no
    child.expect("no")
    child.expect(r"Hot weather today\? \[y/N/s\] ")
    child.send("s")  # skipped: not answered
    said = finish(child)
    assert "skipped\nChecked in for 2026-03-15: fluids 5 glasses, sweating yes, vomiting no, " in (
        said
    )
    assert "Trial" not in said and "Note" not in said and "Date" not in said
    assert rows(db_path, COLUMNS) == [
        ("2026-03-15", 1500, 6.5, 1, 1, 0, 1, 0, 2, 0, None, None, "[]", None)
    ]
    assert "walk 30m light" in run("checkins").stdout
    assert "5 glasses" in run("checkins").stdout  # the person's unit in the table too


def test_stored_answers_are_the_defaults_and_enter_keeps_them(seeded: Path, run: Run) -> None:
    assert run("checkin", "--fluid", "2L", "--hot-weather", "--no-exercise").exit_code == 0
    before = diary_fingerprint(seeded)
    child = spawn(seeded, "checkin")
    child.expect(r"Fluids today, in litres, e\.g\. 1\.5 \(now 2 L; Enter keeps it\): ")
    child.sendline("")
    child.expect(r"\(Enter skips\): ")  # sleep: none stored
    child.sendline("")
    child.expect(r"Exercise today\? \[y/N/s\] ")  # stored: no
    child.send("\r")
    child.expect(YES_NO_DEFAULT_NO)  # fluid loss: none stored, the usual "no"
    child.send("s")
    child.expect(YES_NO_DEFAULT_NO)
    child.send("s")
    child.expect(YES_NO_DEFAULT_NO)
    child.send("s")
    child.expect(r"Hot weather today\? \[Y/n/s\] ")  # stored: yes
    child.send("\r")
    assert "The check-in for 2026-03-15 already says that; nothing changed." in finish(child)
    assert diary_fingerprint(seeded) == before


def test_ctrl_c_saves_nothing(seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    child = spawn(seeded, "checkin")
    child.expect("Fluids today")
    child.sendline("1.5")
    child.expect("Hours slept")
    child.sendline("7")
    child.expect(r"Exercise today\? ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    assert diary_fingerprint(seeded) == before


def test_same_shows_the_day_before_and_asks_once(seeded: Path, run: Run) -> None:
    done = run(
        "checkin", "--date", "yesterday", "--fluid", "1.5L", "--sleep", "7", "--magnesium",
        "300", "--alcohol", "0", "--no-sweating", "--exercise", "run 45m vigorous", "--tag",
        "coffee", "--note", "private words",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    before = diary_fingerprint(seeded)
    child = spawn(seeded, "checkin", "--same")
    child.expect(
        r"Saturday 14 Mar: fluids 1\.5 L, sweating no, sleep 7 h, magnesium 300 mg, alcohol 0 "
        r"units, tags coffee, exercise run 45m vigorous\.\r\n"
        r"The same for Sunday 15 Mar\? \[y/N\] "
    )
    child.send("n")
    assert finish(child).endswith("no\nNothing changed.\n")
    assert diary_fingerprint(seeded) == before

    child = spawn(seeded, "checkin", "--same", "--sleep", "5")  # an option wins over the copy
    child.expect(r"\[y/N\] ")
    child.send("y")
    assert "Checked in for 2026-03-15: fluids 1.5 L, sweating no, sleep 5 h, " in finish(child)
    assert rows(seeded, COLUMNS)[-1] == (
        "2026-03-15",
        1500,
        5.0,
        1,
        0,
        None,
        None,
        None,
        0,
        300,
        None,
        None,
        '["coffee"]',
        None,
    )  # the note is not copied
    assert "run 45m vigorous" in run("checkins").stdout.splitlines()[2]


def test_same_needs_a_day_before_and_a_terminal(seeded: Path, run: Run) -> None:
    before = diary_fingerprint(seeded)
    child = spawn(seeded, "checkin", "--same")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "Error: Saturday 14 Mar has no check-in to copy; `spasmlog checkin` asks the" in (
        str(child.before)
    )
    result = run("checkin", "--same")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --same shows the day before's answers and asks before copying them, so it "
        "needs a terminal.\n"
    )
    assert diary_fingerprint(seeded) == before


def test_fluids_typed_as_options_use_the_persons_glass(run: Run, db_path: Path) -> None:
    settings.set_value("glass_ml", "330")
    result = run("checkin", "--fluid", "6 glasses")
    assert result.stdout == "Checked in for 2026-03-15: fluids 1.98 L.\n"
    assert rows(db_path, "SELECT fluid_ml FROM checkins") == [(1980,)]
    assert (
        run("export", "csv", "--what", "checkins", "--out", "-")
        .stdout.splitlines()[1]
        .split(",")[1]
        == "1.98"
    )  # exports stay in litres whatever the unit
