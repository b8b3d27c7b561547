"""`spasmlog export csv|json`: the column contract, formula guarding, JSON types, files and refusals."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmlog.interchange.records import (
    COLUMNS_BY_KIND,
    DIARY_SCHEMA,
    csv_cell,
    csv_text,
    write_csv,
)
from tests.conftest import Run, diary_fingerprint, run_process
from tests.handmade import HYPERLINK, build_once, build_small, copy_to, ok, runner_for


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory.mktemp("small"), build_small)


@pytest.fixture
def diary(run: Run, db_path: Path, template: Path) -> Run:
    copy_to(template, db_path)
    return run


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(COLUMNS_BY_KIND))
def test_csv_header_is_the_contract(diary: Run, kind: str) -> None:
    text = ok(diary, "export", "csv", "--what", kind, "--out", "-")
    assert text.splitlines()[0] == ",".join(COLUMNS_BY_KIND[kind])


def test_csv_episodes_in_time_order_without_deleted(diary: Run) -> None:
    rows = _rows(ok(diary, "export", "csv", "--what", "episodes", "--out", "-"))
    assert [row["started_at"] for row in rows] == [
        "2026-03-10T22:00:00+01:00",
        "2026-03-14T03:10:00+01:00",
    ]
    calf = rows[1]
    assert calf["muscle"] == "calf" and calf["side"] == "left"
    assert calf["duration_s"] == "120" and calf["severity"] == "8"
    assert calf["woke"] == "1" and rows[0]["woke"] == "0"
    assert calf["fluid_l_24h"] == "1.2"
    assert calf["exercise"] == "run 45m vigorous"
    assert calf["relief"] == "stretch" and calf["symptoms"] == "weakness"


def test_csv_neutralises_formulas(diary: Run) -> None:
    rows = _rows(ok(diary, "export", "csv", "--what", "episodes", "--out", "-"))
    assert rows[0]["note"] == "'@SUM(A1)"
    assert rows[1]["note"] == "'" + HYPERLINK
    assert csv_text(rows[1]["note"]) == HYPERLINK
    checkin = _rows(ok(diary, "export", "csv", "--what", "checkins", "--out", "-"))[0]
    assert checkin["tags"] == "'-new shoes;coffee"  # a list is one cell, guarded as a whole


def test_csv_other_kinds(diary: Run) -> None:
    checkin = _rows(ok(diary, "export", "csv", "--what", "checkins", "--out", "-"))[0]
    assert checkin["date"] == "2026-03-14" and checkin["fluid_l"] == "1.2"
    assert (checkin["sweating"], checkin["fever"], checkin["vomiting"]) == ("1", "0", "")
    assert checkin["sleep_h"] == "5.5" and checkin["exercised"] == "0"  # a known "no"
    exercise = _rows(ok(diary, "export", "csv", "--what", "exercise", "--out", "-"))
    assert [
        (e["started_at"], e["activity"], e["minutes"], e["intensity"], e["muscles"])
        for e in exercise
    ] == [
        ("2026-03-14T02:25:00+01:00", "run", "45", "vigorous", ""),  # logged with the episode
        ("2026-03-15T07:00:00+01:00", "swim", "30", "light", "shoulder"),
    ]
    meds = _rows(ok(diary, "export", "csv", "--what", "meds", "--out", "-"))
    assert [list(m.values()) for m in meds] == [
        ["furosemide", "", "diuretic", "2025-12-01", "2026-02-01"],
        ["Lipitor 20mg", "20 mg", "statin", "2026-01-10", ""],
    ]
    conditions = _rows(ok(diary, "export", "csv", "--what", "conditions", "--out", "-"))
    assert [list(c.values()) for c in conditions] == [
        ["hypothyroidism", "thyroid", "2020-01-01", ""]
    ]
    labs = _rows(ok(diary, "export", "csv", "--what", "labs", "--out", "-"))
    assert [list(lab.values()) for lab in labs] == [
        ["2026-03-01", "magnesium", "1.5", "mg/dL", "1.7-2.2"],  # the lab's range, its unit
        ["2026-03-02", "potassium", "3.3", "mmol/L", ""],  # judged by the reference range
    ]


@given(st.integers() | st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_never_guarded(number: float) -> None:
    cell = csv_cell(number)
    assert not cell.startswith("'")
    assert type(number)(cell) == number


@given(st.text())
def test_guard_is_undone_exactly_and_leaves_no_formula(text: str) -> None:
    cell = csv_cell(text)
    assert csv_text(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_negative_numbers_stay_numbers_in_a_written_csv() -> None:
    text = write_csv([{"value": -3.5, "range": "-1-2"}], ("value", "range"))
    assert text.splitlines()[1] == "-3.5,'-1-2"


@pytest.mark.parametrize("note", ["a\rb", "a\nb", "a\r\nb", "a\r", "\n"])
def test_a_line_break_in_a_cell_is_quoted(note: str) -> None:
    """A bare "\r" (old Mac text) splits a row in a spreadsheet unless quoted, like "\n"."""
    text = write_csv([{"note": note, "id": 1}], ("note", "id"))
    assert text == f'note,id\r\n"{note}",1\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["note", "id"], [note, "1"]]


# --- JSON ---------------------------------------------------------------------------------------


def test_json_is_the_whole_diary_with_json_types(diary: Run) -> None:
    document = json.loads(ok(diary, "export", "json", "--out", "-"))
    assert list(document) == [
        "schema", "spasmlog_version", "exported_at", *COLUMNS_BY_KIND, "trials"
    ]  # fmt: skip
    assert document["trials"] == []  # this diary has none (test_trial.py has one)
    assert document["schema"] == DIARY_SCHEMA
    assert document["exported_at"] == "2026-03-15T12:00:00+01:00"
    for kind, columns in COLUMNS_BY_KIND.items():
        assert all(list(record) == list(columns) for record in document[kind]), kind
    calf = document["episodes"][1]
    assert calf["id"] == 1 and calf["woke"] is True and calf["duration_s"] == 120
    assert calf["fluid_l_24h"] == 1.2 and calf["relief"] == ["stretch"]
    assert calf["note"] == HYPERLINK  # not guarded: JSON is not a spreadsheet
    assert document["episodes"][0]["woke"] is False
    assert document["checkins"][0]["tags"] == ["-new shoes", "coffee"]
    assert document["checkins"][0]["fever"] is False
    assert document["checkins"][0]["vomiting"] is None
    assert document["checkins"][0]["exercised"] is False
    assert [lab["value"] for lab in document["labs"]] == [1.5, 3.3]
    assert len(document["episodes"]) == 2  # the deleted one is left out


def test_json_include_deleted_marks_rows(diary: Run) -> None:
    document = json.loads(ok(diary, "export", "json", "--out", "-", "--include-deleted"))
    episodes = document["episodes"]
    assert [e["id"] for e in episodes] == [2, 3, 1]
    assert episodes[1]["deleted_at"] is not None and episodes[0]["deleted_at"] is None
    assert all("deleted_at" in record for kind in COLUMNS_BY_KIND for record in document[kind])


def test_empty_diary_exports(run: Run) -> None:
    ok(run, "db", "upgrade")  # a new, empty diary
    document = json.loads(ok(run, "export", "json", "--out", "-"))
    assert all(document[kind] == [] for kind in COLUMNS_BY_KIND)
    assert (
        ok(run, "export", "csv", "--what", "labs", "--out", "-")
        == "taken_on,test,value,unit,range\n"
    )


# --- files, refusals, determinism -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [("csv", "--what", "episodes"), ("json",), ("json", "--include-deleted"), ("fhir",)]
)
def test_files_are_private_deterministic_and_never_overwritten(
    diary: Run, db_path: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "out" / "export.txt"
    result = diary("export", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote ") and str(out) in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_bytes()
    before = diary_fingerprint(db_path)
    refused = diary("export", *args, "--out", str(out))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {out} already exists. Nothing was written; add --force to replace it.\n"
    )
    assert diary_fingerprint(db_path) == before
    assert out.read_bytes() == first
    out.write_bytes(b"old")
    assert diary("export", *args, "--out", str(out), "--force").exit_code == 0
    assert out.read_bytes() == first  # same diary, same bytes
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_forced_overwrite_of_a_public_file_makes_it_private(diary: Run, tmp_path: Path) -> None:
    out = tmp_path / "episodes.csv"
    out.write_text("old")
    out.chmod(0o644)
    assert diary("export", "csv", "--what", "episodes", "--out", str(out), "--force").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_unknown_kind_is_rejected_before_opening(diary: Run, db_path: Path, tmp_path: Path) -> None:
    before = diary_fingerprint(db_path)
    result = diary("export", "csv", "--what", "episode", "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --what: invalid value 'episode'. "
        "Use one of: episodes, checkins, exercise, meds, conditions, labs, all.\n"
    )
    assert diary_fingerprint(db_path) == before
    assert not (tmp_path / "x.csv").exists()


def test_refusal_does_not_create_a_diary(tmp_path: Path, run: Run, db_path: Path) -> None:
    out = tmp_path / "taken.json"
    out.write_text("mine")
    result = run("export", "json", "--out", str(out))
    assert result.exit_code == 2
    assert not db_path.exists()
    assert out.read_text() == "mine"


def test_real_process_pipes_csv_to_stdout(diary: Run, db_path: Path) -> None:
    done = run_process(db_path, "export", "csv", "--what", "meds", "--out", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "name,dose,class,started_on,stopped_on"
    assert done.stderr == ""


# --- import round trips ------------------------------------------------------------------------


def _on(db: Path, *args: str) -> str:
    """Run a command against another diary file."""
    return ok(runner_for(db), *args)


def _without_ids(document: dict[str, Any]) -> dict[str, Any]:
    """A fresh diary numbers its rows afresh; everything else must survive."""
    episodes = [{k: v for k, v in e.items() if k != "id"} for e in document["episodes"]]
    return {**document, "episodes": episodes}


@pytest.mark.parametrize("kind", list(COLUMNS_BY_KIND))
def test_csv_import_export_round_trip(diary: Run, tmp_path: Path, kind: str) -> None:
    exported = ok(diary, "export", "csv", "--what", kind, "--out", "-")
    source = tmp_path / f"{kind}.csv"
    source.write_text(exported)
    fresh = tmp_path / "fresh.db"
    _on(fresh, "import", str(source), "--kind", kind)
    again = _on(fresh, "export", "csv", "--what", kind, "--out", "-")
    if kind == "episodes":  # ids are new, and an exercise session travels in the exercise file
        keep = [c for c in COLUMNS_BY_KIND[kind] if c not in ("id", "exercise")]
        assert [[r[c] for c in keep] for r in _rows(again)] == [
            [r[c] for c in keep] for r in _rows(exported)
        ]
    else:
        assert again == exported


def test_json_import_export_round_trip(diary: Run, tmp_path: Path) -> None:
    exported = ok(diary, "export", "json", "--out", "-")
    source = tmp_path / "diary.json"
    source.write_text(exported)
    fresh = tmp_path / "fresh.db"
    _on(fresh, "import", str(source), "--kind", "json")
    again = json.loads(_on(fresh, "export", "json", "--out", "-"))
    assert _without_ids(again) == _without_ids(json.loads(exported))


# Notes as people paste them: old Mac ("\r") and Windows ("\r\n") line ends, quotes, commas,
# tabs and the starts a spreadsheet would run as a formula, among any other text.
_note_pieces = st.sampled_from(
    ["\r", "\n", "\r\n", '"', "'", ",", ";", "\t", " ", "=", "+", "-", "@"]
) | st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), min_size=1, max_size=3)
_notes = st.lists(_note_pieces, min_size=1, max_size=8).map("".join).filter(str.strip)


@settings(max_examples=15, deadline=None)
@given(notes=st.lists(_notes, min_size=1, max_size=4))
def test_import_reads_back_every_note_that_export_and_list_wrote(
    tmp_path_factory: pytest.TempPathFactory, notes: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("notes")
    episodes = [
        {"started_at": f"2026-03-{day:02}T03:00:00+01:00", "muscle": "calf", "note": note}
        for day, note in enumerate(notes, 1)
    ]
    seed = folder / "seed.json"
    seed.write_text(json.dumps({"schema": DIARY_SCHEMA, "episodes": episodes}), encoding="utf-8")
    original = runner_for(folder / "original.db")
    ok(original, "import", str(seed), "--kind", "json")
    for name, command in {
        "export": ("export", "csv", "--what", "episodes", "--out", "-"),
        "list": ("list", "--format", "csv"),
    }.items():
        written = original(*command)
        assert written.exit_code == 0, written.output
        source = folder / f"{name}.csv"
        source.write_bytes(written.stdout_bytes)  # .stdout would turn "\r\n" into "\n"
        copy = folder / f"{name}.db"
        _on(copy, "import", str(source), "--kind", "episodes")
        back = json.loads(_on(copy, "export", "json", "--out", "-"))
        assert [episode["note"] for episode in back["episodes"]] == notes, name


def test_the_row_count_counts_rows_not_lines(run: Run, tmp_path: Path) -> None:
    run("log", "--muscle", "calf", "--note", "first line\nsecond line\rthird")
    run("log", "--muscle", "foot")
    result = run("export", "csv", "--what", "episodes", "--out", str(tmp_path / "e.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote 2 rows of episodes to ")


def test_csv_what_all_writes_one_file_per_kind_into_a_folder(
    diary: Run, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out" / "csv"
    said = ok(diary, "export", "csv", "--what", "all", "--out", str(folder))
    assert said.startswith(f"Wrote 6 files to {folder}: episodes.csv (2 rows), checkins.csv (")
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{kind}.csv" for kind in COLUMNS_BY_KIND
    )
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for kind in COLUMNS_BY_KIND:
        path = folder / f"{kind}.csv"
        assert path.read_text() == ok(diary, "export", "csv", "--what", kind, "--out", "-")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (folder / "labs.csv").write_text("mine")
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    refused = diary("export", "csv", "--what", "all", "--out", str(folder))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {folder} already holds episodes.csv, checkins.csv, exercise.csv, meds.csv, "
        "conditions.csv, labs.csv. Nothing was written; add --force to replace them.\n"
    )
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    ok(diary, "export", "csv", "--what", "all", "--out", str(folder), "--force")
    assert (folder / "labs.csv").read_text().startswith("taken_on,test,value,unit,range\n")
    refused = diary("export", "csv", "--what", "all", "--out", "-")
    assert refused.exit_code == 2 and "With --what all, give a folder" in refused.stderr
