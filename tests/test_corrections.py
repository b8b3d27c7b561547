"""Every record can be corrected: exercise sessions, medication periods, conditions and lab
results get edit, delete and restore; several IDs at once; edit says what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, diary_fingerprint


def ok(result: Any) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def refused(run: Run, db_path: Path, args: list[str], message: str) -> None:
    """Exit 2, one line on stderr, the diary byte for byte as it was."""
    before = diary_fingerprint(db_path)
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr == f"Error: {message}\n"
    assert diary_fingerprint(db_path) == before


def exported(run: Run, kind: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(run("export", "json", "--out", "-")))[kind])


# --- episodes: several at once ------------------------------------------------------------------


def test_delete_several_episodes_and_ranges_as_one_change(seeded: Path, run: Run) -> None:
    assert ok(run("delete", "1", "3")) == (
        "Deleted #1 calf (left), 2026-03-14 23:30; #3 neck, 2026-03-10 08:15. Bring them back "
        "with `spasmlog restore 1 3`.\n"
    )
    assert [e["id"] for e in exported(run, "episodes")] == [2]
    assert ok(run("undo")).startswith("Undid: deleted episodes #1 calf (left)")
    ok(run("delete", "1-3"))
    assert exported(run, "episodes") == []
    assert ok(run("restore", "1..2")).startswith("Restored #1 calf (left), 2026-03-14 23:30; #2")
    assert [e["id"] for e in exported(run, "episodes")] == [2, 1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["delete", "1", "99"], "No episode with ID 99. See `spasmlog list`."),  # none, not one
        (["delete", "3-1"], "ID: invalid value '3-1'. A range runs from low to high, at most 1000 IDs."),
        (["delete", "1-5000"], "ID: invalid value '1-5000'. A range runs from low to high, at most 1000 IDs."),
        (["delete", "two"], "ID: invalid value 'two'. Use the numbers `list` shows: \"12\", \"12 13\" or \"12-15\"."),
        (["restore", "1", "2"], "Episode 1 is not deleted; nothing to restore."),
    ],
)  # fmt: skip
def test_several_ids_all_or_nothing(seeded: Path, run: Run, args: list[str], message: str) -> None:
    refused(run, seeded, args, message)


def test_edit_says_what_changed_or_that_nothing_did(seeded: Path, run: Run) -> None:
    assert ok(run("edit", "1", "--severity", "8", "--symptom", "fever,weakness")) == (
        "Updated #1 calf (left), 2026-03-14 23:30 (`spasmlog undo` reverts it):\n"
        "  severity: 6/10 -> 8/10\n"
        "  symptoms: none -> fever, weakness\n"
    )
    assert ok(run("edit", "1", "--symptom", "-fever", "--symptom", "rash")) == (
        "Updated #1 calf (left), 2026-03-14 23:30 (`spasmlog undo` reverts it):\n"
        "  symptoms: fever, weakness -> weakness, rash\n"
    )
    before = diary_fingerprint(seeded)
    assert ok(run("edit", "1", "--severity", "8", "--symptom", "rash")) == (
        "#1 calf (left), 2026-03-14 23:30 already says that; nothing changed.\n"
    )
    assert diary_fingerprint(seeded) == before  # nothing written, nothing to undo
    ok(run("edit", "1", "--symptom", "none", "--relief", "walk"))
    [calf] = [e for e in exported(run, "episodes") if e["id"] == 1]
    assert (calf["symptoms"], calf["relief"]) == ([], ["walk"])
    assert ok(run("undo")).startswith("Undid: edited episode #1")
    refused(run, seeded, ["log", "--muscle", "calf", "--symptom", "-fever"],
            "--symptom: invalid value '-fever'. A minus takes an item out with `spasmlog edit`; "
            "leave it out here.")  # fmt: skip


# --- exercise ------------------------------------------------------------------------------------


def test_the_same_run_recorded_twice_can_lose_a_copy(run: Run) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-15 07:00", "--exercise", "run 45m hard"))
    ok(run("checkin", "--exercise", "run 45m vigorous"))
    sessions = exported(run, "exercise")
    assert [s["source"] for s in sessions] == ["log", "checkin"]
    assert ok(run("exercise", "delete", "1")) == (
        "Deleted #1 run 45m vigorous, 2026-03-15 06:15. Bring it back with "
        "`spasmlog exercise restore 1`.\n"
    )
    assert [s["source"] for s in exported(run, "exercise")] == ["checkin"]
    assert exported(run, "episodes")[0]["exercise"] is None  # the episode no longer names it
    ok(run("undo"))
    assert exported(run, "episodes")[0]["exercise"] == "run 45m vigorous"
    ok(run("exercise", "delete", "2"))
    assert "no check-in" not in ok(run("checkins"))  # the day's answer stays yes
    assert (
        ok(run("exercise", "restore", "2")) == "Restored #2 run 45m vigorous, 2026-03-15 12:00.\n"
    )


def test_exercise_edit(run: Run, db_path: Path) -> None:
    ok(run("exercise", "add", "--at", "7:00", "--activity", "run", "--minutes", "45",
           "--intensity", "vigorous", "--muscle", "calf"))  # fmt: skip
    assert ok(
        run(
            "exercise",
            "edit",
            "1",
            "--minutes",
            "40",
            "--intensity",
            "easy",
            "--at",
            "6:30",
            "--muscle",
            "hamstring",
        )
    ) == (  # fmt: skip
        "Updated exercise session #1 run 40m light, 2026-03-15 06:30 (`spasmlog undo` reverts "
        "it):\n"
        "  started: 2026-03-15 07:00 -> 2026-03-15 06:30\n"
        "  minutes: 45 min -> 40 min\n"
        "  intensity: vigorous -> light\n"
        "  muscles: calf -> hamstring\n"
    )
    refused(run, db_path, ["exercise", "edit", "9", "--minutes", "3"],
            "No exercise session with ID 9. See `spasmlog exercise list`.")  # fmt: skip
    refused(run, db_path, ["exercise", "edit", "1", "--minutes", "0"],
            "--minutes: invalid value '0'. Use a number from 1 to 1440.")  # fmt: skip
    ok(run("undo"))
    assert exported(run, "exercise")[0]["minutes"] == 45


# --- medications -----------------------------------------------------------------------------


def test_meds_edit_moves_a_start_and_the_episodes_follow(run: Run, db_path: Path) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-01 03:00"))
    ok(run("meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-03-05"))
    assert exported(run, "episodes")[0]["medications"] == []
    said = ok(run("meds", "edit", "1", "--started", "2026-02-20", "--dose", "40 mg"))
    assert said == (
        "Updated #1 Lipitor 40 mg (`spasmlog undo` reverts it):\n"
        "  dose: 20 mg -> 40 mg\n"
        "  started: 2026-03-05 -> 2026-02-20\n"
        "Updated the medications of 1 logged episode to follow the period.\n"
    )
    assert exported(run, "episodes")[0]["medications"] == ["Lipitor 40 mg"]
    ok(run("undo"))
    assert exported(run, "episodes")[0]["medications"] == []
    ok(run("meds", "edit", "1", "--name", "simvastatin"))
    [med] = exported(run, "meds")
    assert (med["name"], med["class"]) == ("simvastatin", "statin")


def test_meds_stop_moves_a_wrong_stop_date(run: Run, db_path: Path) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-10 03:00"))
    ok(run("meds", "add", "Lipitor", "--started", "2026-03-01"))
    ok(run("meds", "stop", "Lipitor", "--on", "2026-03-05"))
    assert exported(run, "episodes")[0]["medications"] == []
    refused(run, db_path, ["meds", "stop", "Lipitor", "--on", "2026-03-12"],
            "No current medication matches 'Lipitor': #1 Lipitor was stopped on 2026-03-05. To "
            "correct that date: `spasmlog meds stop 1 --on DATE` (or `spasmlog meds edit 1 "
            "--stopped DATE`).")  # fmt: skip
    assert ok(run("meds", "stop", "1", "--on", "2026-03-12")) == (
        "Moved the stop date of #1 Lipitor from 2026-03-05 to 2026-03-12: taken from 2026-03-01 "
        "to 2026-03-12. (`spasmlog undo` reverts it.)\n"
        "Updated the medications of 1 logged episode between the two dates.\n"
    )
    assert exported(run, "episodes")[0]["medications"] == ["Lipitor"]
    refused(run, db_path, ["meds", "stop", "1", "--on", "2026-02-01"],
            "--on: invalid value '2026-02-01'. #1 Lipitor was started on 2026-03-01; it cannot "
            "stop before that.")  # fmt: skip
    ok(run("meds", "edit", "1", "--stopped", "none"))  # still taking it after all
    assert "Lipitor" in ok(run("meds", "list"))


def test_meds_edit_refuses_an_overlap_and_delete_restore(run: Run, db_path: Path) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-10 03:00"))
    ok(run("meds", "add", "Lipitor", "--started", "2026-01-01", "--stopped", "2026-01-31"))
    ok(run("meds", "add", "atorvastatin", "--started", "2026-03-01"))
    refused(run, db_path, ["meds", "edit", "1", "--stopped", "2026-03-05"],
            "atorvastatin was also taken from 2026-03-01 to now (#2 atorvastatin); periods of one "
            "medication may meet on a day but not overlap. Change --started or --stopped.")  # fmt: skip
    refused(run, db_path, ["meds", "edit", "1", "--stopped", "2025-12-01"],
            "--stopped: invalid value '2025-12-01'. It must be on or after the start, 2026-01-01.")  # fmt: skip
    assert ok(run("meds", "delete", "2")) == (
        "Deleted #2 atorvastatin. Bring it back with `spasmlog meds restore 2`.\n"
    )
    assert exported(run, "episodes")[0]["medications"] == []
    assert ok(run("meds", "restore", "2")) == "Restored #2 atorvastatin.\n"
    assert exported(run, "episodes")[0]["medications"] == ["atorvastatin"]


# --- conditions and labs ----------------------------------------------------------------------


def test_conditions_edit_delete_restore(run: Run, db_path: Path) -> None:
    ok(run("conditions", "add", "hypothyroidism", "--since", "2023-04-15"))
    assert ok(run("conditions", "edit", "1", "--since", "2023-01", "--name", "kidney disease")) == (
        "Updated #1 kidney disease (`spasmlog undo` reverts it):\n"
        "  name: hypothyroidism -> kidney disease\n"
        "  since: 2023-04-15 -> 2023-01-01\n"
        "  group: Thyroid disorder -> Kidney disease\n"
    )
    refused(run, db_path, ["conditions", "edit", "1", "--until", "2022-01-01"],
            "--until: invalid value '2022-01-01'. It must be on or after the day it began, "
            "2023-01-01.")  # fmt: skip
    refused(run, db_path, ["conditions", "edit", "1", "--name", "diabetis"],
            "Unknown condition 'diabetis'. Did you mean 'diabetes'? Use --group other to keep it "
            "as typed.")  # fmt: skip
    assert ok(run("conditions", "delete", "1")).startswith("Deleted #1 kidney disease.")
    assert "No conditions recorded" in ok(run("conditions", "list"))
    ok(run("conditions", "restore", "1"))
    assert "kidney disease" in ok(run("conditions", "list"))


def test_labs_edit_is_judged_again(run: Run, db_path: Path) -> None:
    ok(run("labs", "add", "potassium", "3.2", "mmol/L", "--on", "2026-03-02", "--range", "3.5-5.1"))
    assert ok(run("labs", "edit", "1", "--value", "4.2")) == (
        "Updated lab #1 potassium 4.2 mmol/L, 2026-03-02 (`spasmlog undo` reverts it):\n"
        "  value: 3.2 -> 4.2\n"
        "Normal: within the lab's range 3.5-5.1 mmol/L.\n"
    )
    assert exported(run, "labs")[0]["range"] == "3.5-5.1"
    ok(run("labs", "edit", "1", "--range", "none"))
    assert exported(run, "labs")[0]["range"] is None
    refused(run, db_path, ["labs", "edit", "1", "--value", "42"],
            "Potassium 42 mmol/L is outside what a blood test can show (1-10 mmol/L): a typo or "
            "the wrong unit? Did you mean 4.2 mmol/L?")  # fmt: skip
    ok(run("labs", "delete", "1"))
    assert "No lab results recorded" in ok(run("labs", "list"))
    ok(run("undo"))
    assert "Potassium" in ok(run("labs", "list"))
