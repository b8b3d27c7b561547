"""Words people type, through the real commands: times and sides as said, scores out of ten,
pints, likely typos taken with a did-you-mean, a cramp logged twice, and the see-a-doctor notice
shown once a day per sign (with every date in the weekly report)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from tests.conftest import CLOCK, Run, diary_fingerprint, pin_clock

MONDAY_AFTERNOON = "2026-03-16T15:00:00+01:00"


def ok(result: Any) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def episodes(run: Run) -> list[dict[str, Any]]:
    """The live episodes, by ID."""
    return sorted(json.loads(ok(run("list", "--format", "json"))), key=lambda e: e["id"])


@pytest.fixture
def empty(run: Run) -> Run:
    """A new, empty diary (so that no line says it was just created)."""
    ok(run("db", "upgrade"))
    return run


# --- times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("monday 3am", "2026-03-16T03:00:00+01:00"),  # this morning, not a week back
        ("2 days ago 3am", "2026-03-14T03:00:00+01:00"),
        ("last saturday 4am", "2026-03-14T04:00:00+01:00"),
        ("Dec 3 3am", "2025-12-03T03:00:00+01:00"),
        ("3 Dec 02:40", "2025-12-03T02:40:00+01:00"),
        ("last night at 2", "2026-03-16T02:00:00+01:00"),
    ],
)
def test_times_as_people_say_them(
    run: Run, monkeypatch: pytest.MonkeyPatch, typed: str, stored: str
) -> None:
    pin_clock(monkeypatch, MONDAY_AFTERNOON)
    ok(run("log", "--muscle", "calf", "--at", typed))
    assert episodes(run)[-1]["started_at"] == stored


def test_a_weekday_date_on_that_day_is_today(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, MONDAY_AFTERNOON)
    assert ok(run("checkin", "--date", "monday", "--sleep", "7")).startswith(
        "Checked in for 2026-03-16:"
    )
    assert ok(run("checkin", "--date", "last monday", "--sleep", "6")).startswith(
        "Checked in for 2026-03-09:"
    )


# --- muscle and side, scores, relief, intensity, months --------------------------------------


def test_right_calf_is_a_muscle_and_a_side(run: Run, db_path: Path) -> None:
    assert ok(run("log", "--muscle", "right calf", "--severity", "7/10")).startswith(
        "Logged #1: calf (right), 2026-03-15 12:00, severity 7/10."
    )
    ok(run("log", "--muscle", "both calves", "--at", "9:00"))
    ok(run("edit", "2", "--muscle", "left foot"))
    assert [(e["muscle"], e["side"], e["severity"]) for e in episodes(run)] == [
        ("calf", "right", 7),
        ("foot", "left", None),
    ]
    before = diary_fingerprint(db_path)
    refused = run("log", "--muscle", "right calf", "--side", "left")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: --side: invalid value 'left'. --muscle 'right calf' says right; give the side "
        "once.\n"
    )
    assert diary_fingerprint(db_path) == before


def test_relief_walk_and_everyday_words(run: Run) -> None:
    ok(run("log", "--muscle", "calf", "--relief", "walk", "--relief", "walking,ice"))
    assert episodes(run)[0]["relief"] == ["walk", "cold"]


def test_intensity_hard(run: Run) -> None:
    ok(run("exercise", "add", "--activity", "run", "--minutes", "30", "--intensity", "hard"))
    ok(run("checkin", "--exercise", "swim 1h easy"))
    listed = ok(run("exercise", "list"))
    assert "run       30       vigorous" in listed and "swim      60       light" in listed


def test_a_condition_since_a_month(run: Run) -> None:
    said = ok(run("conditions", "add", "hypothyroidism", "--since", "2025-10"))
    assert said.startswith("Added #1 hypothyroidism: Thyroid disorder, since 2025-10-01.")
    ok(run("conditions", "add", "gout", "--group", "other", "--since", "Feb 2026"))
    assert "2026-02-01" in ok(run("conditions", "list"))


# --- likely typos: taken as typed, with a line saying what may have been meant ------------------


def test_pints_say_which(empty: Run) -> None:
    run = empty
    result = run("log", "--muscle", "calf", "--fluid", "3 pints")
    assert result.exit_code == 0
    assert result.stderr == (
        'Note: took --fluid "3 pints" as UK pints (568 ml each: 1.705 L); US pints are 473 ml '
        '("3 US pints"). To change it: spasmlog edit 1 --fluid "3 US pints"\n'
    )
    result = run("log", "--muscle", "calf", "--fluid", "3 US pints", "--at", "9:00")
    assert result.exit_code == 0 and result.stderr == ""
    assert [e["fluid_l_24h"] for e in episodes(run)] == [1.705, 1.42]


def test_seventeen_litres_and_a_three_hour_cramp_are_kept_with_a_did_you_mean(
    empty: Run,
) -> None:
    run = empty
    result = run("log", "--muscle", "calf", "--fluid", "17L", "--duration", "3h")
    assert result.exit_code == 0
    assert result.stdout.startswith("Logged #1: calf, 2026-03-15 12:00, 3h.")
    assert result.stderr.splitlines() == [
        "Note: --fluid 17L is 17 L, a lot for one day; did you mean 1.7L? To change it: "
        'spasmlog edit 1 --fluid "1.7L"',
        "Note: --duration 3h is long for a cramp, which usually lasts seconds to minutes. Did "
        'you mean 3m? To change it: spasmlog edit 1 --duration "3m"',
    ]
    [episode] = episodes(run)
    assert (episode["fluid_l_24h"], episode["duration_s"]) == (17.0, 3 * 3600)
    result = run("checkin", "--fluid", "12 L")
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: --fluid 12 L is 12 L, a lot for one day; did you mean 1.2 L? To change it: "
        'spasmlog checkin --date 2026-03-15 --fluid "1.2 L"\n'
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (("potassium", "34", "mmol/L"), "Did you mean 3.4 mmol/L?"),
        (("sodium", "14", "mmol/L"), "Did you mean 140 mmol/L?"),
        (("calcium", "9.5", "mmol/L"), "Did you mean 9.5 mg/dL?"),
    ],
)
def test_a_lab_value_with_a_slipped_decimal(
    seeded: Path, run: Run, typed: tuple[str, ...], meant: str
) -> None:
    before = diary_fingerprint(seeded)
    result = run("labs", "add", *typed)
    assert result.exit_code == 2
    assert result.stderr.rstrip("\n").endswith(meant)
    assert result.stderr.count("\n") == 1
    assert diary_fingerprint(seeded) == before


# --- the same cramp logged twice -----------------------------------------------------------------


def test_logged_twice_within_a_minute_warns_without_a_terminal(empty: Run) -> None:
    run = empty
    ok(run("log", "--muscle", "calf", "--side", "left", "--at", "3:00"))
    again = run("log", "--muscle", "calf", "--side", "left", "--at", "2026-03-15T03:00:40")
    assert again.exit_code == 0 and again.stdout.startswith("Logged #2:")
    assert again.stderr == (
        "Note: #1 calf (left), 2026-03-15 03:00 started within a minute of this one, on the same "
        "muscle and side: the same cramp logged twice? `spasmlog delete 2` removes this one.\n"
    )
    other_side = run("log", "--muscle", "calf", "--side", "right", "--at", "3:00")
    later = run("log", "--muscle", "calf", "--side", "left", "--at", "3:02")
    assert other_side.stderr == later.stderr == ""


def _spawn(db_path: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "spasmlog", "--db", str(db_path), *args],
        env={**os.environ, **CLOCK},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )


@pytest.mark.parametrize(("answer", "count"), [("n", 1), ("y", 2)])
def test_logged_twice_within_a_minute_asks_on_a_terminal(
    db_path: Path, run: Run, answer: str, count: int
) -> None:
    ok(run("log", "--muscle", "calf", "--at", "3:00"))
    child = _spawn(db_path, "log", "--muscle", "calf", "--at", "3:00")
    child.expect_exact(
        "#1 calf, 2026-03-15 03:00 started within a minute of this one, on the same muscle and "
        "side. Log this one as well? [y/N]: "
    )
    child.sendline(answer)
    child.expect_exact("Nothing was logged." if answer == "n" else "Logged #2: calf")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(episodes(run)) == count


# --- the see-a-doctor notice: once a day per sign -------------------------------------------------


NOTICE = "See a doctor: this episode was"


def test_the_notice_shows_once_a_day_per_sign(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ok(run("log", "--muscle", "calf", "--severity", "8", "--at", "1:00"))
    assert f"{NOTICE} severe (8/10)." in first
    again = ok(run("log", "--muscle", "calf", "--severity", "9", "--at", "2:00"))
    assert NOTICE not in again
    fever = ok(run("log", "--muscle", "foot", "--severity", "9", "--symptom", "fever"))
    assert f"{NOTICE} accompanied by fever." in fever and "severe (" not in fever
    for at in ("11:00", "now"):  # the fifth in seven days: frequent, a sign of its own
        said = ok(run("log", "--muscle", "calf", "--at", at))
    assert f"{NOTICE} frequent (5 in 7 days)." in said
    pin_clock(monkeypatch, "2026-03-16T08:00:00+01:00")  # the next day: shown again
    assert f"{NOTICE} severe (10/10); frequent (6 in 7 days)." in ok(
        run("log", "--muscle", "calf", "--severity", "10")
    )
    marks = json.loads((tmp_path / "state" / "doctor-notices.json").read_text())
    assert marks == {
        str(db_path): {"severe": "2026-03-16", "symptoms": "2026-03-15", "frequent": "2026-03-16"}
    }
    assert (tmp_path / "state" / "doctor-notices.json").stat().st_mode & 0o777 == 0o600


def test_every_time_when_the_person_asks_for_it(run: Run) -> None:
    ok(run("config", "set", "doctor_notice", "every time"))
    for at in ("1:00", "2:00"):
        said = ok(run("log", "--muscle", "calf", "--severity", "8", "--at", at))
        assert f"{NOTICE} severe (8/10)." in said


def test_the_marks_are_per_diary_and_never_in_it(tmp_path: Path, run: Run, db_path: Path) -> None:
    from typer.testing import CliRunner

    from spasmlog.cli import app

    other = tmp_path / "other.db"
    ok(run("log", "--muscle", "calf", "--severity", "8"))
    said = CliRunner().invoke(app, ["--db", str(other), "log", "-m", "calf", "--severity", "8"])
    assert f"{NOTICE} severe (8/10)." in said.stdout
    files = [db_path, db_path.with_name("diary.db-wal")]
    dump = b"".join(path.read_bytes() for path in files if path.exists())
    assert b"doctor-notices" not in dump and b"severe" not in dump


def test_the_weekly_report_lists_every_date_of_every_sign(run: Run) -> None:
    for at, extra in [
        ("2026-03-02 03:00", ("--severity", "9")),
        ("2026-03-03 03:00", ("--symptom", "weakness")),
        ("2026-03-10 03:00", ("--severity", "8", "--symptom", "rash")),
        ("2026-03-11 03:00", ()),
    ]:
        ok(run("log", "--muscle", "calf", "--at", at, *extra))
    report = ok(run("report", "weekly", "--weeks", "3", "--no-chart")).splitlines()
    at = report.index(
        'See-a-doctor signs in this period. The article: "You should see a doctor if your muscle '
        "spasms are frequent, severe, or accompanied by other symptoms, such as fever, rash, or "
        'weakness."'
    )
    assert report[at + 1 :] == [
        "  With fever, rash or weakness: 2026-03-03, 2026-03-10",
        "  Severe (8/10 or more): 2026-03-02, 2026-03-10",
    ]
