"""Rates over the weeks that were really observed.

Which weeks count never depends on the outcome: every week from the start of observation counts
(an episode-free one as 0), weeks before it are no data, a week that has just begun is not scaled
up, and a report's default period starts no earlier than the diary.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import Result

from spasmlog.core import clock
from spasmlog.db.store import open_store
from spasmlog.reports import summary
from spasmlog.reports.documents.content import SummaryData
from tests.conftest import Run, diary_fingerprint, pin_clock


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def summary_data(db_path: Path, first: dt.date, last: dt.date) -> SummaryData:
    store = open_store(db_path)
    try:
        return summary.build(store, first, last, clock.now(), with_chart=False)
    finally:
        store.close()


def test_four_episodes_three_weeks_apart_are_a_third_a_week(run: Run, db_path: Path) -> None:
    """The issue's case: weeks without an episode are observed zeros, not left out (which read
    "1.0 a week")."""
    for day in ("2026-01-26", "2026-02-16", "2026-03-09"):
        ok(run("log", "--muscle", "calf", "--at", f"{day} 15:00"))
    ok(run("log", "--muscle", "calf", "--at", "2026-01-05 15:00"))
    data = summary_data(db_path, dt.date(2026, 1, 5), dt.date(2026, 3, 15))
    # ten weeks, the last not over on Sunday noon: 9 complete, 3 episodes in them
    assert [n for _, n in data.weekly] == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1]
    assert (data.trend_weeks, data.per_week_start, data.per_week_now) == (4, 0.5, 0.25)
    weekly = ok(run("report", "weekly", "--since", "2026-01-05", "--no-chart"))
    assert "Trend: 0.2 episodes a week in the latest 4 complete weeks" in weekly


def test_a_week_that_has_just_begun_is_not_scaled_to_seven_days(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monday evening, 3 episodes since noon, after weeks of 6 and 3: not "21.0 now ... rising"."""
    for day, count in (("2026-03-02", 6), ("2026-03-09", 3)):
        for hour in range(13, 13 + count):
            ok(run("log", "--muscle", "calf", "--at", f"{day} {hour}:00"))
    pin_clock(monkeypatch, "2026-03-16T20:00:00+01:00")
    for hour in (13, 15, 17):
        ok(run("log", "--muscle", "calf", "--at", f"2026-03-16 {hour}:00"))
    out = Path(db_path.parent / "summary.md")
    ok(run("export", "doctor", "--from", "2026-03-02", "--out", str(out)))
    text = out.read_text()
    assert "21.0" not in text
    assert "6.0 now (last 1 complete week) vs 6.0 at the start" not in text
    assert "3.0 now (last complete week) vs 6.0 at the start (first complete week)" in text
    assert "not rising: 3.0 a week now vs 6.0 at the start" in text


def test_a_short_diary_s_default_summary_starts_with_the_diary(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """A two-week-old diary: not "15 of 90 days have a check-in", no weeks of hatching."""
    for offset in range(14):
        day = dt.date(2026, 3, 15) - dt.timedelta(days=offset)
        ok(run("checkin", "--date", day.isoformat(), "--fluid", "2L"))
    ok(run("log", "--muscle", "calf", "--at", "2026-03-05 15:00"))
    pdf = tmp_path / "summary.pdf"
    said = ok(run("export", "doctor", "--out", str(pdf)))
    assert said == f"Wrote the doctor summary for 2026-03-02 to 2026-03-15 to {pdf}\n"
    page = " ".join(PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text().split())
    assert "Period: 2026-03-02 to 2026-03-15 (14 days)" in page
    assert "Days covered by the diary: 14 of 14 days have a daily check-in (100%)" in page
    data = summary_data(db_path, dt.date(2026, 3, 2), dt.date(2026, 3, 15))
    assert [n for _, n in data.weekly] == [1, 0]  # no week of "no data" before the diary
    weekly = ok(run("report", "weekly", "--no-chart"))
    assert weekly.startswith("Weekly report 2026-03-02 to 2026-03-15 (2 weeks, local time)")
    assert "no data" not in weekly


def test_observe_shows_sets_and_clears_the_start(run: Run, db_path: Path) -> None:
    ok(run("db", "upgrade"))  # a new, empty diary
    assert ok(run("observe")) == (
        "Nothing recorded yet: observation begins with your first episode or check-in.\n"
    )
    ok(run("log", "--muscle", "calf", "--at", "2026-03-10 03:00"))
    assert ok(run("observe")) == (
        "Observation began on 2026-03-09 (your first episode): every week from then on counts, a "
        "week without episodes as 0; weeks before it are no data.\n"
    )
    assert ok(run("observe", "--since", "2026-02-23")).startswith(
        "Observation began on 2026-02-23 (set by hand)"
    )
    weekly = ok(run("report", "weekly", "--weeks", "4", "--no-chart"))
    rows = [line.split()[:2] for line in weekly.splitlines() if line.startswith("2026-")]
    assert rows == [["2026-02-16", "no"], ["2026-02-23", "0"], ["2026-03-02", "0"],
                    ["2026-03-09", "1"]]  # fmt: skip
    data = json.loads(ok(run("report", "factors", "--format", "json")))
    assert data["period"]["start"] == "2026-02-23"
    assert ok(run("undo")) == "Undid: set the start of observation to 2026-02-23.\n"
    assert "(your first episode)" in ok(run("observe"))
    ok(run("observe", "--since", "2026-03-01"))
    assert "(your first episode)" in ok(run("observe", "--clear"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--since", "2026-03-12"),
            "Error: --since: invalid value '2026-03-12'. Your diary already has an entry on "
            "2026-03-09; observation began then at the latest.\n",
        ),
        (("--since", "tomorrow"), "Error: --since: invalid value 'tomorrow'."),
        (("--since", "2026-03-01", "--clear"), "Error: --clear: invalid value ''. Give --since"),
        (("--clear",), "Error: No start of observation was set by hand; nothing to clear.\n"),
    ],
)
def test_observe_refuses_bad_input_and_changes_nothing(
    run: Run, db_path: Path, args: tuple[str, ...], message: str
) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-10 03:00"))
    before = diary_fingerprint(db_path)
    result = run("observe", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert diary_fingerprint(db_path) == before


def test_back_dated_context_does_not_move_observation(run: Run) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-10 15:00"))
    ok(run("meds", "add", "atorvastatin", "--started", "2020-01-01"))
    ok(run("conditions", "add", "hypothyroidism", "--since", "2019-05-01"))
    ok(run("labs", "add", "potassium", "3.3", "mmol/L", "--on", "2021-01-01"))
    ok(run("exercise", "add", "--at", "2025-06-01 08:00", "--activity", "run", "--minutes", "30"))
    assert "Observation began on 2026-03-10 (your first episode)" in ok(run("observe"))
