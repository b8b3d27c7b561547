"""The diary has the indexes its queries need: every SELECT that real commands run is captured
(expanded, as SQLite ran it) and its EXPLAIN QUERY PLAN read back. A table that grows with the
diary is never read in full or sorted in memory by the everyday commands and the reports."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.conftest import Run

GROWING = ("episodes", "exercise_sessions", "checkins", "changes", "change_rows")


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every statement SQLite runs on a diary connection opened while the test runs."""
    seen: list[str] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(seen.append)

    event.listen(Engine, "connect", trace)
    yield seen
    event.remove(Engine, "connect", trace)


def plans(db: Path, statements: list[str]) -> dict[str, list[str]]:
    """SELECT text -> the plan's detail lines."""
    connection = sqlite3.connect(db)
    try:
        return {
            sql: [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
            for sql in dict.fromkeys(s.strip() for s in statements)
            if sql.upper().startswith("SELECT")
        }
    finally:
        connection.close()


def test_everyday_commands_and_reports_search_by_index(
    run: Run, db_path: Path, tmp_path: Path, statements: list[str]
) -> None:
    for day in ("01", "05", "10", "14"):
        run("log", "--muscle", "calf", "--at", f"2026-03-{day}T03:00", "--exercise", "run 30m")
    run("checkin", "--fluid", "2L")
    run("meds", "add", "atorvastatin")
    statements.clear()  # what follows is measured
    csv = tmp_path / "episodes.csv"
    csv.write_text(
        "started_at,muscle,exercise\n2026-03-01T03:00,calf,run 30m\n2026-03-02T03:00,foot,swim 20m\n"
    )  # an episode already logged, and a new one that needs an exercise session
    for args in (
        ("log", "--muscle", "calf", "--severity", "8"),
        ("list", "--limit", "20"),
        ("list", "--since", "7 days ago"),
        ("list", "--muscle", "calf"),
        ("show", "1"),
        ("edit", "1", "--severity", "3"),
        ("delete", "2"),
        ("undo",),
        ("checkins",),
        ("meds", "list"),
        ("exercise", "list"),
        ("report", "weekly", "--out", str(tmp_path / "w.png")),
        ("report", "factors", "--since", "30 days ago"),
        ("export", "doctor", "--out", str(tmp_path / "s.pdf")),
        ("import", str(csv), "--kind", "episodes"),
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    found = plans(db_path, statements)
    assert len(found) > 20  # the capture really saw the commands' queries
    for sql, plan in found.items():
        scans = [line for line in plan if re.match(rf"SCAN ({'|'.join(GROWING)})\b", line)]
        # a whole table is walked only along an index (in order, stopping at a LIMIT)...
        assert all(" USING " in line for line in scans), (plan, sql)
        # ...and never walked and then sorted: only a searched range may be sorted
        assert not (scans and any("TEMP B-TREE" in line for line in plan)), (plan, sql)

    def plan_of(pattern: str) -> list[str]:
        matching = [plan for sql, plan in found.items() if re.search(pattern, sql, re.S)]
        assert matching, pattern
        return matching[0]

    by_time = "SEARCH episodes USING INDEX ix_episodes_started_at (started_at>? AND started_at<?)"
    by_date = "SEARCH episodes USING INDEX ix_episodes_local_date (local_date>? AND local_date<?)"
    assert by_date in plan_of(r"FROM episodes\s+WHERE .*local_date >= .*local_date <= ")  # reports
    assert by_time in plan_of(r"count\(episodes.id\)")  # log's "frequent" check
    assert "SEARCH episodes USING COVERING INDEX ix_episodes_exercise_session_id (" in "\n".join(
        plan_of(r"FROM exercise_sessions LEFT OUTER JOIN episodes")
    )  # import: the sessions episodes link to
    assert "SEARCH change_rows USING INDEX ix_change_rows_change_id (change_id=?)" in plan_of(
        r"FROM change_rows\s+WHERE change_rows.change_id ="
    )  # undo
