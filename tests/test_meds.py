"""`spasmlog meds add|stop|list`: brand -> generic -> class, periods, snapshots on episodes, undo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from spasmlog.knowledge.drugs import CLASS_INFO
from tests.conftest import Run, diary_fingerprint

STATIN_LINE = CLASS_INFO["statin"].article_line
ACE_ARB_LINE = CLASS_INFO["arb"].article_line


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _refused(run: Run, db_path: Path, args: list[str], message: str) -> None:
    before = diary_fingerprint(db_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == message + "\n"
    assert diary_fingerprint(db_path) == before


def _rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("typed", "generic", "drug_class", "atc"),
    [
        ("Lipitor 20mg", "atorvastatin", "statin", "C10AA05"),
        ("ZESTRIL 10 mg tablet", "lisinopril", "ace_inhibitor", "C09AA03"),
        ("Cozaar", "losartan", "arb", "C09CA01"),
        ("Lasix 40mg", "furosemide", "diuretic", "C03CA01"),
        ("Deltasone", "prednisone", "corticosteroid", "H02AB07"),
        ("zoloft", "sertraline", "ssri", "N06AB06"),
        ("Abilify", "aripiprazole", "antipsychotic", "N05AX12"),
        ("Glucophage", "metformin", "other", "A10BA02"),
    ],
)
def test_brand_to_generic_to_class(
    run: Run, db_path: Path, typed: str, generic: str, drug_class: str, atc: str
) -> None:
    out = _ok(run, "meds", "add", typed, "--started", "2026-03-01")
    label = CLASS_INFO[drug_class].label
    assert (
        out.splitlines()[0]
        == f"Added #1 {typed}: {generic}, {label} (ATC {atc}), since 2026-03-01."
    )
    if CLASS_INFO[drug_class].linked_to_spasms:
        assert out.splitlines()[1] == f'The article: "{CLASS_INFO[drug_class].article_line}"'
    else:
        assert len(out.splitlines()) == 1
    assert _rows(
        db_path, "SELECT name, generic, drug_class, atc, class_by_hand FROM medications"
    ) == [(typed, generic, drug_class, atc, 0)]
    row = _ok(run, "meds", "list").splitlines()[2]
    mark = " *" if CLASS_INFO[drug_class].linked_to_spasms else ""
    assert f"{generic}  " in row and f"{drug_class}{mark}" in row and atc in row


def test_near_miss_gets_a_did_you_mean_and_is_not_stored(run: Run, db_path: Path) -> None:
    _ok(run, "meds", "add", "metformin")
    _refused(run, db_path, ["meds", "add", "atorvastatn", "--dose", "20 mg"],
             "Error: Unknown medication 'atorvastatn'. Did you mean 'atorvastatin'? "
             "Use --class other to keep it as typed.")  # fmt: skip
    _refused(run, db_path, ["meds", "add", "Lipiter"],
             "Error: Unknown medication 'Lipiter'. Did you mean 'Lipitor'? "
             "Use --class other to keep it as typed.")  # fmt: skip
    out = _ok(run, "meds", "add", "atorvastatn", "--class", "other")
    assert out == "Added #2 atorvastatn: Other medications (set by hand), since 2026-03-15.\n"


def test_unknown_name_is_kept_as_other(run: Run, db_path: Path) -> None:
    out = _ok(run, "meds", "add", "Vitamin D", "--dose", "1000 IU")
    assert out == (
        "Added #1 Vitamin D 1000 IU: Other medications, since 2026-03-15.\n"
        'Not in spasmlog\'s medication table: kept as "other". Use --class to class it by hand.\n'
    )
    assert _rows(db_path, "SELECT generic, drug_class, atc FROM medications") == [
        (None, "other", None)
    ]


def test_class_by_hand(run: Run, db_path: Path) -> None:
    out = _ok(run, "meds", "add", "water tablet", "--class", "water pill")
    assert (
        out.splitlines()[0] == "Added #1 water tablet: Diuretics (set by hand), since 2026-03-15."
    )
    assert "diuretic *" in _ok(run, "meds", "list")
    _ok(run, "meds", "add", "Zoloft", "--class", "other")  # a known drug classed otherwise
    assert _rows(db_path, "SELECT generic, drug_class, atc, class_by_hand FROM medications") == [
        (None, "diuretic", None, 1), ("sertraline", "other", None, 1)
    ]  # fmt: skip


def test_list_quotes_each_article_line_once(run: Run) -> None:
    _ok(run, "meds", "add", "Lipitor")
    _ok(run, "meds", "add", "Crestor", "--class", "statin")  # hand-classed, same class
    _ok(run, "meds", "add", "ramipril")
    _ok(run, "meds", "add", "losartan")
    _ok(run, "meds", "add", "Vitamin D")
    lines = _ok(run, "meds", "list").splitlines()
    assert lines[7:] == [
        "* The article links these to muscle spasms:",
        f'  Statins: "{STATIN_LINE}"',
        f'  ACE inhibitors / ARBs (angiotensin receptor blockers): "{ACE_ARB_LINE}"',
    ]


def test_second_open_period_of_a_drug_is_refused(run: Run, db_path: Path) -> None:
    _ok(run, "meds", "add", "atorvastatin", "--dose", "20 mg", "--started", "2026-03-01")
    _refused(run, db_path, ["meds", "add", "Lipitor 40mg"],
             "Error: atorvastatin is already on your list (#1 atorvastatin 20 mg, since "
             "2026-03-01). To change the dose, stop it (`spasmlog meds stop 1`) and add it again.")  # fmt: skip


def test_stop_matches_brand_generic_or_id_and_restart_keeps_both(run: Run, db_path: Path) -> None:
    _ok(run, "meds", "add", "atorvastatin", "--dose", "20 mg", "--started", "2026-03-01")
    out = _ok(run, "meds", "stop", "LIPITOR", "--on", "2026-03-05")
    assert out == (
        "Stopped #1 atorvastatin 20 mg: taken from 2026-03-01 to 2026-03-05. "
        "(`spasmlog undo` reverts it.)\n"
    )
    _refused(run, db_path, ["meds", "add", "Lipitor", "--started", "2026-03-04"],
             "Error: atorvastatin was already taken from 2026-03-01 to 2026-03-05 (#1 atorvastatin "
             "20 mg); periods of one medication may meet on a day but not overlap. Change "
             "--started or --stopped.")  # fmt: skip
    _ok(run, "meds", "add", "Lipitor", "--dose", "40 mg", "--started", "2026-03-05")
    _ok(run, "meds", "stop", "2", "--on", "2026-03-09")
    _ok(run, "meds", "add", "atorvastatin", "--started", "2026-03-12")
    assert _rows(db_path, "SELECT id, name, dose, started_on, stopped_on FROM medications") == [
        (1, "atorvastatin", "20 mg", "2026-03-01", "2026-03-05"),
        (2, "Lipitor", "40 mg", "2026-03-05", "2026-03-09"),
        (3, "atorvastatin", None, "2026-03-12", None),
    ]
    current = _ok(run, "meds", "list").splitlines()
    assert [line.split()[0] for line in current[2:-2]] == ["3"]
    every = _ok(run, "meds", "list", "--all").splitlines()
    assert [line.split()[0] for line in every[2:-2]] == ["1", "2", "3"]


def test_past_period_with_stopped(run: Run) -> None:
    _ok(run, "meds", "add", "furosemide", "--started", "2026-03-10")
    out = _ok(run, "meds", "add", "Lasix", "--started", "2026-01-01", "--stopped", "2026-03-10")
    assert out.startswith(
        "Added #2 Lasix: furosemide, Diuretics (ATC C03CA01), 2026-01-01 to 2026-03-10."
    )
    assert [line.split()[:2] for line in _ok(run, "meds", "list").splitlines()[2:-2]] == [
        ["1", "furosemide"]
    ]


def test_stop_refusals(run: Run, db_path: Path) -> None:
    _ok(run, "meds", "add", "Lipitor", "--started", "2026-03-05")
    _refused(run, db_path, ["meds", "stop", "lipitor", "--on", "2026-03-04"],
             "Error: --on: invalid value '2026-03-04'. #1 Lipitor was started on 2026-03-05; it "
             "cannot stop before that.")  # fmt: skip
    _refused(run, db_path, ["meds", "stop", "lipitr"],
             "Error: No current medication matches 'lipitr'. Did you mean 'Lipitor'? See "
             "`spasmlog meds list` (stopped ones are not current).")  # fmt: skip
    _refused(run, db_path, ["meds", "stop", "atorvastatn"],
             "Error: No current medication matches 'atorvastatn'. Did you mean 'atorvastatin'? "
             "See `spasmlog meds list` (stopped ones are not current).")  # fmt: skip
    _refused(run, db_path, ["meds", "stop", "7"],
             "Error: No current medication matches '7'. See `spasmlog meds list` (stopped ones "
             "are not current).")  # fmt: skip
    _refused(run, db_path, ["meds", "stop", "lipitor", "--on", "tomorrow"],
             "Error: --on: invalid value 'tomorrow'. Use YYYY-MM-DD, \"today\", \"yesterday\", "
             "\"3 days ago\", a weekday (\"monday\", \"last monday\") or a day of a month "
             "(\"Dec 3\", \"3 December 2025\").")  # fmt: skip
    _ok(run, "meds", "stop", "lipitor")
    _refused(run, db_path, ["meds", "stop", "lipitor"],
             "Error: No current medication matches 'lipitor': #1 Lipitor was stopped on "
             "2026-03-15. To correct that date: `spasmlog meds stop 1 --on DATE` (or `spasmlog "
             "meds edit 1 --stopped DATE`).")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["meds", "add", "Lipitor", "--started", "2026-04-01"],
         "Error: --started: invalid value '2026-04-01'. That date is in the future; give one that "
         "has passed."),
        (["meds", "add", "Lipitor", "--class", "vitamin"],
         "Error: --class: invalid value 'vitamin'. Use one of: statin, ace_inhibitor, arb, "
         "diuretic, corticosteroid, ssri, antipsychotic, other (plain names like \"ACE "
         "inhibitor\", \"ARB\", \"steroid\" or \"SSRI\" work too)."),
        (["meds", "add", "Lipitor", "--started", "2026-03-10", "--stopped", "2026-03-01"],
         "Error: --stopped: invalid value '2026-03-01'. It must be on or after the start, "
         "2026-03-10."),
        (["meds", "add", "Lipitor", "--dose", "x" * 61],
         f"Error: --dose: invalid value '{'x' * 61}'. Keep the dose under 60 characters."),
        (["meds", "add", "  "],
         "Error: NAME: invalid value '  '. Give the medication's name (1-120 characters), e.g. "
         "\"atorvastatin\" or \"Lipitor\"."),
        (["meds", "add", "Lipitor", "--started", "someday"],
         "Error: --started: invalid value 'someday'. Use YYYY-MM-DD, \"today\", \"yesterday\", "
         "\"3 days ago\", a weekday (\"monday\", \"last monday\") or a day of a month "
             "(\"Dec 3\", \"3 December 2025\")."),
    ],
)  # fmt: skip
def test_add_bad_input(run: Run, db_path: Path, args: list[str], message: str) -> None:
    _ok(run, "meds", "add", "metformin")
    _refused(run, db_path, args, message)


def _episode_meds(run: Run) -> dict[str, list[str]]:
    records = json.loads(_ok(run, "list", "--format", "json"))
    return {record["started_at"][:10]: record["medications"] for record in records}


def test_episode_snapshot_follows_start_and_stop_dates(run: Run) -> None:
    _ok(run, "meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-05")
    _ok(run, "meds", "add", "Vitamin D", "--started", "2026-01-01")
    _ok(run, "meds", "stop", "atorvastatin", "--on", "2026-03-10")
    for day in ("2026-03-04", "2026-03-05", "2026-03-07", "2026-03-10", "2026-03-11"):
        _ok(run, "log", "--muscle", "calf", "--at", f"{day} 23:30", "--med", "ibuprofen")
    assert _episode_meds(run) == {
        "2026-03-04": ["Vitamin D", "ibuprofen"],
        "2026-03-05": ["Vitamin D", "Lipitor 20 mg", "ibuprofen"],
        "2026-03-07": ["Vitamin D", "Lipitor 20 mg", "ibuprofen"],
        "2026-03-10": ["Vitamin D", "Lipitor 20 mg", "ibuprofen"],
        "2026-03-11": ["Vitamin D", "ibuprofen"],
    }


def test_episode_snapshot_after_a_restart(run: Run) -> None:
    _ok(run, "meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-01")
    _ok(run, "meds", "stop", "Lipitor", "--on", "2026-03-05")
    _ok(run, "meds", "add", "Lipitor", "--dose", "40 mg", "--started", "2026-03-05")
    _ok(run, "meds", "stop", "Lipitor", "--on", "2026-03-08")
    _ok(run, "meds", "add", "atorvastatin", "--dose", "10 mg", "--started", "2026-03-12")
    for day in ("2026-03-03", "2026-03-05", "2026-03-07", "2026-03-10", "2026-03-13"):
        _ok(run, "log", "--muscle", "foot", "--at", f"{day} 08:00")
    assert _episode_meds(run) == {
        "2026-03-03": ["Lipitor 20 mg"],
        "2026-03-05": ["Lipitor 20 mg", "Lipitor 40 mg"],  # the day the dose changed
        "2026-03-07": ["Lipitor 40 mg"],
        "2026-03-10": [],
        "2026-03-13": ["atorvastatin 10 mg"],
    }


def test_a_medication_added_with_a_past_start_reaches_the_episodes_logged_since(run: Run) -> None:
    for day, extra in (
        ("2026-03-04", "ibuprofen"),
        ("2026-03-07", "ibuprofen"),
        ("2026-03-09", ""),
    ):
        _ok(
            run,
            "log",
            "--muscle",
            "calf",
            "--at",
            f"{day} 23:30",
            *(["--med", extra] if extra else []),
        )
    _ok(run, "delete", "3")
    out = _ok(run, "meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-05")
    # the deleted one follows the list too, but is not counted among those the person sees
    assert "Updated the medications of 1 logged episode in that period." in out
    assert _episode_meds(run) == {
        "2026-03-04": ["ibuprofen"],  # before the period: unchanged
        "2026-03-07": ["Lipitor 20 mg", "ibuprofen"],  # the list's first, the extra kept
    }
    _ok(run, "restore", "3")  # a deleted episode comes back true to the list
    assert _episode_meds(run)["2026-03-09"] == ["Lipitor 20 mg"]
    out = _ok(run, "meds", "stop", "Lipitor", "--on", "2026-03-05")
    assert "Updated the medications of 2 logged episodes after 2026-03-05." in out
    assert _episode_meds(run) == {
        "2026-03-04": ["ibuprofen"],
        "2026-03-07": ["ibuprofen"],
        "2026-03-09": [],
    }
    _ok(run, "undo")
    _ok(run, "delete", "2")
    out = _ok(run, "meds", "stop", "Lipitor", "--on", "2026-03-05")
    assert "Updated the medications of 1 logged episode after 2026-03-05." in out
    _ok(run, "restore", "2")
    assert _episode_meds(run)["2026-03-07"] == ["ibuprofen"]


def test_undo_of_a_backfilled_medication_restores_the_episodes_too(run: Run) -> None:
    _ok(run, "log", "--muscle", "calf", "--at", "2026-03-07 23:30")
    _ok(run, "meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-01")
    assert _episode_meds(run) == {"2026-03-07": ["Lipitor 20 mg"]}
    assert _ok(run, "undo") == "Undid: added medication #1 Lipitor 20 mg.\n"
    assert _episode_meds(run) == {"2026-03-07": []}
    assert "Updated" not in _ok(
        run, "meds", "add", "Lipitor", "--started", "2026-03-10"
    )  # none then


def test_editing_an_episode_keeps_its_medications_true_to_the_list(run: Run) -> None:
    _ok(run, "meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-05")
    _ok(run, "log", "--muscle", "calf", "--at", "2026-03-07 23:30", "--med", "ibuprofen")
    _ok(run, "edit", "1", "--med", "quinine")  # adds an extra
    assert _episode_meds(run) == {"2026-03-07": ["Lipitor 20 mg", "ibuprofen", "quinine"]}
    _ok(run, "edit", "1", "--med", "-ibuprofen")  # takes one out
    assert _episode_meds(run) == {"2026-03-07": ["Lipitor 20 mg", "quinine"]}
    _ok(run, "edit", "1", "--at", "2026-03-02 23:30")  # moved before the period
    assert _episode_meds(run) == {"2026-03-02": ["quinine"]}
    _ok(run, "edit", "1", "--med", "none")  # the extras emptied; the list's own would stay
    assert _episode_meds(run) == {"2026-03-02": []}


def test_undo_of_add_and_stop(run: Run, db_path: Path) -> None:
    _ok(run, "meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-01")
    _ok(run, "meds", "stop", "Lipitor", "--on", "2026-03-05")
    assert _ok(run, "undo") == "Undid: stopped medication #1 Lipitor 20 mg.\n"
    assert _rows(db_path, "SELECT stopped_on, deleted_at FROM medications") == [(None, None)]
    assert _ok(run, "undo") == "Undid: added medication #1 Lipitor 20 mg.\n"
    assert _ok(run, "meds", "list", "--all").startswith("No medications recorded.")
    _ok(run, "meds", "add", "Lipitor")  # the undone period no longer blocks a new one


def test_empty_lists(run: Run) -> None:
    _ok(run, "db", "upgrade")  # a new, empty diary
    assert _ok(run, "meds", "list") == (
        "No current medications. (`spasmlog meds list --all` shows stopped ones.)\n"
    )
    assert _ok(run, "meds", "list", "--all") == (
        'No medications recorded. Add one: spasmlog meds add atorvastatin --dose "20 mg"\n'
    )
