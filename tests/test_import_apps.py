"""`spasmlog import` of Bearable, Daylio and Flaredown CSVs, detection and --from, and the rules
every format shares (severity conversion, dates without a time, runs of days)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spasmlog.interchange.importing import app_csv, daylio
from spasmlog.interchange.importing.harvest import convert_severity
from tests.conftest import Run, diary_fingerprint

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "imports"


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def checkin(db: Path, day: str) -> dict[str, object]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM checkins WHERE date = ?", (day,)).fetchone()
        return dict(row) if row else {}


@pytest.fixture(autouse=True)
def _clock_after_the_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMLOG_NOW", "2024-03-05T12:00:00+01:00")


def test_bearable(run: Run, db_path: Path) -> None:
    result = run("import", str(SAMPLES / "bearable.csv"))
    assert result.exit_code == 0, result.output
    assert '"Symptom: Back (lower) pain" -> back (lower) pain' in result.stdout
    assert "severity converted from Bearable's 0-4" in result.stdout
    episodes = query(
        db_path,
        "SELECT started_at, utc_offset_min, time_known, muscle, side, severity, severity_scale, "
        "note, symptoms FROM episodes ORDER BY started_at",
    )
    assert episodes == [
        # a date without a time: 12:00 local, so its analysis day is that date; never a night
        ("2024-03-01 11:00:00.000000", 60, 0, "calf", "left", 8, "0-4",
         "left leg woke me (morning)", '["tingling"]'),
        ("2024-03-03 11:00:00.000000", 60, 0, "foot", "right", 10, "0-4", "(early morning)", "[]"),
    ]  # fmt: skip
    first = checkin(db_path, "2024-03-01")
    assert (first["fluid_ml"], first["sleep_h"], first["magnesium_mg"]) == (1800, 6.83, 400.0)
    assert json.loads(str(first["tags"])) == ["tingling"]
    second = checkin(db_path, "2024-03-02")
    assert (second["sleep_h"], second["diarrhea"]) == (7.5, 1)
    assert json.loads(str(second["tags"])) == ["back (lower) pain", "coffee"]
    assert checkin(db_path, "2024-03-03")["sleep_h"] == 7.5
    # Magnesium on 1 and 2 March, and 3 March recorded without it: one period, stopped
    assert query(db_path, "SELECT name, started_on, stopped_on FROM medications") == [
        ("Magnesium 400mg", "2024-03-01", "2024-03-02")
    ]


def test_converted_severity_alone_is_not_a_severe_sign(run: Run, db_path: Path) -> None:
    assert run("import", str(SAMPLES / "bearable.csv")).exit_code == 0  # 8/10 and 10/10, converted
    out = db_path.parent / "summary.md"
    args = ("export", "doctor", "--from", "2024-03-01", "--to", "2024-03-04", "--out", str(out))
    assert run(*args).exit_code == 0
    assert "| Severe (8-10 of 10) | 0 |" in out.read_text()
    assert (
        run("log", "--muscle", "neck", "--severity", "9", "--at", "2024-03-04 10:00").exit_code == 0
    )
    assert run(*args, "--force").exit_code == 0
    assert "| **Severe (8-10 of 10)** | **1** | **4 Mar** |" in out.read_text()


def test_daylio(run: Run, db_path: Path) -> None:
    result = run("import", str(SAMPLES / "daylio.csv"))
    assert result.exit_code == 0, result.output
    assert [
        (
            "2024-03-02 20:40:00.000000",
            1,
            "calf",
            "left",
            None,
            "Left calf cramp in bed, about 2 min",
        )
    ] == query(db_path, "SELECT started_at, time_known, muscle, side, severity, note FROM episodes")
    sessions = query(db_path, "SELECT started_at, activity, minutes, source FROM exercise_sessions")
    assert sessions == [
        ("2024-03-01 07:15:00.000000", "gym", None, "import"),
        ("2024-03-01 17:30:00.000000", "walk", None, "import"),
    ]
    first, second = checkin(db_path, "2024-03-01"), checkin(db_path, "2024-03-02")
    assert first["exercised"] == 1 and "mood: good" in json.loads(str(first["tags"]))
    assert second["sweating"] == 1  # "12:15 am" on 2 March
    assert set(json.loads(str(second["tags"]))) == {
        "mood: meh",
        "mood: bad",
        "bad sleep",
        "alcohol",
        "leg cramps",
    } - {"leg cramps"}


def test_flaredown(run: Run, db_path: Path) -> None:
    result = run("import", str(SAMPLES / "flaredown.csv"))
    assert result.exit_code == 0, result.output
    assert "kept as tags: Muscle spasms" in result.stdout
    assert query(
        db_path,
        "SELECT date(started_at), time_known, muscle, severity, severity_scale FROM episodes ORDER BY started_at",
    ) == [
        ("2024-03-01", 0, "calf", 5, "0-4"),
        ("2024-03-04", 0, "calf", 8, "0-4"),
    ]
    periods = query(
        db_path,
        "SELECT name, dose, started_on, stopped_on, drug_class FROM medications ORDER BY name",
    )
    assert periods == [
        ("Levothyroxine", "50 mcg", "2024-03-01", None, periods[0][4]),  # still taken at export
        ("Magnesium glycinate", "400 mg", "2024-03-01", "2024-03-02", periods[1][4]),
    ]
    first = checkin(db_path, "2024-03-01")
    assert first["magnesium_mg"] == 400.0
    assert set(json.loads(str(first["tags"]))) == {
        "hypothyroidism",
        "muscle spasms",
        "hot weather",
        "long walk",
    }
    assert checkin(db_path, "2024-03-02")["diarrhea"] == 1
    assert checkin(db_path, "2024-03-03") == {} or checkin(db_path, "2024-03-03")["tags"] == "[]"


@pytest.mark.parametrize("sample", ["bearable.csv", "daylio.csv", "flaredown.csv"])
def test_each_app_is_idempotent_undoable_and_starts_no_observation(
    run: Run, db_path: Path, sample: str
) -> None:
    assert run("import", str(SAMPLES / sample)).exit_code == 0
    before = diary_fingerprint(db_path)
    again = run("import", str(SAMPLES / sample))
    assert again.exit_code == 0 and "the diary has all of it already" in again.stdout
    assert diary_fingerprint(db_path) == before
    observe = run("observe").stdout
    first_episode = query(db_path, "SELECT min(date(started_at, '+60 minutes')) FROM episodes")[0][
        0
    ]
    assert f"Observation began on {first_episode}" in observe  # the episodes, not the check-ins
    assert run("undo").exit_code == 0
    assert query(db_path, "SELECT count(*) FROM checkins WHERE deleted_at IS NULL") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM provenance WHERE deleted_at IS NULL") == [(0,)]


def test_an_edited_episode_is_kept_unless_update(run: Run, db_path: Path) -> None:
    assert run("import", str(SAMPLES / "flaredown.csv")).exit_code == 0
    assert run("edit", "1", "--severity", "3").exit_code == 0
    result = run("import", str(SAMPLES / "flaredown.csv"))
    assert "    episodes: 1 kept, 1 already there." in result.stdout
    assert query(db_path, "SELECT severity FROM episodes WHERE id = 1") == [(3,)]
    result = run("import", str(SAMPLES / "flaredown.csv"), "--update")
    assert "    episodes: 1 updated, 1 already there." in result.stdout
    assert query(db_path, "SELECT severity FROM episodes WHERE id = 1") == [(5,)]


def test_detection_and_from(run: Run, seeded: Path, tmp_path: Path) -> None:
    before = diary_fingerprint(seeded)
    odd = tmp_path / "notes.csv"
    odd.write_text("when,what\n2024-03-01,cramp\n")
    result = run("import", str(odd))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    for words in (
        "apple_health_export/export.xml",
        "root is HealthData",
        "full_date",
        "Tags,Foods",
    ):
        assert words in result.stderr
    result = run("import", str(SAMPLES / "daylio.csv"), "--from", "flaredown")
    assert result.exit_code == 2 and "Nothing was imported" in result.stderr
    result = run("import", str(SAMPLES / "daylio.csv"), "--from", "diary")
    assert result.exit_code == 2 and "--from: invalid value 'diary'" in result.stderr
    result = run("import", str(SAMPLES / "daylio.csv"), "--kind", "checkins", "--from", "daylio")
    assert result.exit_code == 2 and "--kind is for spasmlog's own files" in result.stderr
    assert diary_fingerprint(seeded) == before


def test_a_bad_row_rejects_the_whole_file(run: Run, seeded: Path, tmp_path: Path) -> None:
    text = (SAMPLES / "daylio.csv").read_text() + "2024-03-03,March 3,Sunday,25:99,meh,gym,,\n"
    path = tmp_path / "daylio.csv"
    path.write_text(text)
    before = diary_fingerprint(seeded)
    result = run("import", str(path))
    assert (
        result.exit_code == 2
        and "line 6" in result.stderr
        and "nothing was imported" in result.stderr
    )
    assert diary_fingerprint(seeded) == before


@given(st.integers(0, 23), st.integers(0, 59))
def test_daylio_reads_24_and_12_hour_times(hour: int, minute: int) -> None:
    twelve = f"{hour % 12 or 12}:{minute:02d} {'pm' if hour >= 12 else 'am'}"
    assert daylio.clock_time(f"{hour:02d}:{minute:02d}") == dt.time(hour, minute)
    assert daylio.clock_time(twelve) == daylio.clock_time(twelve.upper()) == dt.time(hour, minute)


def test_the_severity_table() -> None:
    assert [convert_severity(v, "0-4") for v in range(5)] == [0, 3, 5, 8, 10]


@given(st.lists(st.integers(0, 60), min_size=1, max_size=40, unique=True))
def test_runs_cover_every_day_taken_once(offsets: list[int]) -> None:
    start = dt.date(2024, 1, 1)
    runs = app_csv.Runs()
    for offset in offsets:
        runs.recorded.add(start + dt.timedelta(days=offset))
        runs.taken("magnesium", start + dt.timedelta(days=offset), None)
    periods = runs.periods("test")
    covered = [
        day
        for p in periods
        for day in (
            p.started_on + dt.timedelta(days=i)
            for i in range(((p.stopped_on or max(runs.recorded)) - p.started_on).days + 1)
        )
        if day in runs.recorded
    ]
    assert sorted(covered) == sorted(runs.recorded)
    assert len({p.key for p in periods}) == len(periods)


def test_a_progress_bar_only_on_a_terminal_and_only_when_slow(run: Run, tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from spasmlog.cli.importing import _Bar

    result = run("import", str(SAMPLES / "apple-health-export.zip"))
    assert result.exit_code == 0 and result.stderr == ""  # CliRunner's stderr is a pipe
    screen = io.StringIO()
    slow = _Bar(Console(file=screen, force_terminal=True, width=80))
    slow.started -= _Bar.DELAY_S  # an export that takes a while
    slow("reading", 50, 200)
    slow("reading", 150, 200)
    slow.close()
    assert "Reading" in screen.getvalue() and "━" in screen.getvalue()
    quiet_screen = io.StringIO()
    quick = _Bar(Console(file=quiet_screen, force_terminal=True, width=80))
    quick("reading", 1, 2)
    quick.close()
    assert quiet_screen.getvalue() == ""
