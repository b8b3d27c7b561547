"""`spasmlog import` of an Apple Health export: the mappings, dedup, the DTD, hostile and broken
files, provenance, idempotence, undo, and a generated year reaching the factor report."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmlog.interchange.importing import apple_health
from spasmlog.interchange.importing.sources import Options, opened
from tests.conftest import CLOCK, Run, diary_fingerprint
from tests.health_export import export_file, stamp

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "imports"
XML = SAMPLES / "apple-health-export.xml"
ZIP = SAMPLES / "apple-health-export.zip"


def rows(db: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(query).fetchall()


def checkins(db: Path) -> dict[str, tuple[object, ...]]:
    found = rows(
        db,
        "SELECT date, fluid_ml, sleep_h, alcohol_units, magnesium_mg, exercised, tags "
        "FROM checkins WHERE deleted_at IS NULL",
    )
    return {str(row[0]): row[1:] for row in found}


def harvest_of(path: Path, *sources: str) -> apple_health.Harvest:
    now = dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)
    with open(path, "rb") as stream:
        return apple_health.read(
            opened(stream, path.name, path, now), Options(now, None, sources), None
        )


@pytest.fixture(autouse=True)
def _clock_after_the_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMLOG_NOW", "2024-03-05T12:00:00+01:00")


# --- the mappings, on the sample -------------------------------------------------------------


@pytest.mark.parametrize("sample", [XML, ZIP], ids=["xml", "zip"])
def test_the_sample_maps_water_sleep_workouts_alcohol_and_magnesium(
    run: Run, db_path: Path, sample: Path
) -> None:
    result = run("import", str(sample))
    assert result.exit_code == 0, result.output
    assert "Apple Health, exported 2024-03-05" in result.stdout
    days = checkins(db_path)
    # 500 (two apps, one drink) + 750 + 8 fl_oz_us (a 12-hour "11:30:00 PM" date) on 1 March;
    # 0.25 L + 2 cup_us + 10 fl_oz_imp on 2 March (00:30 is the next local date)
    assert days["2024-03-01"][0] == round(500 + 750 + 8 * 29.5735)
    assert days["2024-03-02"][0] == round(250 + 2 * 236.588 + 10 * 28.4131)
    # the phone's 23:00-01:00 and the watch's 00:00-03:00 and 03:30-06:30 merged: 7 h, on the
    # date of waking; "in bed" and "awake" are not sleep
    assert days["2024-03-02"][1] == 7.0 and days["2024-03-01"][1] is None
    assert days["2024-03-01"][2:4] == (3.5, 300.0)  # 2 drinks at 1.75 UK units; 300 mg
    assert {day: values[4] for day, values in days.items()} == dict.fromkeys(days, 1)
    sessions = rows(
        db_path,
        "SELECT started_at, utc_offset_min, activity, minutes, intensity, source "
        "FROM exercise_sessions ORDER BY started_at",
    )
    assert sessions == [
        # heart rate 152 at 39 (born 1984-06-01): 152 / 181 = 84%, vigorous; the same run from
        # a second app (start 20 s later, no intensity) kept once
        ("2024-03-01 17:00:00.000000", 60, "running", 33, "vigorous", "import"),
        ("2024-03-02 09:00:00.000000", 60, "cycling", 45, None, "import"),  # nothing to judge by
        ("2024-03-03 06:00:00.000000", 60, "yoga", 30, "light", "import"),  # 2.8 METs; 0.5 hr
    ]


def test_dry_run_lists_fields_and_writes_nothing(run: Run, seeded: Path) -> None:
    before = diary_fingerprint(seeded)
    result = run("import", str(ZIP), "--dry-run")
    assert result.exit_code == 0, result.output
    assert diary_fingerprint(seeded) == before
    assert "Dry run: nothing was written." in result.stdout
    assert "    fluids: 2 days would be filled." in result.stdout
    assert "    sleep: 1 day would be filled." in result.stdout
    assert "    exercise sessions: 3 would be added." in result.stdout


def test_source_keeps_one_app(run: Run, db_path: Path) -> None:
    assert run("import", str(XML), "--source", "WaterLog").exit_code == 0
    days = checkins(db_path)
    assert days["2024-03-01"][0] == 1250 and days["2024-03-02"][0] == 250 + round(2 * 236.588)
    assert rows(db_path, "SELECT count(*) FROM exercise_sessions") == [(0,)]
    result = run("import", str(XML), "--source", "NoSuchApp")
    assert result.exit_code == 2 and "no records from NoSuchApp" in result.stderr
    assert "WaterLog" in result.stderr


def test_the_same_drink_from_two_apps_counts_once_but_two_glasses_from_one_twice(
    tmp_path: Path,
) -> None:
    def water(source: str, at: str) -> str:
        return (
            f'<Record type="HKQuantityTypeIdentifierDietaryWater" sourceName="{source}" '
            f'unit="mL" startDate="{at}" endDate="{at}" value="250"/>'
        )

    at = "2024-03-01 08:00:00 +0100"
    body = water("A", at) + water("B", at) + water("A", at) + water("A", at.replace("08", "09"))
    path = tmp_path / "export.xml"
    path.write_text(f"<HealthData>{body}</HealthData>")
    assert harvest_of(path).days[dt.date(2024, 3, 1)]["fluid_ml"] == 750


# --- hostile, broken and foreign files -------------------------------------------------------

BOMB = (
    """<?xml version="1.0"?>
<!DOCTYPE HealthData [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
"""
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + """]>
<HealthData><Record type="HKQuantityTypeIdentifierDietaryWater" sourceName="&j;" unit="mL"
 startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:00:00 +0100" value="1"/></HealthData>
"""
)


@pytest.mark.parametrize(
    "content, message",
    [
        (BOMB, "declares XML entities"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE HealthData SYSTEM "file:///etc/passwd">\n'
            "<HealthData>&x;</HealthData>",
            "undefined entity",
        ),
        (XML.read_text()[:-200], "was it cut short?"),
        (XML.read_text().replace("</Workout>", "</Workot>", 1), "mismatched tag"),
        (XML.read_text().replace('value="750"', 'value="lots"'), "value 'lots' is not an amount"),
        (
            XML.read_text().replace('unit="cup_us"', 'unit="gallon"'),
            "unit 'gallon' is not one of",
        ),
        (
            XML.read_text().replace("2024-03-02 09:00:00 +0100", "yesterday"),
            "startDate 'yesterday' is not a date",
        ),
        ("<Foo><HealthData/></Foo>", "not HealthData"),
    ],
    ids=["bomb", "external", "truncated", "malformed", "value", "unit", "date", "root"],
)
def test_bad_xml_is_refused_and_the_diary_untouched(
    run: Run, seeded: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "export.xml"
    path.write_text(content, encoding="utf-8")
    before = diary_fingerprint(seeded)
    result = run("import", str(path), "--from", "apple-health")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") <= 2, result.stderr
    assert "Nothing was imported" in result.stderr or "nothing was imported" in result.stderr
    assert diary_fingerprint(seeded) == before


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's VmHWM")
def test_the_bomb_is_refused_quickly_in_flat_memory(tmp_path: Path, seeded: Path) -> None:
    """A billion laughs a thousand times over, in a real process: refused in well under a
    second of parsing, with the memory of any small command."""
    path = tmp_path / "export.xml"
    path.write_text(BOMB.replace("&j;", "&j;" * 1000))
    # the peak of this process's own memory (VmHWM: ru_maxrss would count the forked copy of
    # the test worker that the child was before it ran Python)
    probe = (
        "import re, sys, time\n"
        "from spasmlog.cli import main\n"
        "t = time.monotonic()\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "peak = re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "print(code, time.monotonic() - t, peak)\n"
    )
    db = str(seeded)
    done = subprocess.run(
        [sys.executable, "-c", probe, "--db", db, "import", str(path)],
        capture_output=True, text=True, env={**CLOCK, "PATH": ""}, timeout=60,
    )  # fmt: skip
    code, seconds, peak_kib = done.stdout.split()
    assert code == "2" and "declares XML entities" in done.stderr
    assert float(seconds) < 5 and int(peak_kib) < 150 * 1024


def test_a_broken_ios16_dtd_is_handled(run: Run, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    export_file(path, dt.date(2024, 1, 1), 3, busy=0, broken_dtd=True)
    head = path.read_text()[:3000]
    with pytest.raises(Exception, match="syntax error|not well-formed"):  # expat's own verdict
        import xml.etree.ElementTree as ElementTree

        ElementTree.fromstring(head + "</HealthData>")
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert len(checkins(db_path)) >= 3


def test_a_truncated_zip_is_refused(run: Run, seeded: Path, tmp_path: Path) -> None:
    data = ZIP.read_bytes()
    for cut in (len(data) // 2, len(data) - 30):
        path = tmp_path / f"export-{cut}.zip"
        path.write_bytes(data[:cut])
        before = diary_fingerprint(seeded)
        result = run("import", str(path), "--from", "apple-health")
        assert result.exit_code == 2, result.output
        assert "damaged" in result.stderr or "cut short" in result.stderr
        assert diary_fingerprint(seeded) == before


def test_a_zip_without_the_export_is_not_apple_health(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    result = run("import", str(path))
    assert result.exit_code == 2 and "not a format spasmlog knows" in result.stderr
    assert "apple_health_export/export.xml" in result.stderr


# --- provenance, idempotence, undo --------------------------------------------------------------


def test_reimport_changes_nothing_and_undo_removes_it_all(run: Run, db_path: Path) -> None:
    assert run("import", str(ZIP)).exit_code == 0
    assert run("checkin", "--date", "2024-03-04", "--sleep", "6").exit_code == 0
    before = diary_fingerprint(db_path)
    again = run("import", str(ZIP))
    assert again.exit_code == 0 and "the diary has all of it already" in again.stdout
    assert diary_fingerprint(db_path) == before
    assert run("undo").exit_code == 0  # the check-in
    assert "Undid: imported apple-health-export.zip (Apple Health)" in run("undo").stdout
    assert checkins(db_path) == {}
    assert rows(db_path, "SELECT count(*) FROM provenance WHERE deleted_at IS NULL") == [(0,)]
    assert run("import", str(ZIP)).exit_code == 0  # and in again, as new
    assert len(checkins(db_path)) == 3


def test_fills_only_blanks_and_update_overwrites(run: Run, db_path: Path) -> None:
    assert run("checkin", "--date", "2024-03-01", "--fluid", "2L", "--tag", "mine").exit_code == 0
    result = run("import", str(ZIP))
    assert "    fluids: 1 day filled, 1 day kept." in result.stdout
    assert "Kept: values you typed" in result.stdout
    days = checkins(db_path)
    assert days["2024-03-01"][0] == 2000 and json.loads(str(days["2024-03-01"][5])) == ["mine"]
    assert days["2024-03-01"][2] == 3.5  # blanks on the typed day filled
    result = run("import", str(ZIP), "--update")
    assert "    fluids: 1 day updated, 1 day already there." in result.stdout
    assert checkins(db_path)["2024-03-01"][0] == 1487


def test_a_later_export_updates_what_the_source_wrote_but_not_what_was_typed(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    assert run("import", str(XML)).exit_code == 0
    assert run("checkin", "--date", "2024-03-02", "--fluid", "1.5L").exit_code == 0  # typed over
    later = XML.read_text().replace('value="750"', 'value="1000"')
    later = later.replace('value="0.25"', 'value="0.5"')
    later = later.replace("2024-03-05 09:00:00", "2024-03-06 09:00:00")
    path = tmp_path / "export.xml"
    path.write_text(later)
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert "    fluids: 1 day updated, 1 day kept." in result.stdout
    days = checkins(db_path)
    assert days["2024-03-01"][0] == round(500 + 1000 + 8 * 29.5735)  # the source's own: updated
    assert days["2024-03-02"][0] == 1500  # typed: kept
    older = path.read_text().replace('value="1000"', 'value="10"')
    path.write_text(older.replace("2024-03-06 09:00:00", "2024-03-04 09:00:00"))
    result = run("import", str(path))  # an older export never undoes a newer one
    assert "    fluids: 2 days kept." in result.stdout
    assert checkins(db_path)["2024-03-01"][0] == round(500 + 1000 + 8 * 29.5735)


def test_health_data_never_moves_the_start_of_observation(run: Run, db_path: Path) -> None:
    assert run("import", str(ZIP)).exit_code == 0
    assert "Nothing recorded yet" in run("observe").stdout or "no" in run("observe").stdout
    assert run("checkin", "--date", "2024-03-04", "--sweating").exit_code == 0
    assert "Observation began on 2024-03-04" in run("observe").stdout
    # a value typed over an imported one makes that day the person's
    assert run("checkin", "--date", "2024-03-02", "--sleep", "5").exit_code == 0
    assert "Observation began on 2024-03-02" in run("observe").stdout


# --- parsers ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1)),
    st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15),
)
def test_dates_in_both_forms_read_back(moment: dt.datetime, offset_min: int) -> None:
    aware = moment.replace(microsecond=0, tzinfo=dt.timezone(dt.timedelta(minutes=offset_min)))
    assert apple_health.when(stamp(aware)) == aware
    hour = aware.hour % 12 or 12
    twelve = (
        f"{aware:%Y-%m-%d} {hour}:{aware:%M:%S} {'PM' if aware.hour >= 12 else 'AM'} {aware:%z}"
    )
    assert apple_health.when(twelve) == aware


@given(st.text(alphabet="AbcZz09 ", max_size=30))
def test_activity_words_are_lower_case_words(name: str) -> None:
    words = apple_health.activity_words("HKWorkoutActivityType" + name)
    assert words == words.lower() and len(words) <= 80


# --- the done criterion: a year in one command, in the factor report -----------------------


def test_a_year_reaches_the_factor_report(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPASMLOG_NOW", "2025-01-10T12:00:00+01:00")
    path = tmp_path / "export.xml"
    truth = export_file(path, dt.date(2024, 1, 1), 366, busy=0)
    assert run("observe", "--since", "2024-01-01").exit_code == 0
    episodes = "started_at,muscle\n" + "".join(
        f"2024-{m:02d}-{d:02d}T03:00,calf\n" for m in range(1, 13) for d in (3, 11, 19)
    )
    (tmp_path / "cramps.csv").write_text(episodes)
    assert run("import", str(tmp_path / "cramps.csv")).exit_code == 0
    started = time.monotonic()
    result = run("import", str(path))
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    report = run(
        "report", "factors", "--format", "json", "--since", "2024-01-01", "--until", "2024-12-31"
    )
    assert report.exit_code == 0, report.output
    factors = {f["id"]: f for f in json.loads(report.stdout)["factors"]}
    water_days = len([d for d in truth.water_ml if d.year == 2024])
    sleep_days = len([d for d in truth.sleep_h if d.year == 2024])
    low = factors["low_fluid"]
    assert low["exposed_days"] + low["unexposed_days"] == water_days
    short = factors["short_sleep"]
    assert short["exposed_days"] + short["unexposed_days"] == sleep_days
    vigorous = factors["vigorous_exercise_24h"]
    workout_days = len([d for d in truth.workouts if d.year == 2024])
    assert vigorous["exposed_days"] > 0 and vigorous["unexposed_days"] > 0
    stored = rows(db_path, "SELECT count(DISTINCT local_date) FROM exercise_sessions")
    assert stored == [(len(truth.workouts),)] and workout_days > 100
    days = checkins(db_path)
    assert all(days[str(d)][0] == round(ml) for d, ml in truth.water_ml.items())
    assert all(abs(days[str(d)][1] - h) < 0.006 for d, h in truth.sleep_h.items())
