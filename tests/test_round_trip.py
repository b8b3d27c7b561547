"""Nothing lost or mislabeled on the way through: export, then import into an empty diary, gives
the same diary back (issue 13). Rows are duplicates only when every field the file gives is equal."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner, Result

from spasmlog.cli import app


def run_on(db: Path, *args: str) -> Result:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, (args, result.output)
    return result


def export_csv(db: Path, kind: str) -> str:
    # as bytes: the runner's .stdout turns a "\r" in a note into "\n"
    return run_on(db, "export", "csv", "--what", kind, "--out", "-").stdout_bytes.decode()


def test_two_episodes_of_one_minute_with_different_sides_both_come_back(tmp_path: Path) -> None:
    """The report: two calf cramps at 03:00, left and right, lost one on the way through."""
    original, copy = tmp_path / "a" / "diary.db", tmp_path / "b" / "diary.db"
    at = ("--muscle", "calf", "--at", "2026-03-14T03:00")
    run_on(original, "log", *at, "--side", "left", "--severity", "7", "--duration", "2m")
    run_on(original, "log", *at, "--side", "right", "--severity", "4", "--duration", "45s")
    exported = tmp_path / "episodes.csv"
    exported.write_bytes(export_csv(original, "episodes").encode())

    result = run_on(copy, "import", str(exported), "--kind", "episodes")

    assert "episodes: 2 added." in result.stdout
    rows = list(csv.DictReader(io.StringIO(export_csv(copy, "episodes"))))
    assert [(r["side"], r["severity"], r["duration_s"]) for r in rows] == [
        ("left", "7", "120"),
        ("right", "4", "45"),
    ]
    assert export_csv(copy, "episodes") == export_csv(original, "episodes")


def test_each_episode_keeps_its_own_exercise_session_on_the_way_through(tmp_path: Path) -> None:
    """Two cramps after one run, logged with the same --exercise, have a session each (as
    `log` made them), and a session of another length that started then is not theirs."""
    original, copy = tmp_path / "a" / "diary.db", tmp_path / "b" / "diary.db"
    at = ("--muscle", "calf", "--at", "2026-03-14T03:00", "--exercise", "run 45m")
    run_on(original, "log", *at, "--side", "left")
    run_on(original, "log", *at, "--side", "right")
    run_on(original, "exercise", "add", "--at", "2026-03-14T02:15", "--activity", "run",
           "--minutes", "60")  # fmt: skip
    exported = tmp_path / "diary.json"
    run_on(original, "export", "json", "--out", str(exported))

    result = run_on(copy, "import", str(exported))

    assert "episodes: 2 added." in result.stdout
    assert export_csv(copy, "episodes") == export_csv(original, "episodes")  # ids too: 1, 2
    # the two log sessions are equal: the second repeats the first in the file, and is made
    # again for the second episode, after the run of 60 minutes that started then
    sessions = export_csv(copy, "exercise").splitlines()
    assert len(sessions) == 4 and sorted(sessions) == sorted(
        export_csv(original, "exercise").splitlines()
    )
    run_on(copy, "edit", "2", "--exercise", "run 30m")  # changes the right calf's session only
    rows = list(csv.DictReader(io.StringIO(export_csv(copy, "episodes"))))
    assert [(r["side"], r["exercise"]) for r in rows] == [("left", "run 45m"), ("right", "run 30m")]
