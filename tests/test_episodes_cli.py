"""The episode commands end to end: log (by options and at prompts), list in every format and
filter, show, edit, delete, restore, muscles; the tip and the "see a doctor" notice; and every
kind of bad input leaving the diary byte-identical."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from typer.testing import Result

from spasmlog import __version__
from spasmlog.knowledge import factors
from spasmlog.knowledge.muscles import MUSCLES
from tests.conftest import CLOCK, NOW, Run, diary_fingerprint, run_process

# The JSON/CSV fields the issue names for `list`, with the types each may take.
FIELDS: dict[str, tuple[type, ...]] = {
    "id": (int,), "started_at": (str,), "muscle": (str,), "side": (str, type(None)),
    "duration_s": (int, type(None)), "severity": (int, type(None)), "woke": (bool, type(None)),
    "fluid_l_24h": (float, type(None)), "exercise": (str, type(None)), "relief": (list,),
    "relief_score": (int, type(None)), "symptoms": (list,), "medications": (list,),
    "note": (str, type(None)),
}  # fmt: skip
FULL_LOG = (
    "log", "--muscle", "Charley Horse", "--side", "L", "--at", "2026-03-01T23:30:00-05:00",
    "--duration", "1m30s", "--severity", "7", "--woke", "--fluid", "6 glasses",
    "--exercise", "run 45m vigorous", "--relief", "stretch", "--relief", "heat,Massage",
    "--relief-score", "6", "--symptom", "numbness", "--symptom", "tingling",
    "--note", "woke at 3, left calf", "--med", "ibuprofen 200 mg", "--med", "magnesium",
)  # fmt: skip


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def listed(run: Run, *args: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(ok(run("list", "--format", "json", *args)))
    return records


def ids(run: Run, *args: str) -> list[int]:
    return [record["id"] for record in listed(run, *args)]


# --- log and list ------------------------------------------------------------------------------


def test_log_with_every_option(run: Run) -> None:
    out = ok(run(*FULL_LOG))
    assert (
        out.splitlines()[0]
        == "Logged #1: calf (left), 2026-03-01 23:30 -05:00, 1m30s, severity 7/10."
    )
    assert out.splitlines()[1].startswith("Tip: ")
    assert "See a doctor" not in out
    [record] = listed(run)
    assert record == {
        "id": 1, "started_at": "2026-03-01T23:30:00-05:00", "muscle": "calf", "side": "left",
        "duration_s": 90, "severity": 7, "woke": True, "fluid_l_24h": 1.5,
        "exercise": "run 45m vigorous", "relief": ["stretch", "heat", "massage"],
        "relief_score": 6, "symptoms": ["numbness", "tingling"],
        "medications": ["ibuprofen 200 mg", "magnesium"], "note": "woke at 3, left calf",
    }  # fmt: skip


def test_log_with_only_a_muscle_starts_now(run: Run) -> None:
    assert ok(run("log", "--muscle", "calves")).startswith("Logged #1: calf, 2026-03-15 12:00.")
    [record] = listed(run)
    assert record["started_at"] == NOW
    assert [record[key] for key in ("side", "relief", "note", "woke")] == [None, [], None, None]
    assert ok(run("log", "-m", "toes", "--no-woke")).startswith("Logged #2: toes")
    assert listed(run)[0]["woke"] is False


def test_list_json_has_exactly_the_issue_fields_with_their_types(run: Run) -> None:
    ok(run(*FULL_LOG))
    ok(run("log", "--muscle", "foot"))
    records = listed(run)
    assert len(records) == 2
    for record in records:
        assert list(record) == list(FIELDS)
        for name, types in FIELDS.items():
            assert type(record[name]) in types, (name, record[name])
        started = dt.datetime.fromisoformat(record["started_at"])
        assert started.utcoffset() is not None
        assert all(
            isinstance(item, str)
            for key in ("relief", "symptoms", "medications")
            for item in record[key]
        )


def test_list_csv(run: Run) -> None:
    ok(run(*FULL_LOG))
    ok(run("log", "--muscle", "foot", "--note", "=cmd|' /C calc'!A0"))
    rows = list(csv.DictReader(io.StringIO(ok(run("list", "--format", "csv")))))
    assert list(rows[0]) == list(FIELDS)
    foot, calf = rows
    assert calf["started_at"] == "2026-03-01T23:30:00-05:00"
    assert (calf["duration_s"], calf["woke"], calf["fluid_l_24h"]) == ("90", "1", "1.5")
    assert calf["relief"] == "stretch;heat;massage"
    assert calf["medications"] == "ibuprofen 200 mg;magnesium"
    assert (foot["side"], foot["severity"], foot["relief"]) == ("", "", "")
    assert foot["note"] == "'=cmd|' /C calc'!A0"  # a spreadsheet must not run it


def test_list_csv_and_json_keep_a_note_exactly(run: Run) -> None:
    note = "red \x1b[31mtext\x1b[0m, tab\there, line\nbreak, \u00e9t\u00e9 \u2014 ok"
    ok(run("log", "--muscle", "calf", "--note", note))
    text = run("list", "--format", "csv").stdout_bytes.decode()  # .stdout would fold \r\n
    [row] = csv.DictReader(io.StringIO(text, newline=""))
    assert row["note"] == note  # piped output keeps escape codes: it is data
    assert listed(run)[0]["note"] == note


def test_list_table(run: Run) -> None:
    ok(run(*FULL_LOG))
    ok(run("log", "--muscle", "foot", "--note", "evil \x1b[2J escape"))
    lines = ok(run("list")).splitlines()
    assert (
        lines[0].split() == "ID Started Muscle Side Duration Sev Woke Fluid Symptoms Note".split()
    )
    assert lines[2].split()[:4] == ["2", "2026-03-15", "12:00", "foot"]
    assert "\x1b" not in lines[2] and "\\x1b[2J" in lines[2]  # shown, not obeyed
    # logged at another offset than the clock has now (New York): the offset is shown
    assert lines[3].split()[:10] == "1 2026-03-01 23:30 -05:00 calf left 1m30s 7 yes 1.5".split()


def test_list_filters(run: Run) -> None:
    for muscle, when in [("calf", "2026-03-01T08:00"), ("foot", "2026-03-05T22:00"),
                         ("calf", "2026-03-10T03:00"), ("calf", "2026-03-14T23:59"),
                         ("neck", "2026-03-15T09:00")]:  # fmt: skip
        ok(run("log", "--muscle", muscle, "--at", when))
    assert ids(run) == [5, 4, 3, 2, 1]  # newest first
    assert ids(run, "--muscle", "calves") == [4, 3, 1]
    assert ids(run, "--limit", "2") == [5, 4]
    assert ids(run, "--since", "2026-03-05") == [5, 4, 3, 2]
    assert ids(run, "--until", "2026-03-05") == [2, 1]  # a date includes the whole day
    assert ids(run, "--since", "2026-03-05", "--until", "2026-03-05") == [2]
    assert ids(run, "--since", "2026-03-05T22:00:01") == [5, 4, 3]
    assert ids(run, "--since", "today") == [5]
    assert ids(run, "--since", "yesterday", "--until", "yesterday") == [4]
    assert ids(run, "--since", "7 days ago", "--muscle", "calf", "--limit", "1") == [4]
    assert ids(run, "--since", "3h ago") == [5]
    assert ids(run, "--until", "2027-01-01") == [5, 4, 3, 2, 1]
    assert "No episodes match" in ok(run("list", "--muscle", "hand"))


def test_show_prints_labels_a_person_reads(run: Run) -> None:
    ok(run(*FULL_LOG))
    ok(run("log", "--muscle", "foot"))
    assert ok(run("show", "1")) == (
        "Episode #1\n"
        "  Started:                     2026-03-01 23:30 -05:00\n"
        "  Muscle:                      calf\n"
        "  Side:                        left\n"
        "  Duration:                    1m30s\n"
        "  Severity:                    7/10\n"
        "  Woke you:                    yes\n"
        "  Fluids in the 24 h before:   1.5 L\n"
        "  Exercise in the 24 h before: run 45m vigorous\n"
        "  What you tried:              stretch, heat, massage\n"
        "  How much it helped:          6/10\n"
        "  Other symptoms:              numbness, tingling\n"
        "  Medications:                 ibuprofen 200 mg, magnesium\n"
        "  Note:                        woke at 3, left calf\n"
    )
    shown = ok(run("show", "2"))  # blanks are "not recorded", never a zero or a "no"
    assert "  Severity:                    not recorded\n" in shown
    assert "  Woke you:                    not recorded\n" in shown
    assert "  Other symptoms:              none\n" in shown


def test_show_json_is_the_raw_record(run: Run) -> None:
    ok(run(*FULL_LOG))
    record = json.loads(ok(run("show", "1", "--format", "json")))
    assert record == json.loads(ok(run("list", "--format", "json")))[0]
    assert set(record) == set(FIELDS)
    assert record["started_at"] == "2026-03-01T23:30:00-05:00" and record["duration_s"] == 90


def test_muscles_lists_the_vocabulary(run: Run) -> None:
    out = ok(run("muscles"))
    for muscle in MUSCLES:
        line = next(line for line in out.splitlines() if line.startswith(muscle.name + "  "))
        assert all(alias in line for alias in muscle.aliases)
    assert "charley horse" in out and "gastrocnemius" in out


def test_version(run: Run) -> None:
    assert ok(run("--version")) == f"spasmlog {__version__}\n"


# --- times -----------------------------------------------------------------------------------


def test_times_stored_in_utc_with_the_offset_and_shown_at_that_offset(
    run: Run, db_path: Path
) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-01T23:30:00-05:00"))
    ok(run("log", "--muscle", "foot", "--at", "yesterday 23:30"))
    with sqlite3.connect(db_path) as connection:
        stored = connection.execute(
            "SELECT started_at, utc_offset_min FROM episodes ORDER BY id"
        ).fetchall()
    assert stored == [("2026-03-02 04:30:00.000000", -300), ("2026-03-14 22:30:00.000000", 60)]
    assert [r["started_at"] for r in listed(run)] == [
        "2026-03-14T23:30:00+01:00",
        "2026-03-01T23:30:00-05:00",
    ]
    assert "2026-03-01 23:30" in ok(run("list"))
    assert ids(run, "--until", "2026-03-01T23:30:00-05:00") == [1]
    assert ids(run, "--until", "2026-03-02T05:29:00+01:00") == []


# --- edit, delete, restore ---------------------------------------------------------------------


def test_edit_parses_like_log(run: Run) -> None:
    ok(run(*FULL_LOG))
    out = ok(run("edit", "1", "--muscle", "thigh", "--duration", "2:05", "--severity", "3",
                 "--at", "yesterday 23:30", "--side", "both", "--fluid", "40 oz",
                 "--exercise", "walk 30 min light", "--symptom", "fever", "--no-woke",
                 "--note", "corrected", "--med", "quinine"))  # fmt: skip
    assert out.splitlines() == [
        "Updated #1 quadriceps / thigh (both), 2026-03-14 23:30 (`spasmlog undo` reverts it):",
        "  muscle: calf -> quadriceps",
        "  side: left -> both",
        "  started: 2026-03-01 23:30 -05:00 -> 2026-03-14 23:30",
        "  duration: 1m30s -> 2m5s",
        "  severity: 7/10 -> 3/10",
        "  woke you: yes -> no",
        "  fluids: 1.5 L -> 1.18 L",
        "  exercise: run 45m vigorous -> walk 30m light",
        "  note: (20 characters) -> (9 characters)",  # health text is not echoed
        "  extra medications: ibuprofen 200 mg, magnesium -> ibuprofen 200 mg, magnesium, quinine",
        "  symptoms: numbness, tingling -> numbness, tingling, fever",  # added, not replaced
    ]
    [record] = listed(run)
    assert record | {"id": 0} == {
        "id": 0, "started_at": "2026-03-14T23:30:00+01:00", "muscle": "quadriceps", "side": "both",
        "duration_s": 125, "severity": 3, "woke": False, "fluid_l_24h": 1.183,
        "exercise": "walk 30m light", "relief": ["stretch", "heat", "massage"], "relief_score": 6,
        "symptoms": ["numbness", "tingling", "fever"],
        "medications": ["ibuprofen 200 mg", "magnesium", "quinine"], "note": "corrected",
    }  # fmt: skip


def test_edit_only_changes_what_is_given(run: Run) -> None:
    ok(run(*FULL_LOG))
    before = listed(run)[0]
    ok(run("edit", "1", "--severity", "2"))
    assert listed(run)[0] == before | {"severity": 2}


def test_edit_adds_exercise_to_an_episode_without_one(run: Run) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-14 23:30"))
    ok(run("edit", "1", "--exercise", "swim 1h"))
    assert listed(run)[0]["exercise"] == "swim 60m"
    sessions = json.loads(ok(run("export", "json", "--out", "-")))["exercise"]
    assert sessions[0]["started_at"] == "2026-03-14T22:30:00+01:00"  # the episode's clock


def test_exercise_logged_with_an_episode_keeps_ending_when_it_began(run: Run) -> None:
    """`edit --at` and a new length move the episode's own session, as `log` would have made it
    (and as an import finds it again), instead of leaving it behind."""
    ok(run("log", "--muscle", "calf", "--at", "2026-03-14 23:30", "--exercise", "run 30m"))
    ok(run("edit", "1", "--at", "2026-03-14 21:00"))
    ok(run("edit", "1", "--exercise", "run 45m"))
    sessions = json.loads(ok(run("export", "json", "--out", "-")))["exercise"]
    assert [(s["started_at"], s["minutes"]) for s in sessions] == [
        ("2026-03-14T20:15:00+01:00", 45)
    ]
    ok(run("undo"))
    ok(run("undo"))
    sessions = json.loads(ok(run("export", "json", "--out", "-")))["exercise"]
    assert [(s["started_at"], s["minutes"]) for s in sessions] == [
        ("2026-03-14T23:00:00+01:00", 30)
    ]


def test_delete_and_restore(seeded: Path, run: Run) -> None:
    out = ok(run("delete", "2"))
    assert out == "Deleted #2 foot, 2026-03-13 03:00. Bring it back with `spasmlog restore 2`.\n"
    assert ids(run) == [1, 3]
    assert ids(run, "--deleted") == [1, 2, 3]
    assert "2 (deleted)" in ok(run("list", "--deleted"))
    shown = ok(run("show", "2"))
    assert (
        "  Deleted:                     2026-03-15 12:00 (bring it back with `spasmlog restore 2`)"
        in shown
    )
    assert ok(run("restore", "2")) == "Restored #2 foot, 2026-03-13 03:00.\n"
    assert ids(run) == [1, 2, 3]


def test_deleted_episode_cannot_be_edited_or_deleted_again(seeded: Path, run: Run) -> None:
    ok(run("delete", "2"))
    before = diary_fingerprint(seeded)
    for args in (("edit", "2", "--severity", "1"), ("delete", "2")):
        result = run(*args)
        assert result.exit_code == 2
        assert (
            "No episode with ID 2. It is deleted; `spasmlog restore ID` brings it back."
            in result.stderr
        )
    assert diary_fingerprint(seeded) == before


# --- the tip and the "see a doctor" notice -----------------------------------------------------


def doctor_line(out: str) -> str | None:
    return next((line for line in out.splitlines() if line.startswith("See a doctor")), None)


@pytest.mark.parametrize("symptom", ["fever", "rash", "weakness"])
def test_doctor_notice_for_red_flag_symptoms(run: Run, symptom: str) -> None:
    line = doctor_line(ok(run("log", "--muscle", "calf", "--symptom", symptom)))
    assert (
        line
        == f"See a doctor: this episode was accompanied by {symptom}. {factors.SEE_DOCTOR_QUOTE}"
    )


@pytest.mark.parametrize(("severity", "notice"), [("7", False), ("8", True), ("10", True)])
def test_doctor_notice_for_severe(run: Run, severity: str, notice: bool) -> None:
    line = doctor_line(ok(run("log", "--muscle", "calf", "--severity", severity)))
    assert (line is not None) == notice
    if notice:
        assert line is not None and f"severe ({severity}/10)" in line


def test_doctor_notice_for_the_fifth_episode_in_seven_days(run: Run) -> None:
    ok(run("log", "--muscle", "calf", "--at", "2026-03-08T11:59"))  # 7 days + 1 min before now
    ok(run("log", "--muscle", "calf", "--at", "2026-03-09T10:00"))
    ok(run("delete", "2"))  # deleted episodes do not count
    for when in ("2026-03-12T10:00", "2026-03-13T10:00", "2026-03-14T10:00", "now"):
        assert doctor_line(ok(run("log", "--muscle", "calf", "--at", when))) is None
    line = doctor_line(ok(run("log", "--muscle", "foot", "--symptom", "numbness")))
    assert (
        line == f"See a doctor: this episode was frequent (5 in 7 days). {factors.SEE_DOCTOR_QUOTE}"
    )


def test_no_doctor_notice_for_an_ordinary_episode(run: Run) -> None:
    ordinary = (
        "--severity 5 --symptom numbness --symptom tingling --symptom swelling --duration 30s"
    )
    out = ok(run("log", "--muscle", "calf", *ordinary.split()))
    assert doctor_line(out) is None
    assert len(out.splitlines()) == 2


# fmt: off
@pytest.mark.parametrize(("options", "tip"), [
    (("--fluid", "1L"), "fluids"),
    (("--fluid", "1499 ml", "--relief", "stretch"), "fluids"),
    (("--fluid", "1.5L"), "stretch"),
    ((), "stretch"),
    (("--relief", "stretch"), "heat_cold"),
    (("--relief", "stretch,cold"), "massage"),
    (("--relief", "stretch,heat,massage", "--fluid", "3L"), "fluids"),
])
# fmt: on
def test_the_tip_fits_the_episode(run: Run, options: tuple[str, ...], tip: str) -> None:
    lines = ok(run("log", "--muscle", "calf", *options)).splitlines()
    assert lines[1] == f"Tip: {factors.TIPS[tip].text}"


# --- bad input -------------------------------------------------------------------------------


# fmt: off
BAD_INPUT = [
    (("log", "-m", "calf", "--severity", "11"), "--severity: invalid value '11'"),
    (("log", "-m", "calf", "--duration", "-3m"), "--duration: invalid value '-3m'"),
    (("log", "-m", "calf", "--at", "2026-03-16T09:00"), "--at: invalid value '2026-03-16T09:00'. That is in the future"),
    (("log", "-m", "calf", "--at", "tomorrow 3am"), "--at: invalid value 'tomorrow 3am'"),
    (("log", "-m", "calf", "--side", "up"), "--side: invalid value 'up'. Use one of: left, right, both, none."),
    (("log", "-m", "calf", "--fluid", "lots"), "--fluid: invalid value 'lots'"),
    (("log", "-m", "calf", "--at", "the 3rd of Smarch"), "--at: invalid value 'the 3rd of Smarch'"),
    (("log", "-m", "calff"), "--muscle: invalid value 'calff'. Unknown muscle. Did you mean 'calf'?"),
    (("log", "-m", "calf", "--exercise", "run"), "--exercise: invalid value 'run'"),
    (("log", "-m", "calf", "--relief", "prayer"), "--relief: invalid value 'prayer'"),
    (("log", "-m", "calf", "--symptom", "headache"), "--symptom: invalid value 'headache'"),
    (("log", "-m", "calf", "--relief-score", "11"), "--relief-score: invalid value '11'"),
    (("log", "-m", "calf", "--note", "-"), "--note: invalid value '-'"),
    (("log", "--side", "left"), "Missing option --muscle"),
    (("list", "--since", "someday"), "--since: invalid value 'someday'"),
    (("list", "--until", "2026-02-30"), "--until: invalid value '2026-02-30'"),
    (("list", "--format", "xml"), "--format: invalid value 'xml'"),
    (("list", "--muscle", "calff"), "--muscle: invalid value 'calff'. Unknown muscle. Did you mean 'calf'?"),
    (("show", "99"), "No episode with ID 99."),
    (("edit", "99", "--severity", "3"), "No episode with ID 99."),
    (("delete", "99"), "No episode with ID 99."),
    (("restore", "99"), "No episode with ID 99."),
    (("show", "abc"), "ID: invalid value 'abc'. Use the number `spasmlog list` shows."),
    (("edit", str(2**63), "--severity", "3"), f"No episode with ID {2**63}."),
    (("delete", "9" * 40), f"No episode with ID {'9' * 40}."),
    (("restore", "0"), "No episode with ID 0."),
    (("restore", "1"), "Episode 1 is not deleted; nothing to restore."),
    (("edit", "1"), "Give at least one field to change"),
    (("edit", "1", "--severity", "11"), "--severity: invalid value '11'"),
    (("edit", "1", "--at", "2026-03-16T09:00"), "--at: invalid value '2026-03-16T09:00'. That is in the future"),
    (("edit", "1", "--muscle", "calff"), "Did you mean 'calf'?"),
    (("edit", "99", "--side", "up"), "--side: invalid value 'up'"),
]
# fmt: on


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_leaves_the_diary_untouched(
    seeded: Path, run: Run, args: tuple[str, ...], message: str
) -> None:
    before = diary_fingerprint(seeded)
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and message in line
    assert "Traceback" not in result.stderr
    assert diary_fingerprint(seeded) == before


def test_bad_input_in_a_real_process(seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    done = run_process(seeded, "log", "--muscle", "calf", "--severity", "11")
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        done.stderr
        == "Error: --severity: invalid value '11'. Use a whole number from 0 (none) to 10 (worst).\n"
    )
    done = run_process(seeded, "log", stdin=subprocess.DEVNULL)  # no terminal, no --muscle
    assert (done.returncode, done.stderr) == (
        2,
        "Error: Missing option --muscle. Give the muscle, e.g. --muscle calf.\n",
    )
    assert diary_fingerprint(seeded) == before


def test_debug_shows_the_traceback_and_keeps_the_exit_code(seeded: Path, run: Run) -> None:
    result = run("--debug", "show", "99")
    assert result.exit_code == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "spasmlog.core.errors.NotFound: No episode with ID 99" in result.stderr
    assert result.stderr.endswith("Error: No episode with ID 99. See `spasmlog list`.\n")
    done = run_process(seeded, "--debug", "log", "--muscle", "calf", "--severity", "11")
    assert done.returncode == 2 and "Traceback" in done.stderr


def test_a_real_process_logs(db_path: Path, run: Run) -> None:
    done = run_process(db_path, "log", "-m", "calf", "--at", "last night 3am", "--severity", "8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Logged #1: calf, 2026-03-15 03:00, severity 8/10.\nTip: ")
    assert "See a doctor: this episode was severe (8/10)." in done.stdout
    assert listed(run)[0]["started_at"] == "2026-03-15T03:00:00+01:00"


# --- prompts in a real terminal ----------------------------------------------------------------


def spawn(db_path: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, **CLOCK}
    return pexpect.spawn(
        sys.executable,
        ["-m", "spasmlog", "--db", str(db_path), *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
    )


def answer(child: pexpect.spawn, prompt: str, reply: str) -> None:
    child.expect_exact(prompt)
    child.sendline(reply)


def test_interactive_log_asks_for_each_field(db_path: Path, run: Run) -> None:
    child = spawn(db_path, "log")
    answer(child, "Muscle (e.g. calf, foot, lower back): ", "calff")
    child.expect_exact("Did you mean 'calf'?")
    answer(child, "Muscle (e.g. calf, foot, lower back): ", "charley horse")
    answer(child, "Side (left/right/both/none): ", "up")
    child.expect_exact("Use one of: left, right, both, none.")
    answer(child, "Side (left/right/both/none): ", "left")
    answer(child, "When did it start [now]: ", "")  # Enter accepts "now"
    answer(child, 'How long ("45s", "2m"): ', "1m30s")
    answer(child, "Severity 0-10: ", "11")
    child.expect_exact("Use a whole number from 0 (none) to 10 (worst).")
    answer(child, "Severity 0-10: ", "8")
    answer(child, "Did it wake you (y/n): ", "y")
    answer(child, "Fluids in the last 24 h, in litres (e.g. 1.5): ", "4 glasses")
    answer(child, 'Exercise in the last 24 h ("run 45m vigorous"): ', "")  # Enter skips
    answer(child, "comma-separated): ", "stretch, heat")
    answer(child, "How much did it help, 0-10: ", "5")
    answer(child, "comma-separated): ", "")
    answer(child, "Note (not saved in shell history): ", "cramp after the long walk")
    child.expect_exact("Logged #1: calf (left), 2026-03-15 12:00, 1m30s, severity 8/10.")
    child.expect_exact(f"Tip: {factors.TIPS['fluids'].text}")
    child.expect_exact("See a doctor: this episode was severe (8/10).")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [record] = listed(run)
    assert record | {"id": 0} == {
        "id": 0, "started_at": NOW, "muscle": "calf", "side": "left", "duration_s": 90,
        "severity": 8, "woke": True, "fluid_l_24h": 1.0, "exercise": None,
        "relief": ["stretch", "heat"], "relief_score": 5, "symptoms": [], "medications": [],
        "note": "cramp after the long walk",
    }  # fmt: skip


def test_note_dash_prompts_for_the_note(db_path: Path, run: Run) -> None:
    child = spawn(db_path, "log", "--muscle", "calf", "--note", "-")
    answer(child, "Note (not saved in shell history): ", "private words")
    child.expect_exact("Logged #1: calf, 2026-03-15 12:00.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert listed(run)[0]["note"] == "private words"
