"""The daily nudge: real processes whose stdout is a terminal (a pty) and whose stderr is a pipe,
so that the tests see which stream the line goes to."""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from spasmlog.cli import nudging
from spasmlog.core import settings
from spasmlog.diary import nudge
from tests.conftest import ZONE, diary_fingerprint

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")

TWO_DAYS_LATER = "2026-03-17T09:00:00+01:00"  # the seeded diary's changes were made on 15 Mar
LINE = "No check-in for Monday 16 Mar: spasmlog checkin --date yesterday\n"


def on_terminal(
    db: Path, *args: str, now: str = TWO_DAYS_LATER, tty: bool = True
) -> tuple[int, str, str]:
    """Run spasmlog with stdout on a pty (or a pipe); its exit code, stdout and stderr."""
    env = {**os.environ, "SPASMLOG_NOW": now, "SPASMLOG_TZ": ZONE}
    command = [sys.executable, "-m", "spasmlog", "--db", str(db), *args]
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the pty's other end closed: the process is done with it
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, err = process.communicate(timeout=60)
    return process.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), err.decode()


def state() -> Path:
    return Path(os.environ["SPASMLOG_STATE"])


def test_once_a_day_on_stderr_after_the_output_and_never_in_the_diary(seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    code, out, err = on_terminal(seeded, "list")
    assert code == 0 and "neck" in out  # the command's own output, on the terminal
    assert err == LINE and "No check-in" not in out
    assert diary_fingerprint(seeded) == before  # the mark is not in the diary
    assert (state() / nudge.MARK).read_text() == "2026-03-17\n"
    assert on_terminal(seeded, "checkins")[2] == ""  # once a day
    assert on_terminal(seeded, "list", now="2026-03-18T08:00:00+01:00")[2] == (
        "No check-in for Tuesday 17 Mar: spasmlog checkin --date yesterday\n"
    )  # and again the next day


def test_after_any_command_that_succeeded(seeded: Path) -> None:
    assert on_terminal(seeded, "config", "get", "week_start")[1:] == ("monday\n", LINE)


def test_not_when_yesterday_has_a_check_in(seeded: Path) -> None:
    code, out, err = on_terminal(seeded, "checkin", "--date", "yesterday", "--sleep", "7")
    assert code == 0 and out.startswith("Checked in for 2026-03-16") and err == ""


def test_not_for_a_diary_begun_today_and_never_creates_one(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    assert on_terminal(fresh, "log", "--muscle", "calf")[2] == ""
    missing = tmp_path / "none" / "diary.db"
    assert on_terminal(missing, "config", "path")[2] == ""
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--format", "json"),
        ("list", "--limit", "1", "--format=csv"),
        ("export", "csv", "--what", "episodes", "--out", "-"),
        ("list", "--help"),
    ],
)
def test_not_when_the_output_is_data_or_help(seeded: Path, args: tuple[str, ...]) -> None:
    code, _, err = on_terminal(seeded, *args)
    assert code == 0 and err == ""
    assert not (state() / nudge.MARK).exists()


def test_not_when_stdout_is_not_a_terminal(seeded: Path) -> None:
    assert on_terminal(seeded, "list", tty=False)[2] == ""


def test_not_after_a_rejected_command_which_leaves_the_diary_as_it_was(seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    code, _, err = on_terminal(seeded, "log", "--muscle", "calf", "--severity", "11")
    assert code == 2 and err.startswith("Error: --severity") and "No check-in" not in err
    assert diary_fingerprint(seeded) == before


def test_off_with_the_setting(seeded: Path) -> None:
    settings.set_value("nudge", "off")
    assert on_terminal(seeded, "list")[2] == ""


def test_a_broken_settings_file_fails_the_next_command_not_this_one(seeded: Path) -> None:
    path = settings.config_path()
    path.parent.mkdir(mode=0o700)
    path.write_text("nudge = 3\n")
    code, out, err = on_terminal(seeded, "config", "path")
    assert code == 0 and out == f"{path}\n" and err == ""


@pytest.mark.parametrize(
    ("args", "data"),
    [
        (["list", "--format", "table"], False),
        (["list", "--format", "JSON"], True),
        (["export", "json", "--out", "diary.json"], False),
        (["export", "json", "--out=-"], True),
        (["log", "--note", "--format"], False),
    ],
)
def test_output_is_data(args: list[str], data: bool) -> None:
    assert nudging.output_is_data(args) is data


def test_quiet_commands() -> None:
    assert not nudging.wanted(["remind", "fire"])
    assert not nudging.wanted(["serve", "--port", "8000"])
    assert nudging.wanted(["remind", "status"])


def test_the_mark_is_a_date_in_the_state_folder(tmp_path: Path) -> None:
    assert not nudge.shown_today(tmp_path, dt.date(2026, 3, 17))
    (tmp_path / nudge.MARK).write_text("2026-03-16\n")
    assert not nudge.shown_today(tmp_path, dt.date(2026, 3, 17))
    (tmp_path / nudge.MARK).write_bytes(b"\xff")
    assert not nudge.shown_today(tmp_path, dt.date(2026, 3, 17))


def test_the_glance_is_one_indexed_query(seeded: Path) -> None:
    import sqlite3

    from spasmlog.db import glance

    with sqlite3.connect(seeded) as connection:
        plan = [
            row[3]
            for row in connection.execute(f"EXPLAIN QUERY PLAN {glance._CHECKIN_GAP}", ("x",))
        ]
    assert "SEARCH checkins USING INDEX sqlite_autoindex_checkins_1 (date=?)" in plan
    assert "SEARCH changes USING INTEGER PRIMARY KEY (rowid=?)" in plan
    assert not [line for line in plan if line.startswith("SCAN") and "CONSTANT" not in line]
