"""`spasmlog import`: every column, all-or-nothing, duplicates, --update, --dry-run, undo, JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from typer.testing import CliRunner, Result

from spasmlog.cli import app
from spasmlog.core import when
from spasmlog.db.models import Checkin, Episode, ExerciseSession, LabResult, Medication
from spasmlog.db.store import open_store
from spasmlog.interchange.importing.kinds import EPISODES, Now, utc_text
from spasmlog.interchange.importing.kinds import KINDS as IMPORT_KINDS
from spasmlog.interchange.importing.read import SHOW_AT_MOST
from spasmlog.interchange.records import COLUMNS_BY_KIND, EPISODE_COLUMNS, write_csv
from spasmlog.knowledge import factors
from tests.conftest import NOW, Run, diary_fingerprint

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
KINDS = ("conditions", "meds", "labs", "checkins", "exercise", "episodes")


def write(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def rows_of(db_path: Path, table: str) -> list[sqlite3.Row]:
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(f"SELECT * FROM {table} WHERE deleted_at IS NULL").fetchall()
    finally:
        connection.close()


def run_on(db: Path, *args: str) -> Result:
    """Like the `run` fixture, on another diary."""
    return CliRunner().invoke(app, ["--db", str(db), *args])


def exported(run: Run, kind: str) -> list[dict[str, str]]:
    result = run("export", "csv", "--what", kind, "--out", "-")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- the samples in examples/ ----------------------------------------------------------------


def test_every_example_file_imports_and_exports_back(run: Run, db_path: Path) -> None:
    for kind in KINDS:
        result = run("import", str(EXAMPLES / f"{kind}.csv"), "--kind", kind)
        assert result.exit_code == 0, result.output
        assert f"{kind}: " in result.stdout and " added" in result.stdout
    for kind in KINDS:
        with open(EXAMPLES / f"{kind}.csv", encoding="utf-8") as stream:
            sample = list(csv.DictReader(stream))
        back = exported(run, kind)
        assert len(back) == len(sample)
        for written, stored in zip(sample, back, strict=True):
            for column, value in written.items():
                if value and column not in ("range",):
                    assert stored[column] == value or float(stored[column]) == float(value), (
                        kind,
                        column,
                        value,
                        stored[column],
                    )
    magnesium = [row for row in rows_of(db_path, "labs") if row["test"] == "magnesium"]
    assert magnesium[0]["flag"] == "low" and magnesium[0]["range_source"] == "lab"


def test_every_column_export_writes_is_one_import_reads() -> None:
    for kind, columns in COLUMNS_BY_KIND.items():
        assert set(columns) <= set(IMPORT_KINDS[kind].accepted), kind


# --- every episode column --------------------------------------------------------------------


def test_every_episode_column_is_read(run: Run, db_path: Path, tmp_path: Path) -> None:
    text = (
        "Muscle , started_at,side,duration,severity,woke,fluid_l_24h,exercise,relief,relief_score,"
        "symptoms,medications,note,id\n"
        "charley horse,2026-03-01 23:30,L,1m30s,7,yes,1.25,run 45m vigorous,stretch;massage,6,"
        "tingling,ibuprofen;Lipitor 20mg,'=SUM(A1),99\n"
    )
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert result.exit_code == 0, result.output
    [row] = rows_of(db_path, "episodes")
    assert row["id"] == 1  # the file's id is ignored
    assert row["started_at"] == "2026-03-01 22:30:00.000000"  # local (+01:00) time, stored UTC
    assert row["utc_offset_min"] == 60
    assert (row["muscle"], row["side"], row["duration_s"], row["severity"]) == (
        "calf",
        "left",
        90,
        7,
    )
    assert (row["woke"], row["fluid_ml_24h"], row["relief_score"]) == (1, 1250, 6)
    assert json.loads(row["relief"]) == ["stretch", "massage"]
    assert json.loads(row["symptoms"]) == ["tingling"]
    assert json.loads(row["medications"]) == ["ibuprofen", "Lipitor 20mg"]
    assert row["note"] == "=SUM(A1)"  # the export's formula guard undone
    [session] = rows_of(db_path, "exercise_sessions")
    assert row["exercise_session_id"] == session["id"]
    assert (session["activity"], session["minutes"], session["intensity"]) == (
        "run",
        45,
        "vigorous",
    )
    assert session["started_at"] == "2026-03-01 21:45:00.000000"  # ended when the episode began


@pytest.mark.parametrize(
    "cell, woke", [("1", 1), ("0", 0), ("true", 1), ("False", 0), ("yes", 1), ("NO", 0)]
)
def test_booleans(run: Run, db_path: Path, tmp_path: Path, cell: str, woke: int) -> None:
    text = f"started_at,muscle,woke\n2026-03-01T03:00:00+01:00,calf,{cell}\n"
    assert run("import", write(tmp_path, text), "--kind", "episodes").exit_code == 0
    assert rows_of(db_path, "episodes")[0]["woke"] == woke


def test_offsets_are_kept_and_z_is_utc(run: Run, db_path: Path, tmp_path: Path) -> None:
    text = "started_at,muscle\n2026-03-01T03:00:00-05:00,calf\n2026-03-02T03:00:00Z,calf\n"
    assert run("import", write(tmp_path, text), "--kind", "episodes").exit_code == 0
    stored = [(r["started_at"], r["utc_offset_min"]) for r in rows_of(db_path, "episodes")]
    assert stored == [("2026-03-01 08:00:00.000000", -300), ("2026-03-02 03:00:00.000000", 0)]


def test_medications_default_to_those_taken_that_day(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    assert run("import", str(EXAMPLES / "meds.csv"), "--kind", "meds").exit_code == 0
    text = "started_at,muscle\n2026-01-09T03:00:00+01:00,calf\n2026-02-10T03:00:00+01:00,calf\n"
    assert run("import", write(tmp_path, text), "--kind", "episodes").exit_code == 0
    before, after = (json.loads(row["medications"]) for row in rows_of(db_path, "episodes"))
    assert before == ["Levothyroxine 50 mcg"]
    assert after == ["Levothyroxine 50 mcg", "Atorvastatin 20 mg", "Magnesium citrate 300 mg"]


# --- rejected cells: exit 2, every bad row listed, the diary untouched --------------------------

BAD_CELLS = [
    ("episodes", "started_at,muscle", "yesterdayy,calf", "started_at: invalid value 'yesterdayy'"),
    ("episodes", "started_at,muscle", "2027-01-01T00:00,calf", "That is in the future"),
    ("episodes", "started_at,muscle", "1850-01-01T00:00+00:00,calf", "after 1900"),
    ("episodes", "started_at,muscle", "2026-13-01T00:00:00+01:00,calf", "started_at: invalid"),
    ("episodes", "started_at,muscle", "2026-03-01T03:00,calff", "Did you mean 'calf'?"),
    ("episodes", "started_at,muscle,side", "2026-03-01T03:00,calf,up", "side: invalid value 'up'"),
    (
        "episodes",
        "started_at,muscle,duration_s",
        "2026-03-01T03:00,calf,90s",
        "duration_s: invalid value '90s'",
    ),
    ("episodes", "started_at,muscle,duration_s", "2026-03-01T03:00,calf,0", "between 1 second"),
    (
        "episodes",
        "started_at,muscle,duration",
        "2026-03-01T03:00,calf,forever",
        "duration: invalid value 'forever'",
    ),
    (
        "episodes",
        "started_at,muscle,duration,duration_s",
        "2026-03-01T03:00,calf,2m,90",
        "duration (120 s) and duration_s (90 s) disagree",
    ),
    (
        "episodes",
        "started_at,muscle,severity",
        "2026-03-01T03:00,calf,11",
        "severity: invalid value '11'",
    ),
    ("episodes", "started_at,muscle,woke", "2026-03-01T03:00,calf,maybe", "woke: invalid value"),
    (
        "episodes",
        "started_at,muscle,fluid_l_24h",
        "2026-03-01T03:00,calf,1.5L",
        "fluid_l_24h: invalid value '1.5L'",
    ),
    (
        "episodes",
        "started_at,muscle,exercise",
        "2026-03-01T03:00,calf,running",
        "exercise: invalid value 'running'",
    ),
    (
        "episodes",
        "started_at,muscle,relief",
        "2026-03-01T03:00,calf,stretch;prayer",
        "relief: invalid value 'prayer'",
    ),
    (
        "episodes",
        "started_at,muscle,relief_score",
        "2026-03-01T03:00,calf,-1",
        "relief_score: invalid value '-1'",
    ),
    (
        "episodes",
        "started_at,muscle,symptoms",
        "2026-03-01T03:00,calf,dizzy",
        "symptoms: invalid value 'dizzy'",
    ),
    ("episodes", "started_at,muscle", ",calf", "started_at: missing"),
    ("checkins", "date,fluid_l", "2026-02-30,1.5", "date: invalid value '2026-02-30'"),
    ("checkins", "date,fluid_l", "2026-04-01,1.5", "in the future"),
    ("checkins", "date,fluid_l", "2026-03-01,25", "fluid_l: invalid value '25'"),
    ("checkins", "date,sweating", "2026-03-01,a lot", "sweating: invalid value"),
    ("checkins", "date,vomiting", "2026-03-01,2", "vomiting: invalid value"),
    ("checkins", "date,diarrhea", "2026-03-01,?", "diarrhea: invalid value"),
    ("checkins", "date,fever", "2026-03-01,high", "fever: invalid value"),
    ("checkins", "date,hot_weather", "2026-03-01,hot", "hot_weather: invalid value"),
    ("checkins", "date,sleep_h", "2026-03-01,30", "sleep_h: invalid value '30'"),
    ("checkins", "date,magnesium_mg", "2026-03-01,lots", "magnesium_mg: invalid value"),
    ("checkins", "date,alcohol_units", "2026-03-01,-2", "alcohol_units: invalid value"),
    ("checkins", "date,tags", f"2026-03-01,{'x' * 41}", "tags: invalid value"),
    ("checkins", "date,exercised", "2026-03-01,often", "exercised: invalid value 'often'"),
    ("exercise", "started_at,activity,minutes", "2026-03-01T07:00,run,0", "minutes: invalid"),
    ("exercise", "started_at,activity,minutes", "2026-03-01T07:00,,30", "activity: missing"),
    (
        "exercise",
        "started_at,activity,minutes,intensity",
        "2026-03-01T07:00,run,30,crazy",
        "intensity: invalid value 'crazy'",
    ),
    (
        "exercise",
        "started_at,activity,minutes,muscles",
        "2026-03-01T07:00,run,30,calf;wing",
        "muscles: invalid value 'wing'",
    ),
    (
        "exercise",
        "started_at,activity,minutes,source",
        "2026-03-01T07:00,run,30,gym",
        "source: invalid value 'gym'. Use one of: exercise, log, checkin, import.",
    ),
    ("meds", "name,started_on", "Lipiter,2026-01-01", "Did you mean 'Lipitor'?"),
    ("meds", "name,started_on,class", "Lipitor,2026-01-01,vitamin", "class: invalid value"),
    (
        "meds",
        "name,started_on,stopped_on",
        "Lipitor,2026-01-10,2026-01-01",
        "stopped_on: invalid value '2026-01-01'",
    ),
    ("meds", "name,started_on,dose", f"Lipitor,2026-01-01,{'9' * 61}", "dose: invalid value"),
    ("conditions", "name", "diabetis", "Did you mean 'diabetes'?"),
    ("conditions", "name,group", "asthma,lungs", "group: invalid value 'lungs'"),
    ("conditions", "name,since,until", "gout,2020-01-01,2019-01-01", "until: invalid value"),
    ("labs", "taken_on,test,value,unit", "2026-03-01,iron,10,mmol/L", "test: invalid value"),
    ("labs", "taken_on,test,value,unit", "2026-03-01,potassium,4,g/L", "unit: invalid value"),
    ("labs", "taken_on,test,value,unit", "2026-03-01,potassium,x,mmol/L", "value: invalid"),
    (
        "labs",
        "taken_on,test,value,unit",
        "2026-03-01,calcium,9.5,mmol/L",
        "Did you mean 9.5 mg/dL?",
    ),
    (
        "labs",
        "taken_on,test,value,unit,range",
        "2026-03-01,potassium,4,mmol/L,5-3",
        "range: invalid value '5-3'",
    ),
]


@pytest.mark.parametrize(
    "kind, header, row, message", BAD_CELLS, ids=[f"{case[0]}-{case[3][:30]}" for case in BAD_CELLS]
)
def test_a_bad_cell_rejects_the_file(
    run: Run, seeded: Path, tmp_path: Path, kind: str, header: str, row: str, message: str
) -> None:
    good = {
        "episodes": ("2026-03-02T03:00:00+01:00,calf", "2026-03-05T03:00:00+01:00,calf"),
        "checkins": ("2026-03-02", "2026-03-05"),
        "exercise": ("2026-03-02T07:00,run,30", "2026-03-05T07:00,run,30"),
        "meds": ("Lipitor,2026-01-01", "Zoloft,2026-01-01"),
        "conditions": ("CKD", "MS"),
        "labs": ("2026-03-01,potassium,4,mmol/L", "2026-03-01,sodium,140,mmol/L"),
    }[kind]
    padding = "," * (header.count(",") - good[0].count(","))
    text = f"{header}\n{good[0]}{padding}\n{row}\n{good[1]}{padding}\n"
    before = diary_fingerprint(seeded)
    result = run("import", write(tmp_path, text), "--kind", kind)
    assert result.exit_code == 2, result.output
    assert "1 bad row; nothing was imported" in result.stderr
    assert "line 3: " in result.stderr and message in result.stderr
    assert diary_fingerprint(seeded) == before


def test_one_bad_row_in_the_middle_writes_nothing(run: Run, seeded: Path, tmp_path: Path) -> None:
    lines = [f"2026-02-{day:02d}T03:00:00+01:00,calf,5" for day in range(1, 29)]
    lines[13] = "2026-02-14T03:00:00+01:00,calf,eleven"
    before = diary_fingerprint(seeded)
    result = run(
        "import",
        write(tmp_path, "started_at,muscle,severity\n" + "\n".join(lines)),
        "--kind",
        "episodes",
    )
    assert result.exit_code == 2
    assert "line 15: severity: invalid value 'eleven'" in result.stderr
    assert diary_fingerprint(seeded) == before


def test_every_bad_cell_of_a_row_is_listed_and_rows_past_twenty_are_counted(
    run: Run, seeded: Path, tmp_path: Path
) -> None:
    lines = ["started_at,muscle,severity"] + ["soon,calff,99"] * 25 + ["2026-03-01T01:00,calf,3"]
    result = run("import", write(tmp_path, "\n".join(lines)), "--kind", "episodes")
    assert result.exit_code == 2
    assert result.stderr.count("line 2: ") == 3  # started_at, muscle and severity
    assert f"line {SHOW_AT_MOST + 1}: " in result.stderr
    assert f"line {SHOW_AT_MOST + 2}: " not in result.stderr
    assert "25 bad rows" in result.stderr and "... and 5 more bad rows." in result.stderr


def test_a_row_with_the_wrong_number_of_cells(run: Run, seeded: Path, tmp_path: Path) -> None:
    text = "started_at,muscle\n2026-03-01T03:00,calf,oops\n2026-03-02T03:00\n\n"
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert result.exit_code == 2
    assert "line 2: has 3 cells; the header has 2" in result.stderr
    assert "line 3: has 1 cells" in result.stderr
    ok = "started_at,muscle,,\n2026-03-01T03:00,calf,,\n"  # empty trailing cells are fine
    assert run("import", write(tmp_path, ok), "--kind", "episodes").exit_code == 0


# --- the header -------------------------------------------------------------------------------


def test_an_unknown_column_is_refused_with_the_accepted_ones(
    run: Run, seeded: Path, tmp_path: Path
) -> None:
    before = diary_fingerprint(seeded)
    text = "started_at,muscle,severty\n2026-03-01T03:00,calf,5\n"
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert result.exit_code == 2
    assert "'severty' (did you mean 'severity'?)" in result.stderr
    assert "started_at (required), muscle (required), side" in result.stderr
    assert diary_fingerprint(seeded) == before


@pytest.mark.parametrize(
    "kind, header, missing",
    [
        ("episodes", "muscle,severity", "started_at"),
        ("episodes", "started_at", "muscle"),
        ("checkins", "fluid_l", "date"),
        ("exercise", "started_at,activity", "minutes"),
        ("meds", "name,dose", "started_on"),
        ("conditions", "since", "name"),
        ("labs", "taken_on,test,value", "unit"),
    ],
)
def test_a_required_column_is_checked_first(
    run: Run, seeded: Path, tmp_path: Path, kind: str, header: str, missing: str
) -> None:
    result = run("import", write(tmp_path, f"{header},whatever\n1,2,3,4\n"), "--kind", kind)
    assert result.exit_code == 2
    assert f"has no {missing} column" in result.stderr


def test_a_repeated_column_is_refused(run: Run, tmp_path: Path) -> None:
    result = run("import", write(tmp_path, "started_at,muscle,Muscle\n"), "--kind", "episodes")
    assert result.exit_code == 2 and "the column muscle more than once" in result.stderr


def test_windows_line_endings_and_a_note_over_two_lines(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    text = 'started_at,muscle,note\r\n2026-03-01T03:00,calf,"two\r\nlines"\r\n2026-03-02T03:00,calff,\r\n'
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert result.exit_code == 2 and "line 4: muscle: invalid value 'calff'" in result.stderr
    fixed = text.replace("calff", "calf")
    assert run("import", write(tmp_path, fixed), "--kind", "episodes").exit_code == 0
    assert rows_of(db_path, "episodes")[0]["note"] == "two\r\nlines"


@pytest.mark.parametrize(
    "row, message",
    [
        (
            '2026-03-02T03:00,calf,"never closed\n',
            "line 3: not valid CSV (unexpected end of data; is a",
        ),
        ('2026-03-02T03:00,calf,"a"b\n', "line 3: not valid CSV ("),
    ],
)
def test_malformed_quoting_is_refused(
    run: Run, seeded: Path, tmp_path: Path, row: str, message: str
) -> None:
    text = "started_at,muscle,note\n2026-03-01T03:00,calf,first\n" + row
    text += "2026-03-03T03:00,calf,third\n"
    before = diary_fingerprint(seeded)
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert diary_fingerprint(seeded) == before


def test_a_header_without_rows(run: Run, seeded: Path, tmp_path: Path) -> None:
    before = diary_fingerprint(seeded)
    result = run("import", write(tmp_path, "started_at,muscle\n"), "--kind", "episodes")
    assert result.exit_code == 0 and "Nothing to write from " in result.stdout
    assert "it has no rows." in result.stdout
    assert diary_fingerprint(seeded) == before


def test_progress_only_on_a_terminal(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spasmlog.cli.importing import _Progress

    lines = "".join(f"2026-02-01T03:{m:02d}:{s:02d},calf\n" for m in range(60) for s in range(60))
    assert run("db", "upgrade").exit_code == 0  # the diary exists: no line saying it was made
    result = run("import", write(tmp_path, "started_at,muscle\n" + lines), "--kind", "episodes")
    assert result.exit_code == 0 and "3600 added" in result.stdout
    assert result.stderr == ""  # CliRunner's stderr is not a terminal: no progress line
    shown = _Progress()
    shown.started -= _Progress.DELAY_S  # a file that takes a while
    shown("checking", 50, 200)
    shown("writing", 3, 4)
    shown.close()
    printed = capsys.readouterr().err
    assert "\rChecking rows: 25%" in printed and "\rWriting rows: 75%" in printed
    assert printed.endswith("\r")
    quiet = _Progress()  # quick files show nothing at all
    quiet("checking", 1, 2)
    quiet.close()
    assert capsys.readouterr().err == ""


def test_semicolon_separated_files_from_spreadsheets(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    text = 'started_at;muscle;relief\n2026-03-01T03:00;calf;"stretch;heat"\n'
    assert run("import", write(tmp_path, text), "--kind", "episodes").exit_code == 0
    assert json.loads(rows_of(db_path, "episodes")[0]["relief"]) == ["stretch", "heat"]


# --- encodings and files that are not CSV -----------------------------------------------------


def test_utf8_with_a_bom_is_read(run: Run, db_path: Path, tmp_path: Path) -> None:
    text = "started_at,muscle,note\n2026-03-01T03:00,calf,crampe à 3 h\n"
    assert (
        run("import", write(tmp_path, text, encoding="utf-8-sig"), "--kind", "episodes").exit_code
        == 0
    )
    assert rows_of(db_path, "episodes")[0]["note"] == "crampe à 3 h"


@pytest.mark.parametrize(
    "data, message",
    [
        (
            "started_at,muscle,note\n2026-03-01T03:00,calf,crampe à 3 h\n".encode("cp1252"),
            "line 2: byte 0xe0 is not UTF-8",
        ),
        ("started_at,muscle\n".encode("utf-16"), "is UTF-16 text"),
        (b"PK\x03\x04rest of a workbook", "Excel/ODS workbook"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "a SQLite database"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
    ],
)
def test_other_encodings_and_binary_files_are_refused(
    run: Run, seeded: Path, tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    before = diary_fingerprint(seeded)
    result = run("import", str(path), "--kind", "episodes")
    assert result.exit_code == 2
    assert message in result.stderr and "\n" == result.stderr[-1]
    assert diary_fingerprint(seeded) == before


def test_a_missing_file_or_kind(run: Run, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.csv"), "--kind", "episodes")
    assert result.exit_code == 2 and "It cannot be read: No such file" in result.stderr
    result = run("import", write(tmp_path, "started_at,muscle\n"))  # its header says episodes
    assert result.exit_code == 0 and "it has no rows" in result.stdout
    result = run("import", write(tmp_path, "when,what\n"))
    assert result.exit_code == 2 and "not a format spasmlog knows" in result.stderr
    assert "Name the format with --from" in result.stderr and "--kind" not in result.stderr
    result = run("import", write(tmp_path, "started_at,muscle\n"), "--kind", "cramps")
    assert result.exit_code == 2 and "--what: invalid value 'cramps'" in result.stderr


def test_import_takes_the_word_export_csv_takes(run: Run, tmp_path: Path) -> None:
    """`export csv --what KIND` and `import FILE --what KIND`; --kind stays as the same option."""
    run("log", "--muscle", "calf", "--at", "2026-03-01T03:00")
    out = tmp_path / "episodes.csv"
    assert run("export", "csv", "--what", "episodes", "--out", str(out)).exit_code == 0
    assert run("undo").exit_code == 0
    result = run("import", str(out), "--what", "episodes")
    assert result.exit_code == 0, result.output
    assert "episodes: 1 added." in result.stdout
    result = run("import", str(out), "--kind", "episodes")
    assert result.exit_code == 0 and "1 already in the diary, skipped" in result.stdout


def test_standard_input(run: Run, db_path: Path) -> None:
    result = run(
        "import", "-", "--kind", "episodes", input="started_at,muscle\n2026-03-01T03:00,calf\n"
    )
    assert result.exit_code == 0, result.output
    assert "Imported standard input" in result.stdout
    assert len(rows_of(db_path, "episodes")) == 1


# --- duplicates, --update, --dry-run, undo ----------------------------------------------------


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    path = str(EXAMPLES / "episodes.csv")
    assert run("import", path, "--kind", "episodes").exit_code == 0
    before = diary_fingerprint(db_path)
    again = run("import", path, "--kind", "episodes")
    assert again.exit_code == 0
    assert "Nothing to write" in again.stdout
    assert "episodes: 5 already in the diary, skipped (line 2, line 3, line 4" in again.stdout
    assert "--update" not in again.stdout  # equal in every column: nothing to overwrite
    assert diary_fingerprint(db_path) == before  # no change recorded, no backup made
    assert len(list((db_path.parent / "backups").glob("*before-import.db"))) == 1


# A second file whose row has the first's identity (the row --update overwrites) but differs in
# another column; without --update it is another row, or, where a kind allows one, a bad row.
CHANGED_ROWS = [
    (
        "episodes",
        "started_at,muscle,side,severity\n2026-03-01T03:00,calf,left,5\n",
        "started_at,muscle,side,severity\n2026-03-01T03:00:00+01:00,Calves,L,8\n",
        "added",
    ),
    (
        "checkins",
        "date,fluid_l\n2026-03-01,1.5\n",
        "date,fluid_l\n2026-03-01,2\n",
        "line 2: date: 2026-03-01 already has a check-in (#1) with other values, and a day has "
        "one. Add --update to overwrite it with this row, or remove the row.",
    ),
    (
        "meds",
        "name,started_on,dose\nLipitor,2026-01-01,10 mg\n",
        "name,started_on,dose\nlipitor,2026-01-01,20 mg\n",
        "line 2: lipitor: overlaps the period of Lipitor from 2026-01-01 to now; periods of one "
        "medication may meet on a day but not overlap. To overwrite the one stored with this "
        "row's name and start date, add --update.",
    ),
    (
        "conditions",
        "name,since\nCKD,2020-01-01\n",
        "name,since,until\nckd,2020-01-01,2025-01-01\n",
        "added",
    ),
    (
        "labs",
        "taken_on,test,value,unit\n2026-03-01,K,4,mmol/L\n",
        "taken_on,test,value,unit,range\n2026-03-01,potassium,4,mEq/L,4.2-5\n",
        "added",
    ),
    (
        "exercise",
        "started_at,activity,minutes\n2026-03-01T07:00,run,30\n",
        "started_at,activity,minutes,intensity\n2026-03-01T07:00:00+01:00,Run,45,vigorous\n",
        "added",
    ),
]


@pytest.mark.parametrize("kind, first, second, without_update", CHANGED_ROWS)
def test_a_changed_row_is_another_row_unless_update_overwrites_the_stored_one(
    run: Run, db_path: Path, tmp_path: Path, kind: str, first: str, second: str, without_update: str
) -> None:
    assert run("import", write(tmp_path, first, "a.csv"), "--kind", kind).exit_code == 0
    table = {"meds": "medications", "exercise": "exercise_sessions"}.get(kind, kind)
    stored = [dict(row) for row in rows_of(db_path, table)]
    skipped = run("import", write(tmp_path, first, "a.csv"), "--kind", kind)
    assert skipped.exit_code == 0 and "1 already in the diary, skipped" in skipped.stdout
    before = diary_fingerprint(db_path)
    added = run("import", write(tmp_path, second, "b.csv"), "--kind", kind)
    if without_update == "added":
        assert added.exit_code == 0, added.output
        noun = IMPORT_KINDS[kind].identity_words
        assert f": 1 added (1 with the {noun} of one already in the diary: line 2)." in (
            added.stdout
        )
        assert "To overwrite those rows in the diary instead of adding new ones, `spasmlog " in (
            added.stdout
        )
        assert len(rows_of(db_path, table)) == 2
        assert run("undo").exit_code == 0
    else:
        assert added.exit_code == 2
        assert without_update in added.stderr
        assert diary_fingerprint(db_path) == before
    dry = run("import", write(tmp_path, second, "b.csv"), "--kind", kind, "--update", "--dry-run")
    assert "1 would be updated." in dry.stdout
    assert [dict(row) for row in rows_of(db_path, table)] == stored
    updated = run("import", write(tmp_path, second, "b.csv"), "--kind", kind, "--update")
    assert updated.exit_code == 0 and ": 1 updated." in updated.stdout
    [row] = rows_of(db_path, table)
    assert dict(row) != stored[0] and row["id"] == stored[0]["id"]
    assert run("undo").exit_code == 0
    assert [dict(row) for row in rows_of(db_path, table)][0] | {"updated_at": None} == stored[0] | {
        "updated_at": None
    }


def test_a_row_repeats_or_is_stored_only_when_every_column_given_is_equal(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    text = (
        "started_at,muscle,side,severity,note\n"
        "2026-03-01T03:00,calf,left,5,a\n2026-03-01T03:00,calf,left,5,b\n"
        "2026-03-01T03:00,calf,right,5,a\n2026-03-01T03:00,calf,left,6,a\n"
        "2026-03-01T03:00:00+01:00,Calves,L,5,a\n"
    )
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert "episodes: 4 added, 1 repeating an earlier row of the file, skipped." in result.stdout
    stored = run("import", write(tmp_path, text), "--kind", "episodes")
    assert "episodes: 4 already in the diary, skipped" in stored.stdout
    fewer = "started_at,muscle\n2026-03-01T03:00,calf\n"  # equal in every column it has
    assert (
        "1 already in the diary"
        in run("import", write(tmp_path, fewer), "--kind", "episodes").stdout
    )


def test_update_refuses_a_row_matching_several_stored_rows(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    two = (
        "started_at,muscle,side,severity\n"
        "2026-03-01T03:00,calf,left,5\n2026-03-01T03:00,calf,left,7\n"
    )
    assert run("import", write(tmp_path, two, "a.csv"), "--kind", "episodes").exit_code == 0
    before = diary_fingerprint(db_path)
    third = "started_at,muscle,side,severity\n2026-03-01T03:00,calf,left,9\n"
    result = run("import", write(tmp_path, third, "b.csv"), "--kind", "episodes", "--update")
    assert result.exit_code == 2
    assert (
        "line 2: matches episodes #1 and #2 (the same start, muscle and side); cannot tell which "
        "to update. Remove the row, or import without --update to add it as another episode."
    ) in result.stderr
    assert diary_fingerprint(db_path) == before
    same = run("import", write(tmp_path, two, "a.csv"), "--kind", "episodes", "--update")
    assert "2 already in the diary, unchanged" in same.stdout  # each equals one of them
    both = third + "2026-03-01T03:00,calf,left,1\n"
    assert run("import", write(tmp_path, both, "c.csv"), "--kind", "episodes").exit_code == 0
    assert run("undo").exit_code == 0
    one = "started_at,muscle,side\n2026-03-02T03:00,calf,left\n"
    assert run("import", write(tmp_path, one, "d.csv"), "--kind", "episodes").exit_code == 0
    twice = "started_at,muscle,side,severity\n2026-03-02T03:00,calf,left,3\n2026-03-02T03:00,calf,left,4\n"
    result = run("import", write(tmp_path, twice, "e.csv"), "--kind", "episodes", "--update")
    assert result.exit_code == 2
    assert "line 3: would update episode #5, as line 2 does; cannot tell which to keep." in (
        result.stderr
    )


def test_two_different_checkins_for_one_date_are_a_bad_row(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    text = "date,fluid_l\n2026-03-01,1.5\n2026-03-02,1\n2026-03-01,1.5\n2026-03-01,2\n"
    assert run("db", "upgrade").exit_code == 0  # the diary exists: no line saying it was made
    result = run("import", write(tmp_path, text), "--kind", "checkins")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        "  line 5: date: 2026-03-01 is also on line 2, with other values; a day has one "
        "check-in. Keep one of the two rows."
    ]
    assert not db_path.exists() or rows_of(db_path, "checkins") == []


def test_update_changes_only_the_columns_the_file_has(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    full = "started_at,muscle,severity,note\n2026-03-01T03:00,calf,5,first\n"
    assert run("import", write(tmp_path, full), "--kind", "episodes").exit_code == 0
    partial = "started_at,muscle,severity\n2026-03-01T03:00,calf,8\n"
    result = run("import", write(tmp_path, partial), "--kind", "episodes", "--update")
    assert "1 updated" in result.stdout
    [row] = rows_of(db_path, "episodes")
    assert (row["severity"], row["note"]) == (8, "first")
    same = run("import", write(tmp_path, partial), "--kind", "episodes", "--update")
    assert "Nothing to write" in same.stdout and "1 already in the diary, unchanged" in same.stdout


def test_a_repeated_row_in_one_file_is_skipped(run: Run, db_path: Path, tmp_path: Path) -> None:
    text = "started_at,muscle\n2026-03-01T03:00,calf\n2026-03-01T03:00:00+01:00,Calves\n"
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert "1 added, 1 repeating an earlier row of the file, skipped" in result.stdout
    assert len(rows_of(db_path, "episodes")) == 1


def test_two_cramps_logged_alike_are_two_records_when_the_file_gives_their_ids(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """`export csv` writes each episode's ID: rows alike in every field but the ID are two
    episodes (both logged, after the twin question), and each stored one answers one row."""
    text = (
        "id,started_at,muscle,side\n7,2026-03-01T03:00,calf,left\n8,2026-03-01T03:00,calf,left\n"
        "8,2026-03-01T03:00,calf,left\n"  # the same record twice: a repeat
    )
    result = run("import", write(tmp_path, text), "--kind", "episodes")
    assert "2 added, 1 repeating an earlier row of the file, skipped" in result.stdout
    assert len(rows_of(db_path, "episodes")) == 2
    again = run("import", write(tmp_path, text), "--kind", "episodes")
    assert "2 already in the diary, skipped" in again.stdout
    assert len(rows_of(db_path, "episodes")) == 2
    three = text + "9,2026-03-01T03:00,calf,left\n"
    assert (
        "1 added, 2 already in the diary"
        in run("import", write(tmp_path, three), "--kind", "episodes").stdout
    )
    assert len(rows_of(db_path, "episodes")) == 3


def test_a_deleted_checkin_date_is_imported_again(run: Run, db_path: Path, tmp_path: Path) -> None:
    text = "date,fluid_l,tags\n2026-03-01,1.5,coffee\n"
    assert run("import", write(tmp_path, text), "--kind", "checkins").exit_code == 0
    assert run("undo").exit_code == 0
    again = run("import", write(tmp_path, "date,sleep_h\n2026-03-01,7\n"), "--kind", "checkins")
    assert again.exit_code == 0 and "1 added" in again.stdout
    [row] = rows_of(db_path, "checkins")
    assert (row["fluid_ml"], row["sleep_h"], json.loads(row["tags"])) == (None, 7.0, [])
    assert run("undo").exit_code == 0
    assert rows_of(db_path, "checkins") == []


def test_dry_run_writes_nothing(run: Run, seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    result = run("import", str(EXAMPLES / "episodes.csv"), "--kind", "episodes", "--dry-run")
    assert result.exit_code == 0
    assert "Dry run: nothing was written" in result.stdout
    assert "episodes: 5 would be added." in result.stdout
    assert diary_fingerprint(seeded) == before
    assert not (seeded.parent / "backups").exists()


def test_undo_removes_a_whole_import_and_a_backup_was_made(run: Run, seeded: Path) -> None:
    for kind in ("meds", "checkins"):
        assert run("import", str(EXAMPLES / f"{kind}.csv"), "--kind", kind).exit_code == 0
    result = run("import", str(EXAMPLES / "episodes.csv"), "--kind", "episodes")
    assert "The diary was backed up first, to " in result.stdout
    backups = sorted((seeded.parent / "backups").glob("*-before-import.db"))
    assert len(backups) == 3
    assert len(rows_of(seeded, "episodes")) == 3 + 5
    undone = run("undo")
    assert undone.exit_code == 0 and "imported episodes.csv: episodes 5 added" in undone.stdout
    assert len(rows_of(seeded, "episodes")) == 3
    assert len(rows_of(seeded, "checkins")) == 10  # the import before it stays


@pytest.mark.parametrize(
    "existing, row, message",
    [
        ("Atorvastatin,2026-01-01,", "Lipitor,2026-02-01,", "overlaps the period of Atorvastatin"),
        ("Atorvastatin,2026-01-01,2026-01-31", "Lipitor,2026-01-15,2026-03-01", "overlaps"),
    ],
)
def test_overlapping_medication_periods_are_refused(
    run: Run, db_path: Path, tmp_path: Path, existing: str, row: str, message: str
) -> None:
    header = "name,started_on,stopped_on\n"
    assert run("import", write(tmp_path, header + existing + "\n"), "--kind", "meds").exit_code == 0
    before = diary_fingerprint(db_path)
    result = run("import", write(tmp_path, header + row + "\n"), "--kind", "meds")
    assert result.exit_code == 2 and "line 2: " in result.stderr and message in result.stderr
    assert diary_fingerprint(db_path) == before
    meets = header + "Lipitor,2026-01-31,\n"  # periods may meet on a day
    if existing.endswith("31"):
        assert run("import", write(tmp_path, meets), "--kind", "meds").exit_code == 0


def test_a_class_given_by_hand_is_marked_only_when_it_differs(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    text = "name,class,started_on\nLipitor,statin,2026-01-01\nMyBrew,diuretic,2026-01-01\n"
    assert run("import", write(tmp_path, text), "--kind", "meds").exit_code == 0
    lipitor, brew = rows_of(db_path, "medications")
    assert (lipitor["generic"], lipitor["atc"], lipitor["class_by_hand"]) == (
        "atorvastatin",
        "C10AA05",
        0,
    )
    assert (brew["drug_class"], brew["class_by_hand"]) == ("diuretic", 1)


def test_the_same_current_condition_twice_is_refused(run: Run, tmp_path: Path) -> None:
    text = "name,since\nCKD,2020-01-01\nckd,2021-01-01\n"
    result = run("import", write(tmp_path, text), "--kind", "conditions")
    assert result.exit_code == 2 and "line 3: name: 'ckd' is already a current" in result.stderr


# --- JSON: the whole diary --------------------------------------------------------------------


def _whole_diary(run: Run) -> None:
    for kind in KINDS:
        assert run("import", str(EXAMPLES / f"{kind}.csv"), "--kind", kind).exit_code == 0


def test_json_round_trip_into_a_new_diary(run: Run, db_path: Path, tmp_path: Path) -> None:
    _whole_diary(run)
    run("log", "--muscle", "neck", "--at", "2026-03-12T10:00", "--exercise", "swim 30m")
    assert run("export", "json", "--out", str(tmp_path / "diary.json")).exit_code == 0
    other = tmp_path / "other" / "diary.db"
    result = run_on(other, "import", str(tmp_path / "diary.json"))
    assert result.exit_code == 0, result.output
    assert "episodes: 6 added" in result.stdout and "exercise: 5 added" in result.stdout
    back = run_on(other, "export", "json", "--out", "-")
    original = json.loads((tmp_path / "diary.json").read_text())
    copied = json.loads(back.stdout)
    for kind in KINDS:
        assert copied[kind] == original[kind], kind
    again = run_on(other, "import", str(tmp_path / "diary.json"))
    assert "Nothing to write" in again.stdout


def test_json_leaves_out_deleted_records_and_warns_about_unknown_keys(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    document = {
        "schema": "spasmlog.diary/1",
        "episodes": [
            {
                "started_at": "2026-03-01T03:00:00+01:00",
                "muscle": "calf",
                "woke": True,
                "relief": ["stretch", "heat"],
                "severity": 6,
                "mood": "grumpy",
                "deleted_at": None,
            },
            {
                "started_at": "2026-03-02T03:00:00+01:00",
                "muscle": "calf",
                "deleted_at": "2026-03-03T10:00:00+00:00",
            },
        ],
        "checkins": [
            {"date": "2026-03-01", "fluid_l": 1.25, "sweating": False, "tags": ["a b", "c"]}
        ],
    }
    path = write(tmp_path, json.dumps(document), "diary.json")
    result = run("import", path, "--kind", "json")
    assert result.exit_code == 0, result.output
    assert "episodes: 1 added, 1 deleted ones left out." in result.stdout
    assert "Warning: episodes: ignored the keys mood" in result.stderr
    [episode] = rows_of(db_path, "episodes")
    assert (episode["woke"], episode["severity"], json.loads(episode["relief"])) == (
        1,
        6,
        ["stretch", "heat"],
    )
    [checkin] = rows_of(db_path, "checkins")
    assert (checkin["fluid_ml"], checkin["sweating"], json.loads(checkin["tags"])) == (
        1250,
        0,
        ["a b", "c"],
    )


@pytest.mark.parametrize(
    "document, message",
    [
        ("{not json", "line 1: not valid JSON"),
        ('{"schema": "other/1"}', "is not a spasmlog diary file"),
        ('{"schema": "spasmlog.diary/1", "episodes": {}}', "'episodes' must be a list of objects"),
        ('{"schema": "spasmlog.diary/1", "episodes": [{"muscle": "calf"}]}', "has no started_at"),
        (
            '{"schema": "spasmlog.diary/1", "episodes": [{"started_at": "2026-03-01T03:00", '
            '"muscle": {"a": 1}}]}',
            "episodes[0]: muscle: {'a': 1} is not text",
        ),
        (
            '{"schema": "spasmlog.diary/1", "episodes": [{"started_at": "2026-03-01T03:00", '
            '"muscle": "calf", "severity": 7.5}]}',
            "episodes[0]: severity: invalid value '7.5'",
        ),
        (
            '{"schema": "spasmlog.diary/1", "exercise": [{"started_at": "2026-03-01T07:00", '
            '"activity": "run", "minutes": 30, "source": "phone"}]}',
            "exercise[0]: source: invalid value 'phone'. Use one of: exercise, log, checkin",
        ),
    ],
)
def test_bad_json_is_refused(
    run: Run, seeded: Path, tmp_path: Path, document: str, message: str
) -> None:
    before = diary_fingerprint(seeded)
    result = run("import", write(tmp_path, document, "diary.json"))
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert diary_fingerprint(seeded) == before


def _sessions(db: Path) -> list[tuple[str, str, int, str]]:
    """(start, activity, minutes, source) of every live exercise session, in time order."""
    rows = rows_of(db, "exercise_sessions")
    return sorted((r["started_at"], r["activity"], r["minutes"], r["source"]) for r in rows)


def test_json_round_trip_keeps_each_exercise_source(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """Sessions keep the command that made them, so that `checkins`, `checkin --exercise` and
    `edit --exercise` treat them in the copy as they did in the original."""
    for command in (
        ["exercise", "add", "--at", "2026-03-14T07:00", "--activity", "swim", "--minutes", "30"],
        ["log", "--muscle", "calf", "--at", "2026-03-14T03:10", "--exercise", "run 45m vigorous"],
        ["log", "--muscle", "neck", "--at", "2026-03-12T10:00", "--exercise", "swim 30m"],
        ["checkin", "--date", "2026-03-13", "--fluid", "1.2L", "--exercise", "walk 40m light"],
    ):
        assert run(*command).exit_code == 0, command
    source = tmp_path / "diary.json"
    assert run("export", "json", "--out", str(source)).exit_code == 0
    other = tmp_path / "other" / "diary.db"
    result = run_on(other, "import", str(source), "--kind", "json")
    assert result.exit_code == 0, result.output
    assert "exercise: 4 added" in result.stdout and "episodes: 2 added" in result.stdout
    assert _sessions(other) == _sessions(db_path)
    assert {s[3] for s in _sessions(other)} == {"exercise", "log", "checkin"}
    copied = json.loads(run_on(other, "export", "json", "--out", "-").stdout)
    assert copied["exercise"] == json.loads(source.read_text())["exercise"]
    by_id = {row["id"]: row for row in rows_of(other, "exercise_sessions")}
    episodes = {row["muscle"]: row for row in rows_of(other, "episodes")}
    assert [by_id[e["exercise_session_id"]]["source"] for e in episodes.values()] == ["log"] * 2
    assert "walk 40m light" in run_on(other, "checkins").stdout

    again = run_on(other, "import", str(source), "--kind", "json")
    assert again.exit_code == 0 and "Nothing to write" in again.stdout

    changed = run_on(other, "checkin", "--date", "2026-03-13", "--exercise", "walk 50m light")
    assert changed.exit_code == 0, changed.output
    neck = episodes["neck"]
    edited = run_on(other, "edit", str(neck["id"]), "--exercise", "swim 30m vigorous")
    assert edited.exit_code == 0, edited.output
    sessions = {row["id"]: row for row in rows_of(other, "exercise_sessions")}
    assert len(sessions) == 4  # both changed in place, none added
    assert sessions[neck["exercise_session_id"]]["intensity"] == "vigorous"
    assert [s["minutes"] for s in sessions.values() if s["source"] == "checkin"] == [50]


def test_an_exercise_source_is_read_and_defaults_to_import(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    text = (
        "started_at,activity,minutes,source\n"
        "2026-03-01T07:00,run,30, Log \n2026-03-02T07:00,run,30,\n2026-03-03T07:00,run,30,import\n"
    )
    assert run("import", write(tmp_path, text), "--kind", "exercise").exit_code == 0
    without = "started_at,activity,minutes\n2026-03-04T07:00,swim,20\n"
    assert run("import", write(tmp_path, without), "--kind", "exercise").exit_code == 0
    assert [s[3] for s in _sessions(db_path)] == ["log", "import", "import", "import"]
    relabel = "started_at,activity,minutes,source\n2026-03-02T07:00,run,30,exercise\n"
    updated = run("import", write(tmp_path, relabel), "--kind", "exercise", "--update")
    assert "exercise: 1 updated." in updated.stdout
    assert [s[3] for s in _sessions(db_path)] == ["log", "exercise", "import", "import"]


def test_a_second_checkin_session_on_a_day_is_refused(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    assert run("checkin", "--date", "2026-03-13", "--exercise", "walk 40m").exit_code == 0
    before = diary_fingerprint(db_path)
    text = (
        "started_at,activity,minutes,source\n"
        "2026-03-13T18:00:00+01:00,yoga,20,checkin\n2026-03-14T12:00:00+01:00,run,20,checkin\n"
        "2026-03-14T12:00:00+01:00,swim,20,checkin\n"
    )
    result = run("import", write(tmp_path, text), "--kind", "exercise")
    assert result.exit_code == 2, result.output
    assert "2 bad rows; nothing was imported" in result.stderr
    assert "line 2: source: 2026-03-13 already has its check-in's exercise session" in result.stderr
    assert "line 4: source: 2026-03-14 already has" in result.stderr
    assert diary_fingerprint(db_path) == before


# --- round trips and equivalences (hypothesis) ------------------------------------------------

_texts = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=30)
_episode = st.fixed_dictionaries(
    {
        "started_at": st.datetimes(
            dt.datetime(1990, 1, 1),
            dt.datetime(2026, 3, 14),
            timezones=st.sampled_from(
                [dt.timezone(dt.timedelta(minutes=m)) for m in (-300, 0, 60, 330)]
            ),
        ).map(lambda moment: moment.replace(microsecond=0).isoformat()),
        "muscle": st.sampled_from(["calf", "foot", "neck", "lower back"]),
        "side": st.sampled_from([None, "left", "right", "both", "none"]),
        "duration_s": st.none() | st.integers(1, 86_400),
        "severity": st.none() | st.integers(0, 10),
        "woke": st.none() | st.booleans(),
        "fluid_l_24h": st.none() | st.integers(0, 20_000).map(lambda ml: ml / 1000),
        "relief": st.lists(st.sampled_from(factors.RELIEF), unique=True, max_size=3),
        "relief_score": st.none() | st.integers(0, 10),
        "symptoms": st.lists(st.sampled_from(factors.SYMPTOMS), unique=True, max_size=3),
        "medications": st.lists(
            _texts.map(lambda t: t.replace(";", "").strip()).filter(bool), max_size=2
        ),
        "note": st.none() | _texts.filter(lambda t: t.strip()),
    }
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    episodes=st.lists(
        _episode,
        min_size=1,
        max_size=5,
        unique_by=lambda e: (str(e["started_at"])[:19], e["muscle"]),
    )
)
def test_csv_import_export_round_trip(
    tmp_path_factory: pytest.TempPathFactory, episodes: list[dict[str, object]]
) -> None:
    folder = tmp_path_factory.mktemp("round")
    source = folder / "episodes.csv"
    source.write_text(
        write_csv(episodes, [c for c in EPISODE_COLUMNS if c != "id"]), encoding="utf-8"
    )
    db = folder / "diary.db"
    assert run_on(db, "import", str(source), "--kind", "episodes").exit_code == 0
    # as bytes: the runner's .stdout and a text-mode read both turn a "\r" in a note into "\n"
    back = run_on(db, "export", "csv", "--what", "episodes", "--out", "-").stdout_bytes.decode()
    written = sorted(
        (
            {k: v for k, v in row.items() if k not in ("id", "exercise")}
            for row in csv.DictReader(io.StringIO(back))
        ),
        key=lambda row: (row["started_at"], row["muscle"]),
    )
    given_rows = sorted(
        (
            {k: v for k, v in row.items() if k != "exercise"}
            for row in csv.DictReader(io.StringIO(source.read_bytes().decode("utf-8")))
        ),
        key=lambda row: (row["started_at"], row["muscle"]),
    )
    assert [_normal(row) for row in written] == [_normal(row) for row in given_rows]


def _normal(row: dict[str, str]) -> dict[str, str]:
    """The same value written two ways ("1.5" and "1.50", "left" and "L") compares equal."""
    fluid = row["fluid_l_24h"]
    return {
        **row,
        "fluid_l_24h": fluid and repr(float(fluid)),
        "started_at": dt.datetime.fromisoformat(row["started_at"]).isoformat(),
    }


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        dt.datetime(1890, 1, 1),
        dt.datetime(2030, 1, 1),
        timezones=st.sampled_from(
            [
                dt.UTC,
                dt.timezone(dt.timedelta(hours=-5)),
                dt.timezone(dt.timedelta(hours=5, minutes=30)),
            ]
        ),
    ),
    style=st.sampled_from(["T", " "]),
    zulu=st.booleans(),
    fraction=st.booleans(),
)
def test_the_started_at_shortcut_agrees_with_parse_when(
    moment: dt.datetime, style: str, zulu: bool, fraction: bool
) -> None:
    text = moment.isoformat(style, "microseconds" if fraction else "seconds")
    if zulu and moment.utcoffset() == dt.timedelta(0):
        text = text.replace("+00:00", "Z")
    now = dt.datetime.fromisoformat(NOW)
    column = next(c for c in EPISODES.columns if c.name == "started_at")
    try:
        expected = when.parse_when(text, now, "started_at")
    except Exception as error:  # noqa: BLE001 - the shortcut must fail the same way
        with pytest.raises(type(error), match=str(error)[:30].replace("(", r"\(")):
            column.parse(text, Now(now))
        return
    got = column.parse(text, Now(now))
    assert got == expected and got.utcoffset() == expected.utcoffset()


def test_imported_rows_read_back_through_the_orm(run: Run, db_path: Path) -> None:
    """Values written without SQLAlchemy's bind processing are what its types read back."""
    _whole_diary(run)
    store = open_store(db_path)
    try:
        with store.reading() as session:
            episode = session.scalars(select(Episode).order_by(Episode.id)).first()
            assert episode is not None
            assert episode.started_at == dt.datetime(2026, 3, 2, 2, 10, tzinfo=dt.UTC)
            assert episode.relief == ["stretch", "water"] and episode.woke is True
            checkin = session.scalars(select(Checkin).order_by(Checkin.date)).first()
            assert checkin is not None and checkin.date == dt.date(2026, 3, 1)
            med = session.scalars(
                select(Medication).where(Medication.stopped_on.is_not(None))
            ).one()
            assert med.stopped_on == dt.date(2026, 2, 28)
            lab = session.scalars(select(LabResult).where(LabResult.test == "calcium_total")).one()
            assert lab.value_mmol_l == pytest.approx(9.4 * 10 / 40.078)
            exercise = session.scalars(select(ExerciseSession)).first()
            assert exercise is not None and exercise.source == "exercise"  # the sample's source
    finally:
        store.close()
    moment = dt.datetime(2026, 3, 1, 22, 30, 5, 120, tzinfo=dt.UTC)
    processor = sqlite_dialect.DATETIME().bind_processor(sqlite_dialect.dialect())
    assert processor is not None
    assert utc_text(moment) == processor(moment.replace(tzinfo=None))


def test_new_ids_are_counted_not_read_back_unless_they_have_gaps(db_path: Path) -> None:
    from spasmlog.db.bulk import _new_ids

    store = open_store(db_path)
    table = Episode.__table__
    try:
        with store.writing() as session:
            connection = session.connection()

            def add(row_id: int) -> None:
                connection.exec_driver_sql(
                    "INSERT INTO episodes (id, started_at, utc_offset_min, muscle, relief, "
                    "symptoms, medications, created_at, updated_at) VALUES "
                    f"({row_id}, '2026-03-01 00:00:00.000000', 0, 'calf', '[]', '[]', '[]', "
                    "'x', 'x')"
                )

            for row_id in (10, 11, 12):
                add(row_id)
            assert _new_ids(connection, table, 9, 3) == [10, 11, 12]  # type: ignore[arg-type]
            add(40)  # a gap: the ids are read back
            assert _new_ids(connection, table, 11, 2) == [12, 40]  # type: ignore[arg-type]
    finally:
        store.close()


def test_imported_medications_reach_the_episodes_already_logged(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    for day in ("2026-01-05", "2026-02-10", "2026-03-05", "2026-03-06"):
        assert (
            run("log", "--muscle", "calf", "--at", f"{day} 23:30", "--med", "ibuprofen").exit_code
            == 0
        )
    assert run("delete", "4").exit_code == 0  # follows the list too, but is not counted
    meds = write(tmp_path, (EXAMPLES / "meds.csv").read_text(encoding="utf-8"))
    result = run("import", meds, "--kind", "meds")
    assert result.exit_code == 0, result.output
    assert "Updated the medications of 3 logged episodes to follow the periods." in result.stdout
    shown = run("show", "4").stdout
    assert (
        "Medications:                 Levothyroxine 50 mcg, Atorvastatin 20 mg, ibuprofen" in shown
    )
    listed = {
        e["started_at"][:10]: e["medications"]
        for e in json.loads(run("list", "--format", "json").stdout)
    }
    assert listed == {
        "2026-01-05": ["Levothyroxine 50 mcg", "ibuprofen"],
        "2026-02-10": [
            "Levothyroxine 50 mcg",
            "Atorvastatin 20 mg",
            "Magnesium citrate 300 mg",
            "ibuprofen",
        ],
        "2026-03-05": ["Levothyroxine 50 mcg", "Atorvastatin 20 mg", "ibuprofen"],
    }
    assert run("undo").exit_code == 0  # the import and the episodes' lists, as one change
    listed = {
        e["started_at"][:10]: e["medications"]
        for e in json.loads(run("list", "--format", "json").stdout)
    }
    assert set(map(tuple, listed.values())) == {("ibuprofen",)}


def test_import_inserts_in_bulk_never_an_orm_object_per_row(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import path writes episodes with Core executemany: building an ORM object per row
    would cost more than everything else an import of 100,000 rows does (issue 8's budget)."""
    from sqlalchemy.orm import Session

    added: list[object] = []
    real_add = Session.add

    def counting_add(self: Session, instance: object, *, _warn: bool = True) -> None:
        added.append(instance)
        real_add(self, instance, _warn=_warn)

    monkeypatch.setattr(Session, "add", counting_add)
    lines = "".join(f"2026-02-{day:02d}T03:00,calf\n" for day in range(1, 29))
    result = run("import", write(tmp_path, "started_at,muscle\n" + lines), "--kind", "episodes")
    assert result.exit_code == 0, result.output
    assert "28 added" in result.stdout
    assert [type(obj).__name__ for obj in added] == ["Change"]  # the one change `undo` reverts
