"""`spasmlog report factors`: the command on real diary files, its options and its refusals."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from spasmlog.reports.factors import SCHEMA
from tests.conftest import Run, diary_fingerprint, run_process
from tests.simulate import Scenario, simulate, write_diary

NOW_DAY = "2026-03-15"


@pytest.fixture(scope="module")
def year_diary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A year of simulated diary ending yesterday (the fixed clock's today is 2026-03-15)."""
    path = tmp_path_factory.mktemp("template") / "diary.db"
    write_diary(simulate(Scenario(days=365, start=dt.date(2025, 3, 14)), seed=21), path)
    return path


@pytest.fixture
def simulated_diary(year_diary: Path, db_path: Path) -> Path:
    db_path.parent.mkdir(mode=0o700)
    shutil.copyfile(year_diary, db_path)
    return db_path


def test_command_table(run: Run, simulated_diary: Path) -> None:
    result = run("report", "factors")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Risk factors and your spasms, 2025-03-14 to 2026-03-15\n")
    assert "Coverage: " in result.stdout and "While taking statins you had" in result.stdout
    assert "not proof of cause" in result.stdout


def test_command_json_and_options(run: Run, simulated_diary: Path) -> None:
    result = run(
        "report",
        "factors",
        "--format",
        "json",
        "--since",
        "2025-06-01",
        "--until",
        "2026-01-31",
        "--fluid-threshold",
        "8 glasses",
        "--window-weeks",
        "6",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == {"start": "2025-06-01", "end": "2026-01-31"}
    assert data["days_in_period"] == 245
    assert data["options"]["fluid_threshold_ml"] == 2000 and data["options"]["window_weeks"] == 6
    assert next(f for f in data["factors"] if f["id"] == "low_fluid")["label"] == (
        "Low fluids (under 2 L)"
    )


def test_default_period_starts_at_the_first_checkin_or_episode(run: Run) -> None:
    assert run("log", "--muscle", "calf", "--at", "2026-03-10 08:00").exit_code == 0
    data = json.loads(run("report", "factors", "--format", "json").stdout)
    assert data["period"] == {"start": "2026-03-09", "end": NOW_DAY}  # its analysis day
    assert (data["episodes_total"], data["analysable_days"]) == (1, 0)
    assert run("checkin", "--date", "2026-03-02", "--fluid", "1L").exit_code == 0
    data = json.loads(run("report", "factors", "--format", "json").stdout)
    assert data["period"] == {"start": "2026-03-02", "end": NOW_DAY}
    assert (data["days_in_period"], data["analysable_days"]) == (14, 1)


def test_empty_diary_command_says_so_in_one_line(run: Run) -> None:
    assert run("db", "upgrade").exit_code == 0  # a new, empty diary
    result = run("report", "factors")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Nothing to report yet: the diary has no episodes and no check-ins. "
        "Start with `spasmlog log` or `spasmlog checkin`."
    ]
    data = json.loads(run("report", "factors", "--format", "json").stdout)
    assert (data["analysable_days"], data["factors"][0]["verdict"]) == (0, "not enough data")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Error: --format: invalid value 'xml'. Use one of: table, json."),
        (
            ["--fluid-threshold", "lots"],
            "Error: --fluid-threshold: invalid value 'lots'. Use a number",
        ),
        (
            ["--fluid-threshold", "0 L"],
            "Error: --fluid-threshold: invalid value '0 L'. Give a volume above",
        ),
        (
            ["--window-weeks", "0"],
            "Error: --window-weeks: invalid value '0'. Use a number from 1 to 52.",
        ),
        (["--window-weeks", "2.5"], "Error: --window-weeks: invalid value '2.5'. Use whole weeks"),
        (
            ["--since", "2026-03-01", "--until", "2026-02-01"],
            "Error: --since: invalid value '2026-03-01'. It must be on or before --until (2026-02-01).",
        ),
        (
            ["--until", "2027-01-01"],
            "Error: --until: invalid value '2027-01-01'. That date is in the",
        ),
        (["--since", "someday"], "Error: --since: invalid value 'someday'. Use YYYY-MM-DD"),
    ],
)
def test_bad_options_are_rejected(
    run: Run, simulated_diary: Path, args: list[str], message: str
) -> None:
    before = diary_fingerprint(simulated_diary)
    result = run("report", "factors", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert diary_fingerprint(simulated_diary) == before


def test_real_process_json(simulated_diary: Path) -> None:
    done = run_process(simulated_diary, "report", "factors", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == SCHEMA


def test_help_has_an_example(run: Run) -> None:
    result = run("report", "factors", "--help")
    assert result.exit_code == 0
    assert "Example: spasmlog report factors" in result.stdout
