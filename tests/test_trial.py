"""`spasmlog trial`: a person starts a magnesium trial, is told each evening which arm it is,
checks in, and after six pairs gets a verdict with its interval, as text, JSON and in the doctor
summary. Concealment, undo, refusals that leave the diary untouched, harm and tampering too."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from spasmlog.knowledge.trials import OFF, ON, Period, Protocol
from tests.conftest import CLOCK, Run, diary_fingerprint, pin_clock
from tests.test_startup import HEAVY, imported_by
from tests.trial_diary import fill

SEED = "0f" * 16
REMEDY = "magnesium 300 mg at bedtime"
FIRST = dt.date(2026, 3, 15)  # the first night: the pinned clock's today
PROTOCOL = Protocol(REMEDY, 6, 14, 3, FIRST, open_label=False)
SCHEDULE = PROTOCOL.schedule(SEED)
DAY = dt.timedelta(days=1)


@pytest.fixture
def ready(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A diary with a good run-in (14 checked-in nights, 6 cramps) and the seed pinned."""
    fill(db_path, FIRST - 14 * DAY, [1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1])
    monkeypatch.setenv("SPASMLOG_TRIAL_SEED", SEED)
    return db_path


def ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(run: Run, db_path: Path, *args: str) -> str:
    """The one stderr line of a command refused with exit 2, the diary left byte-identical."""
    before = diary_fingerprint(db_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert diary_fingerprint(db_path) == before
    return line


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    pin_clock(monkeypatch, now=moment)


def period_on(day: dt.date) -> Period:
    return next(p for p in SCHEDULE if p.start <= day <= p.end)


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(sql).fetchall()


# --- start ----------------------------------------------------------------------------------------


def test_a_thin_run_in_is_refused_with_the_reason_and_the_way_round_it(
    seeded: Path, run: Run
) -> None:
    line = refused(run, seeded, "trial", "start", REMEDY)
    assert line.startswith(
        "Error: The last 14 nights (2026-03-01 to 2026-03-14) have check-ins on 0 (0%) and 0 "
        "cramps on those nights (0.0 a week). A trial needs check-ins on 80% of nights and 2 "
        "cramps a week or more"
    )
    assert "start anyway with --skip-run-in. Nothing was changed." in line
    assert "Started trial #1" in ok(run, "trial", "start", REMEDY, "--skip-run-in")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pairs", "2"), "Error: --pairs: invalid value '2'. Use a whole number from 3 to 10."),
        (("--period-days", "30"), "Error: --period-days: invalid value '30'. Use a whole number from 7 to 28."),
        (("--ignore-days", "8"), "Error: --ignore-days: invalid value '8'. Use a whole number from 0 to 7."),
        (("--pairs", "six"), "Error: --pairs: invalid value 'six'. Use a whole number from 3 to 10."),
    ],
)  # fmt: skip
def test_bad_designs_are_refused(
    ready: Path, run: Run, args: tuple[str, ...], message: str
) -> None:
    assert refused(run, ready, "trial", "start", REMEDY, *args) == message


def test_start_fixes_the_protocol_prints_its_fingerprint_and_keeps_the_seed_secret(
    ready: Path, run: Run
) -> None:
    out = ok(run, "trial", "start", REMEDY)
    flat = " ".join(out.split())
    assert flat.startswith(
        f"Started trial #1 of {REMEDY}: 6 pairs of 14-night periods, 2026-03-15 to 2026-08-29 "
        "(24 weeks). (`spasmlog undo` reverts it.) Run-in, 2026-03-01 to 2026-03-14: check-ins "
        "on 14 of 14 nights, 6 cramps on them (3.0 a week)."
    )
    assert PROTOCOL.fingerprint(SEED) in flat
    assert SEED not in out
    assert 'this design would say "helps" in about' in flat and "Designs with a better" in flat
    assert rows(ready, "SELECT remedy, pairs, period_days, ignore_days, started_on, seed FROM trials") == [
        (REMEDY, 6, 14, 3, "2026-03-15", SEED)
    ]  # fmt: skip
    line = refused(run, ready, "trial", "start", "quinine")
    assert line.startswith(f"Error: Trial #1 of '{REMEDY}' is running; one trial at a time.")
    assert ok(run, "undo") == f"Undid: started trial #1 of {REMEDY}.\n"
    assert ok(run, "trial", "list").startswith("No trials yet.")


def test_an_open_label_remedy_is_labelled_and_gets_a_control_routine(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = " ".join(ok(run, "trial", "start", "calf stretches before bed").split())
    assert "Open-label: calf stretches before bed cannot be hidden from the person doing it" in out
    assert "a control routine of the same length on OFF nights" in out
    off = next(p for p in SCHEDULE if p.arm == OFF)
    at(monkeypatch, f"{off.start}T21:00:00")
    tonight = ok(run, "trial", "today")
    assert tonight.startswith("OFF tonight") and "Do your control routine" in tonight


# --- each evening ---------------------------------------------------------------------------------


def test_today_reveals_a_period_only_once_it_has_begun(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "trial", "start", REMEDY)
    first = SCHEDULE[0]
    expected = (
        f"ON tonight (Sun 15 Mar): {REMEDY}."
        if first.arm == ON
        else f"OFF tonight (Sun 15 Mar): no {REMEDY}."
    )
    assert ok(run, "trial", "today").splitlines() == [
        expected,
        "Pair 1 of 6, period 1 of 2, night 1 of 14 (this period ends 2026-03-28).",
        "Then check in: spasmlog checkin --trial yes (you took it) or --trial no.",
    ]  # fmt: skip
    status = json.loads(ok(run, "trial", "status", "--format", "json"))
    assert status["schedule"] == [
        {"pair": 1, "period": 1, "arm": first.arm, "start": "2026-03-15", "end": "2026-03-28"}
    ]
    third = SCHEDULE[4]  # pair 3's first period
    at(monkeypatch, f"{third.start - DAY}T21:00:00")
    text = ok(run, "trial", "status")
    assert "pair 2, period 2" in text and "pair 3, period 1" not in text
    at(monkeypatch, f"{third.start}T08:00:00")  # the day it begins: tonight is its first night
    text = ok(run, "trial", "status")
    assert f"  pair 3, period 1: {third.arm:<3} {third.start} to {third.end}  (now)" in text
    assert "pair 3, period 2" not in text
    assert "No effect estimate while the trial runs" in text
    for args in (
        ("trial", "today"),
        ("trial", "status"),
        ("trial", "status", "--format", "json"),
        ("trial", "list"),
    ):
        assert SEED not in ok(run, *args)  # fmt: skip


def test_checkins_record_adherence_only_for_trial_nights(ready: Path, run: Run) -> None:
    ok(run, "trial", "start", REMEDY)
    assert (
        ok(run, "checkin", "--trial", "yes") == "Checked in for 2026-03-15: trial remedy taken.\n"
    )
    assert rows(ready, "SELECT trial_taken FROM checkins WHERE date = '2026-03-15'") == [(1,)]
    assert (
        refused(run, ready, "checkin", "--trial", "no", "--date", "2026-03-10")
        == "Error: --trial: no trial covers the night of 2026-03-10, so there is nothing to "
        "answer. See `spasmlog trial list`."
    )
    assert refused(run, ready, "checkin", "--trial", "perhaps").startswith(
        "Error: --trial: invalid value 'perhaps'. Use yes/no"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect needs a pty")
def test_the_interactive_checkin_asks_about_the_remedy(ready: Path, run: Run) -> None:
    pexpect = pytest.importorskip("pexpect")
    ok(run, "trial", "start", REMEDY)
    child = pexpect.spawn(
        sys.executable, ["-m", "spasmlog", "--db", str(ready), "checkin"],
        env={**CLOCK, "PATH": "/usr/bin:/bin"}, encoding="utf-8", timeout=20,
    )  # fmt: skip
    for _ in range(2):  # fluids and sleep: typed, Enter leaves them blank
        child.expect(r"\(Enter skips\): ")
        child.sendline("")
    child.expect(r"Exercise today\? \[y/n/s\] ")
    child.send("s")
    for _ in range(4):  # fluid loss, alcohol, magnesium, hot weather: Enter takes "no"
        child.expect(r"\[y/N/s\] ")
        child.send("\r")
    child.expect(f"Trial: did you take {REMEDY} that night\\? \\[y/n/s\\] ")  # the last one
    child.send("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert rows(ready, "SELECT trial_taken FROM checkins WHERE date = '2026-03-15'") == [(1,)]


# --- the result -----------------------------------------------------------------------------------


def run_the_trial(db_path: Path, last: dt.date, severe_on_pair: int | None = None) -> None:
    """Nights up to `last`: OFF nights have a cramp each, ON nights one in five, all checked in
    but for two nights of the first ON period, which have 3 cramps each that must not count."""
    cramps, checked = [], []
    first_on = next(p for p in SCHEDULE if p.arm == ON)
    skipped = {first_on.start + 5 * DAY, first_on.start + 6 * DAY}
    day = FIRST
    while day <= last:
        period = period_on(day)
        night = (day - period.start).days
        cramps.append(3 if day in skipped else 1 if period.arm == OFF or night % 5 == 0 else 0)
        checked.append(day not in skipped)
        day += DAY
    answers = [period_on(FIRST + n * DAY).arm == ON for n in range(len(cramps))]
    fill(db_path, FIRST, cramps, checked, answers)
    if severe_on_pair is not None:
        on = next(p for p in SCHEDULE if p.pair == severe_on_pair and p.arm == ON)
        fill(db_path, on.start + 4 * DAY, [1, 1, 1], [False] * 3, severity=9)


def test_the_report_waits_for_the_end_then_gives_the_verdict(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "trial", "start", REMEDY)
    run_the_trial(ready, PROTOCOL.ends_on)
    at(monkeypatch, "2026-05-01T21:00:00")
    assert refused(run, ready, "trial", "report").startswith(
        "Error: Trial #1 is still running (1 of 6 pairs complete; its last night is 2026-08-29)."
    )
    at(monkeypatch, "2026-08-30T13:00:00")
    assert ok(run, "trial", "today").startswith(f"No trial tonight: trial #1 of {REMEDY} ended")
    result = json.loads(ok(run, "trial", "report", "--format", "json"))
    assert result["schema"] == "spasmlog.trial/1"
    assert (result["pairs_planned"], result["pairs_complete"], result["verdict"]) == (6, 6, "helps")
    assert result["excluded_nights"] == {"carry_over": 36, "no_checkin": 2}
    on_nights, off_nights = 6 * 11 - 2, 6 * 11
    on_cramps = sum(1 for n in range(3, 14) if n % 5 == 0) * 6 - 1  # night 5 skipped in pair 1
    assert result["rate_on"] == pytest.approx(on_cramps / on_nights)
    assert result["rate_off"] == pytest.approx(off_nights / off_nights)
    assert result["ci_low"] < result["rate_ratio"] < result["ci_high"] < 0.5
    assert result["probability_of_benefit"] > 0.99 and result["p_value"] == pytest.approx(2 / 64)
    assert result["schedule"] == [
        {"pair": p.pair, "period": p.half, "arm": p.arm, "start": str(p.start), "end": str(p.end)}
        for p in SCHEDULE
    ]
    assert (result["seed"], result["protocol_intact"]) == (SEED, True)
    assert result["protocol_hash"] == PROTOCOL.fingerprint(SEED)
    assert result["adherence"]["on"] == {"taken": 82, "not_taken": 0, "unanswered": 2}
    text = " ".join(ok(run, "trial", "report").split())
    assert "Verdict: helps." in text and f"Seed: {SEED}." in text and "It still matches" in text
    assert f"On nights with {REMEDY} you had 0.17 cramps a night, without it 1.00." in text
    assert "rate ratio (ON/OFF) of 0.18, 95% interval 0.10 to 0.31" in text


def test_a_changed_protocol_is_reported_as_such(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "trial", "start", REMEDY)
    run_the_trial(ready, PROTOCOL.ends_on)
    with contextlib.closing(sqlite3.connect(ready)) as connection, connection:
        connection.execute("UPDATE trials SET ignore_days = 0")
    at(monkeypatch, "2026-08-30T13:00:00")
    text = " ".join(ok(run, "trial", "report").split())
    assert "WARNING: the protocol or the seed was changed after the start" in text
    assert f"not {PROTOCOL.fingerprint(SEED)} as printed at the start" in text
    assert json.loads(ok(run, "trial", "report", "--format", "json"))["protocol_intact"] is False


def test_stopping_early_analyses_complete_pairs_only_and_undo_resumes(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "trial", "start", REMEDY)
    run_the_trial(ready, FIRST + 60 * DAY)
    at(monkeypatch, f"{FIRST + 61 * DAY}T09:00:00")  # in pair 3
    assert refused(run, ready, "trial", "stop", "--reason", " ") == (
        "Error: --reason: invalid value ' '. Say why in 1-200 characters, e.g. \"diarrhoea\"."
    )
    out = " ".join(ok(run, "trial", "stop", "--reason", "diarrhoea").split())
    assert out.startswith(f"Stopped trial #1 of {REMEDY} from the night of 2026-05-15: diarrhoea.")
    result = json.loads(ok(run, "trial", "report", "--format", "json"))
    assert (result["status"], result["pairs_complete"], result["verdict"]) == (
        "stopped", 2, "undecided: add pairs"
    )  # fmt: skip
    assert result["rate_ratio"] is None and result["seed"] == SEED
    assert "Pairs to analyse: 2. A result needs 3 or more" in " ".join(
        ok(run, "trial", "report").split()
    )
    assert ok(run, "undo") == f"Undid: stopped trial #1 of {REMEDY}.\n"
    assert "running" in ok(run, "trial", "list")


def test_see_a_doctor_signs_on_on_nights_stop_the_trial_after_a_complete_pair(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "trial", "start", REMEDY)
    run_the_trial(ready, FIRST + 40 * DAY, severe_on_pair=1)
    at(monkeypatch, f"{SCHEDULE[1].end}T21:00:00")  # the last night of pair 1 is not over
    assert "tonight" in ok(run, "trial", "today")
    at(monkeypatch, f"{SCHEDULE[2].start}T21:00:00")
    tonight = " ".join(ok(run, "trial", "today").split())
    assert tonight.startswith(
        "Stop: cramps with a see-a-doctor sign came more often on ON nights (3) than on OFF "
        f"nights (0). Stop {REMEDY} and talk to your doctor"
    )
    assert "Stop: cramps with a see-a-doctor sign" in ok(run, "trial", "status")


def test_the_doctor_summary_and_the_factor_report_show_the_trial(
    ready: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(run, "trial", "start", REMEDY)
    running = " ".join(ok(run, "export", "doctor", "--out", "-").split())
    assert "## Trial of a remedy" in running
    assert "running, 0 of 6 pairs complete; no result is shown before it ends." in running
    run_the_trial(ready, PROTOCOL.ends_on)
    at(monkeypatch, "2026-08-30T13:00:00")
    summary = " ".join(ok(run, "export", "doctor", "--out", "-").split())
    assert (
        f"Randomised single-person trial of {REMEDY}: 6 pairs of 14-night ON/OFF periods, "
        "2026-03-15 to 2026-08-29; finished. Verdict: helps. ON nights 0.17 cramps a night, OFF "
        "nights 1.00; rate ratio ON/OFF 0.18 (95% CI 0.10-0.31)"
    ) in summary
    assert "_Not blinded: which nights were ON was known" in summary
    factors = " ".join(ok(run, "report", "factors").split())
    assert (
        "Your trial of a remedy (randomised ON and OFF periods): - Randomised single-person"
        in factors
    )


def test_tonight_and_status_stay_light(ready: Path, run: Run) -> None:
    ok(run, "trial", "start", REMEDY)
    for args in (("trial", "today"), ("trial", "status")):
        output, modules = imported_by(ready, *args)
        assert "tonight" in output or "Schedule so far" in output
        assert modules & HEAVY == set()  # no pandas, numpy, scipy...: an evening command


def _without_ids(document: dict[str, object]) -> dict[str, object]:
    """An exported diary without what import renumbers or restamps."""
    kept = {key: value for key, value in document.items() if key != "exported_at"}
    kept["episodes"] = [{**e, "id": 0} for e in document["episodes"]]  # type: ignore[attr-defined]
    return kept


def test_a_trial_and_its_nights_go_through_export_json_and_import(
    ready: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is lost: the protocol, the seed, the fingerprint and every night's answer come
    back, so the imported diary gives the same report; importing it again adds nothing."""
    ok(run, "trial", "start", REMEDY)
    run_the_trial(ready, PROTOCOL.ends_on)
    at(monkeypatch, "2026-08-30T13:00:00")
    report = ok(run, "trial", "report", "--format", "json")
    exported = tmp_path / "diary.json"
    ok(run, "export", "json", "--out", str(exported))
    document = json.loads(exported.read_text())
    [trial] = document["trials"]
    assert (trial["seed"], trial["protocol_hash"]) == (SEED, PROTOCOL.fingerprint(SEED))
    assert {c["trial_taken"] for c in document["checkins"]} == {True, False, None}

    copy = tmp_path / "copy.db"
    said = ok(run, "--db", str(copy), "import", str(exported))
    assert "trials: 1 added" in said, said
    again = tmp_path / "again.json"
    ok(run, "--db", str(copy), "export", "json", "--out", str(again))
    assert _without_ids(json.loads(again.read_text())) == _without_ids(document)
    assert ok(run, "--db", str(copy), "trial", "report", "--format", "json") == report
    before = diary_fingerprint(copy)
    assert "trials: 1 already in the diary" in ok(run, "--db", str(copy), "import", str(exported))
    assert diary_fingerprint(copy) == before


def test_an_imported_trial_that_would_overlap_another_is_refused(
    ready: Path, run: Run, tmp_path: Path
) -> None:
    ok(run, "trial", "start", REMEDY)
    exported = tmp_path / "diary.json"
    ok(run, "export", "json", "--out", str(exported))
    document = json.loads(exported.read_text())
    document["trials"][0] |= {"remedy": "stretching", "protocol_hash": "ab" * 32}
    exported.write_text(json.dumps(document))
    line = refused(run, ready, "import", str(exported))
    assert line == (
        "Error: The trial of 'stretching' from 2026-03-15 would share nights with trial #1 of "
        f"{REMEDY!r}; one trial at a time. Nothing was imported."
    )
    document["trials"][0]["pairs"] = 1
    exported.write_text(json.dumps(document))
    before = diary_fingerprint(ready)
    result = run("import", str(exported))
    assert result.exit_code == 2
    assert (
        "  trials, record 1: pairs: invalid value '1'. Expected a whole number from 3 to 10.\n"
        in (result.stderr)
    )
    assert diary_fingerprint(ready) == before
