"""Every page through the in-process client, on a real diary: each form's good input lands
exactly as the CLI would store it (checked with `spasmlog list`), and each bad field is named
beside itself with the CLI's message while the diary stays byte-identical."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import Run, diary_fingerprint
from tests.web.conftest import get, nonce_of, post


def episodes(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def log_form(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    nonce = nonce_of(get(client, "/").text)
    return {"nonce": nonce, "at": "now", **fields}


def follow(client: FlaskClient, response: Any) -> Any:
    assert response.status_code == 303, response.text
    return get(client, response.headers["Location"])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Log a spasm"),
        ("/checkin", "Check-in for Sun 15 Mar"),
        ("/checkin?date=yesterday", "Check-in for Sat 14 Mar"),
        ("/diary", "Neck"),
        ("/episodes/1/edit", "Edit #1 calf (left), 2026-03-14 23:30"),
        ("/reports", "Weekly, 22 Dec 2025 to 15 Mar 2026"),
        ("/reports/factors", "Factor report"),
        ("/reports/summary", "<h1>Muscle spasm diary: summary for the doctor</h1>"),
    ],
)
def test_every_page_shows(client: FlaskClient, path: str, expected: str) -> None:
    response = get(client, path)
    assert response.status_code == 200, response.text
    assert expected in response.text
    assert response.mimetype == "text/html"


def test_the_most_frequent_muscles_come_first(client: FlaskClient, run: Run) -> None:
    for _ in range(3):
        assert run("log", "--muscle", "jaw").exit_code == 0
    page = get(client, "/").text
    chips = re.findall(r'id="muscle-([a-z-]+)"', page)
    assert chips[0] == "jaw"  # 3 of the last 6 episodes
    assert set(chips) >= {"calf", "foot", "neck", "eyelid"}  # the rest behind "All muscles"


def test_log_in_four_fields_then_tip_signs_and_undo(
    client: FlaskClient, run: Run, seeded: Path
) -> None:
    response = post(client, "/log", log_form(client, muscle="calf", side="left", severity="9"))
    done = follow(client, response)
    assert "Logged #4 calf (left), 2026-03-15 12:00, severity 9/10." in done.text
    assert "Stretch the affected muscle" in done.text  # the article's tip
    assert "This episode was severe (9/10)." in done.text  # a see-a-doctor sign
    assert re.search(r'name="change" value="4"', done.text)  # Undo of exactly this change
    stored = episodes(run)[0]
    assert (stored["id"], stored["muscle"], stored["side"], stored["severity"]) == (
        4,
        "calf",
        "left",
        9,
    )
    undone = follow(client, post(client, "/undo", {"nonce": nonce_of(done.text), "change": "4"}))
    assert "Undid: logged episode #4 calf (left), 2026-03-15 12:00." in undone.text
    assert [record["id"] for record in episodes(run)] == [1, 2, 3]


def test_the_forms_take_the_cli_phrases(client: FlaskClient, run: Run) -> None:
    form = log_form(
        client,
        muscle="Charley Horse",
        side="r",
        at="other",
        at_other="yesterday 23:30",
        duration="other",
        duration_other="1m30s",
        severity="6",
        woke="yes",
        fluid="6 glasses",
        exercise="run 45m vigorous",
        relief=["", "stretch", "heat"],
        relief_score="7",
        symptom=["", "tingling"],
        med="ibuprofen",
        note="after a long walk",
    )
    follow(client, post(client, "/log", form))
    stored = episodes(run)[0]
    assert stored["started_at"] == "2026-03-14T23:30:00+01:00"
    expected = {
        "muscle": "calf", "side": "right", "duration_s": 90, "severity": 6, "woke": True,
        "fluid_l_24h": 1.5, "exercise": "run 45m vigorous", "relief": ["stretch", "heat"],
        "relief_score": 7, "symptoms": ["tingling"], "note": "after a long walk",
    }  # fmt: skip
    assert {key: stored[key] for key in expected} == expected
    assert "ibuprofen" in stored["medications"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"muscle": "calff"},
            "muscle",
            "Invalid value 'calff'. Unknown muscle. Did you mean 'calf'?",
        ),
        ({"muscle": ""}, "muscle", "Pick the muscle."),
        ({"severity": "11"}, "severity", "Use a whole number from 0 (none) to 10 (worst)."),
        ({"at": "other", "at_other": "next week"}, "at", "Invalid value 'next week'. Use ISO 8601"),
        ({"at": "other", "at_other": ""}, "at", "Fill in the box"),
        ({"duration": "other", "duration_other": "ages"}, "duration", "Use a number with a unit"),
        ({"fluid": "lots"}, "fluid", 'Use a number with a unit: "1.5L"'),
        ({"exercise": "run"}, "exercise", 'Use "ACTIVITY DURATION [INTENSITY]"'),
        ({"relief_score": "x"}, "relief_score", "Use a whole number from 0"),
        ({"symptom": "headache"}, "symptom", "Use one of: fever, rash"),
        ({"side": "up"}, "side", "Use one of: left, right, both, none."),
        ({"woke": "maybe"}, "woke", "Use yes/no"),
    ],
)
def test_a_bad_field_is_named_beside_itself_and_nothing_is_written(
    client: FlaskClient, seeded: Path, fields: dict[str, str], field: str, message: str
) -> None:
    form = log_form(client, **{"muscle": "calf", **fields})
    before = diary_fingerprint(seeded)
    response = post(client, "/log", form)
    assert response.status_code == 422
    assert "Nothing was saved" in response.text
    error = re.search(
        rf'<p class="error" id="{field}-error" role="alert">([^<]*)</p>', response.text
    )
    assert error, response.text
    assert message in error.group(1).replace("&#39;", "'").replace("&#34;", '"')
    assert diary_fingerprint(seeded) == before
    assert f'value="{form["nonce"]}"' in response.text  # the same form, values kept


def test_every_bad_field_at_once(client: FlaskClient, seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    form = log_form(client, muscle="calf", severity="12", fluid="x", note="kept <b>")
    response = post(client, "/log", form)
    assert response.status_code == 422
    assert {"severity-error", "fluid-error"} <= set(re.findall(r'id="(\w+-error)"', response.text))
    assert "kept &lt;b&gt;</textarea>" in response.text
    assert diary_fingerprint(seeded) == before


def test_a_double_tap_logs_once(client: FlaskClient, run: Run) -> None:
    form = log_form(client, muscle="foot")
    first = post(client, "/log", form)
    second = post(client, "/log", form)
    assert first.headers["Location"] == second.headers["Location"]
    assert [record["muscle"] for record in episodes(run)].count("foot") == 2  # 1 seeded + 1


def test_a_form_without_its_nonce_writes_nothing(client: FlaskClient, seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    response = post(client, "/log", {"muscle": "calf", "at": "now"})
    assert response.status_code == 422
    assert "This form is out of date" in response.text
    assert diary_fingerprint(seeded) == before


def test_undo_refuses_a_change_later_ones_built_on(
    client: FlaskClient, run: Run, seeded: Path
) -> None:
    assert run("edit", "1", "--severity", "2").exit_code == 0
    page = get(client, "/diary").text  # (the app's connection keeps the WAL file in place)
    before = diary_fingerprint(seeded)
    shown = post(client, "/undo", {"nonce": nonce_of(page) + "x", "change": "1"})
    assert shown.status_code == 409
    assert "later changes build on it (#4 edited episode #1" in shown.text
    assert diary_fingerprint(seeded) == before


def test_edit_delete_restore(client: FlaskClient, run: Run) -> None:
    form = get(client, "/episodes/1/edit").text
    assert 'value="2026-03-14 23:30"' in form
    fields = {
        "nonce": nonce_of(form), "muscle": "calf", "side": "left", "at": "2026-03-14 23:30",
        "duration": "", "severity": "3", "woke": "", "fluid": "", "exercise": "",
        "relief": "", "relief_score": "", "symptom": "", "med": "", "note": "edited",
    }  # fmt: skip
    done = follow(client, post(client, "/episodes/1/edit", fields))
    assert "Updated #1 calf (left), 2026-03-14 23:30." in done.text
    stored = {record["id"]: record for record in episodes(run)}[1]
    assert (stored["severity"], stored["note"], stored["started_at"]) == (
        3,
        "edited",
        "2026-03-14T23:30:00+01:00",
    )
    follow(client, post(client, "/episodes/1/delete", {"nonce": nonce_of(done.text)}))
    assert 1 not in [record["id"] for record in episodes(run)]
    assert "Restore" in get(client, "/diary?deleted=1").text
    restored = follow(
        client, post(client, "/episodes/1/restore", {"nonce": nonce_of(done.text) + "r"})
    )
    assert "Restored #1 calf (left)" in restored.text
    assert 1 in [record["id"] for record in episodes(run)]


def test_an_edit_that_empties_a_box_clears_that_field(client: FlaskClient, run: Run) -> None:
    form = get(client, "/episodes/2/edit").text  # foot: 2m, fluids 1 L
    fields = {
        "nonce": nonce_of(form), "muscle": "foot", "at": "2026-03-13 03:00", "duration": "",
        "fluid": "", "severity": "",
    }  # fmt: skip
    follow(client, post(client, "/episodes/2/edit", fields))
    stored = {record["id"]: record for record in episodes(run)}[2]
    assert (stored["duration_s"], stored["fluid_l_24h"]) == (None, None)


def test_checkin_records_updates_and_shows_what_is_there(client: FlaskClient, run: Run) -> None:
    page = get(client, "/checkin").text
    form = {"nonce": nonce_of(page), "date": "2026-03-15", "fluid": "1.5 L", "sweating": "yes",
            "vomiting": "", "sleep": "7h30m", "exercised": "no", "tag": "coffee, long drive"}  # fmt: skip
    done = follow(client, post(client, "/checkin", form))
    assert "Checked in for 2026-03-15: fluids, sweating, sleep, tags, exercise." in done.text
    listed = run("checkins").stdout
    assert "2026-03-15  1.5 L   yes" in listed and "coffee, long drive" in listed
    again = get(client, "/checkin").text
    assert "Already recorded" in again and "<dd>7.5 h</dd>" in again
    assert 'id="sweating-yes" value="yes" checked' in again  # the form shows what is stored
    update = {**form, "nonce": nonce_of(again), "sleep": "6"}
    done = follow(client, post(client, "/checkin", update))
    assert "Updated the check-in for 2026-03-15: sleep." in done.text


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"sleep": "lots"}, "sleep"), ({"fluid": "2 buckets"}, "fluid"),
     ({"exercised": "no", "exercise": "run 30m"}, "exercise"), ({"magnesium": "-3"}, "magnesium"),
     ({"alcohol": "x"}, "alcohol"), ({"date": "tomorrow"}, "date")],
)  # fmt: skip
def test_a_bad_checkin_writes_nothing(
    client: FlaskClient, seeded: Path, fields: dict[str, str], field: str
) -> None:
    page = get(client, "/checkin").text
    before = diary_fingerprint(seeded)
    response = post(client, "/checkin", {"nonce": nonce_of(page), "fluid": "1L", **fields})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert diary_fingerprint(seeded) == before


def test_a_checkin_with_nothing_answered_writes_nothing(client: FlaskClient, seeded: Path) -> None:
    page = get(client, "/checkin").text
    before = diary_fingerprint(seeded)
    response = post(client, "/checkin", {"nonce": nonce_of(page), "date": "today", "fever": ""})
    assert response.status_code == 422 and "answer at least one question" in response.text
    assert diary_fingerprint(seeded) == before


def test_the_stepper_changes_the_box_and_writes_nothing(client: FlaskClient, seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    page = get(client, "/checkin").text
    response = post(
        client, "/checkin", {"nonce": nonce_of(page), "fluid": "5 glasses", "step": "+1"}
    )
    assert response.status_code == 200
    assert 'name="fluid" value="6 glasses"' in response.text
    response = post(client, "/checkin", {"nonce": nonce_of(page), "fluid": "1.5L", "step": "-1"})
    assert 'name="fluid" value="1.25 L"' in response.text
    assert diary_fingerprint(seeded) == before


def test_medications_add_and_stop(client: FlaskClient, run: Run, seeded: Path) -> None:
    page = get(client, "/diary").text
    nonce = nonce_of(page)
    before = diary_fingerprint(seeded)
    bad = post(client, "/meds/add", {"nonce": nonce + "m", "name": "Lipitor", "started": "someday"})
    assert bad.status_code == 422 and 'id="started-error"' in bad.text
    assert diary_fingerprint(seeded) == before
    done = follow(
        client,
        post(
            client,
            "/meds/add",
            {"nonce": nonce + "m", "name": "Lipitor", "dose": "20 mg", "started": "2026-03-01"},
        ),
    )
    assert "Added #1 Lipitor 20 mg." in done.text
    assert "atorvastatin" in run("meds", "list").stdout
    diary = get(client, "/diary").text
    med_id = re.search(r'name="name" value="(\d+)"', diary)
    assert med_id
    stopped = follow(
        client,
        post(
            client, "/meds/stop", {"nonce": nonce + "s", "name": med_id.group(1), "on": "yesterday"}
        ),
    )
    assert "last taken 2026-03-14" in stopped.text
    assert "No current medications" in run("meds", "list").stdout


def test_what_people_typed_is_shown_as_text(client: FlaskClient, run: Run) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert run("log", "--muscle", "calf", "--note", hostile).exit_code == 0
    for path in ("/diary", "/episodes/4/edit", "/reports/summary"):
        text = get(client, path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path


def test_reports_charts_and_the_pdf(client: FlaskClient) -> None:
    svg = get(client, "/reports/weekly.svg?weeks=4")
    assert svg.mimetype == "image/svg+xml" and svg.data.lstrip().startswith(b"<?xml")
    png = get(client, "/reports/weekly.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = get(client, "/reports/summary.pdf")
    assert pdf.data[:5] == b"%PDF-"
    assert re.fullmatch(
        r'attachment; filename="spasmlog-summary-2026-03-\d\d-to-2026-03-15.pdf"',
        pdf.headers["Content-Disposition"],
    )
    assert get(client, "/reports?weeks=0").status_code == 400


def test_a_diary_locked_by_an_import_says_busy(client: FlaskClient, seeded: Path) -> None:
    form = log_form(client, muscle="calf")
    holder = sqlite3.connect(seeded, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # as an import holds it
        shown = post(client, "/log", form)
    finally:
        holder.rollback()
        holder.close()
    assert shown.status_code == 503
    assert "is busy: another spasmlog (an import?) is writing to it" in shown.text
    assert shown.headers["Retry-After"] == "5"
    again = follow(client, post(client, "/log", form))  # the same form, once it is free
    assert "Logged #4 calf" in again.text


def test_a_chart_is_drawn_again_once_the_diary_changed(client: FlaskClient, run: Run) -> None:
    first = get(client, "/reports/weekly.svg?weeks=2").data
    assert get(client, "/reports/weekly.svg?weeks=2").data == first  # kept while unchanged
    assert run("log", "--muscle", "hand", "--severity", "9").exit_code == 0  # another process
    second = get(client, "/reports/weekly.svg?weeks=2").data
    assert second != first
    assert run("undo").exit_code == 0
    assert get(client, "/reports/weekly.svg?weeks=2").data != second
