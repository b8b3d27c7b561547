"""Load: four processes log at the same time into one diary while a reader runs reports.
Every entry lands exactly once, and "database is locked" never reaches the user."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.helpers import WORKERS, child_env, facts, invoke, reported

WRITERS = 4


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


def _all_ok(proc: subprocess.Popen[str]) -> list[str]:
    out, err = proc.communicate(timeout=600)
    outcomes = reported(out.splitlines())
    assert "locked" not in out + err
    assert proc.returncode == 0, [o for o in outcomes if o["code"] != 0] + [err]
    return [str(outcome["name"]) for outcome in outcomes]


def _writers_and_readers(tmp_path: Path, each: int, lister: bool) -> tuple[int, int]:
    """WRITERS processes log `each` entries while `report weekly` (and `list`) loop."""
    db = tmp_path / "spasmlog" / "diary.db"
    stop = tmp_path / "writers-done"
    assert invoke(db, "db", "upgrade").returncode == 0  # writers race to write, not to create
    writers = [_start("log", str(db), f"p{n}", str(each)) for n in range(WRITERS)]
    chart = tmp_path / "weekly.png"
    readers = [
        _start(
            "read",
            str(db),
            str(stop),
            "report",
            "weekly",
            "--weeks",
            "4",
            "--out",
            str(chart),
            "--force",
        ),
        _start("read", str(db), str(stop), "list", "--format", "json", "--limit", "50"),
    ]
    saved = [note for proc in writers for note in _all_ok(proc)]
    stop.touch()
    reads = sum(len(_all_ok(proc)) for proc in readers)

    expected = {f"p{n}-{i}" for n in range(WRITERS) for i in range(each)}
    found = facts(db)
    assert found.integrity == "ok"
    assert set(saved) == expected
    assert sorted(found.notes) == sorted(expected)  # all there, none twice
    assert chart.read_bytes().startswith(b"\x89PNG")
    return len(found.notes), reads


def test_four_writers_and_a_report_at_once(tmp_path: Path, record_property: Any) -> None:
    rows, reads = _writers_and_readers(tmp_path, each=12, lister=False)
    assert rows == 48 and reads >= 1
    record_property("rows_checked", rows)
    record_property("reads", reads)


@pytest.mark.slow
def test_four_writers_log_250_each_while_reports_run(tmp_path: Path, record_property: Any) -> None:
    """`make stress`: the issue's 4 x 250."""
    rows, reads = _writers_and_readers(tmp_path, each=250, lister=True)
    assert rows == 1000 and reads >= 2
    record_property("rows_checked", rows)
    record_property("reads", reads)
