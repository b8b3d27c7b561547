"""`spasmlog report weekly`: every table number from a hand-made diary whose answers are known."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from matplotlib import image
from sqlalchemy import insert
from typer.testing import CliRunner

from spasmlog.cli import app, report_weekly
from spasmlog.db.models import Checkin, Episode, Medication
from spasmlog.db.store import open_store
from spasmlog.reports import load as frames
from spasmlog.reports import weekly
from spasmlog.reports.weekly import WeekRow
from tests.conftest import CLOCK, NOW, ZONE, Run, diary_fingerprint, pin_clock

START, END = dt.date(2026, 1, 19), dt.date(2026, 3, 15)  # 8 weeks ending on the fixed "today"
STAMP = dt.datetime(2026, 3, 15, 11, 0, tzinfo=dt.UTC)

# (at, muscle, side, duration, severity, woke), logged through the real `log` command.
EPISODES = [
    ("2026-01-18T23:30-05:00", "calf", "left", "1m", "5", True),  # local Jan 18: before the period
    ("2026-01-20T03:00", "calf", "left", "2m", "7", True),  # night of Jan 19
    ("2026-01-20T23:30", "calf", "right", "1m", "5", True),  # night of Jan 20
    ("2026-01-22T14:00", "foot", None, "30s", "2", False),
    ("2026-02-11T10:00", "hamstring", "left", None, None, None),  # nothing but the muscle
    ("2026-02-24T02:00", "calf", "both", "5m", "8", True),  # two episodes, one night
    ("2026-02-24T04:00", "calf", "left", "10m", "9", True),
    ("2026-03-04T18:00", "lower back", None, "45s", "4", False),
    ("2026-03-10T22:00", "foot", "left", "20s", "3", None),
    ("2026-03-14T08:00+05:00", "neck", None, "90s", "6", False),  # 08:00 where it was logged
]
DELETED_AT = "2026-02-03T12:00"  # logged, then deleted: must not count
CHECKINS: dict[dt.date, int | None] = {
    **{dt.date(2026, 1, 19): 1200, dt.date(2026, 1, 20): 1000, dt.date(2026, 1, 21): 2000},
    **{dt.date(2026, 2, 2) + dt.timedelta(days=i): 2000 for i in range(7)},
    **{dt.date(2026, 2, 24): 900, dt.date(2026, 2, 25): None, dt.date(2026, 3, 2): 1600},
    **{dt.date(2026, 3, 9) + dt.timedelta(days=i): 1500 for i in range(7)},
}


def _episode_free(monday: dt.date) -> WeekRow:
    """An observed week without a single entry: 0 episodes, not "no data"."""
    return WeekRow(monday, 7, 7, 0, None, None, None, None, 0, 0, None, None)


# Observation starts on 18 January (the first episode): every week of the period is observed.
# Episodes count for their analysis day (noon to noon): the 10:00 hamstring of 11 Feb for 10 Feb.
EXPECTED_ROWS = [
    WeekRow(dt.date(2026, 1, 19), 7, 7, 3, 14 / 3, 7, 210, 60.0, 2, 3, 1400.0, "calf"),
    _episode_free(dt.date(2026, 1, 26)),  # only a deleted check-in: still a week of 0
    WeekRow(dt.date(2026, 2, 2), 7, 7, 0, None, None, None, None, 0, 7, 2000.0, None),
    WeekRow(dt.date(2026, 2, 9), 7, 7, 1, None, None, None, None, 0, 0, None, "hamstring"),
    _episode_free(dt.date(2026, 2, 16)),
    WeekRow(dt.date(2026, 2, 23), 7, 7, 2, 8.5, 9, 900, 450.0, 1, 2, 900.0, "calf"),
    WeekRow(dt.date(2026, 3, 2), 7, 7, 1, 4.0, 4, 45, 45.0, 0, 1, 1600.0, "lower back"),
    WeekRow(dt.date(2026, 3, 9), 7, 7, 2, 4.5, 6, 110, 55.0, 0, 7, 1500.0, "foot"),
]
TABLE_CELLS = {
    "2026-01-19": ["3", "4.7 / 7", "3m30s / 1m", "2", "3/7", "1.4 L", "Calf"],
    "2026-01-26": ["0", "-", "-", "0", "0/7", "-", "-"],
    "2026-02-02": ["0", "-", "-", "0", "7/7", "2.0 L", "-"],
    "2026-02-09": ["1", "-", "-", "0", "0/7", "-", "Hamstring"],
    "2026-02-16": ["0", "-", "-", "0", "0/7", "-", "-"],
    "2026-02-23": ["2", "8.5 / 9", "15m / 7m30s", "1", "2/7", "0.9 L", "Calf"],
    "2026-03-02": ["1", "4.0 / 4", "45s / 45s", "0", "1/7", "1.6 L", "Lower back"],
    "2026-03-09": ["2", "4.5 / 6", "1m50s / 55s", "0", "7/7", "1.5 L", "Foot"],
}
TREND_LINE = (
    "Trend: 1.2 episodes a week in the latest 4 complete weeks (from 2026-02-16) vs 1.0 in the "
    "4 complete weeks before (from 2026-01-19): up 25% (more episodes)."
)
TREND_ON_SUNDAY = (  # the week of 9 March not over yet: three complete weeks against three
    "Trend: 1.0 episodes a week in the latest 3 complete weeks (from 2026-02-16) vs 0.3 in the "
    "3 complete weeks before (from 2026-01-26): up 200% (more episodes)."
)


def _log_args(
    at: str,
    muscle: str,
    side: str | None,
    duration: str | None,
    severity: str | None,
    woke: bool | None,
) -> list[str]:
    args = ["log", "--muscle", muscle, "--at", at]
    args += ["--side", side] if side else []
    args += ["--duration", duration] if duration else []
    args += ["--severity", severity] if severity else []
    args += [] if woke is None else ["--woke" if woke else "--no-woke"]
    return args


def add_context(db_path: Path) -> None:
    """Check-ins and medications through the ORM (their commands are being written elsewhere)."""
    diary = open_store(db_path)
    stamps = {"created_at": STAMP, "updated_at": STAMP}
    with diary.writing() as session:
        for day, ml in CHECKINS.items():
            session.add(Checkin(date=day, fluid_ml=ml, **stamps))
        session.add(Checkin(date=dt.date(2026, 1, 27), fluid_ml=3000, deleted_at=STAMP, **stamps))
        for name, generic, drug_class, dose, started, stopped in (
            (
                "Furosemide",
                "furosemide",
                "diuretic",
                "40 mg",
                dt.date(2025, 12, 1),
                dt.date(2026, 1, 31),
            ),
            ("Atorvastatin", "atorvastatin", "statin", "20 mg", dt.date(2026, 2, 16), None),
            ("Omeprazole", "omeprazole", "other", None, dt.date(2025, 6, 1), dt.date(2025, 7, 1)),
        ):
            session.add(
                Medication(
                    name=name,
                    generic=generic,
                    drug_class=drug_class,
                    dose=dose,
                    started_on=started,
                    stopped_on=stopped,
                    **stamps,
                )
            )
    diary.close()


def build_known_diary(db_path: Path) -> None:
    """The diary above: episodes through the real `log` and `delete` commands, then the context."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch, NOW)
        for episode in EPISODES:
            done = runner.invoke(app, ["--db", str(db_path), *_log_args(*episode)])
            assert done.exit_code == 0, done.output
        logged = runner.invoke(
            app, ["--db", str(db_path), "log", "--muscle", "calf", "--at", DELETED_AT]
        )
        episode_id = re.search(r"Logged #(\d+)", logged.stdout).group(1)  # type: ignore[union-attr]
        assert runner.invoke(app, ["--db", str(db_path), "delete", episode_id]).exit_code == 0
    add_context(db_path)


@pytest.fixture(scope="module")
def known_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per module (it takes a dozen commands); tests copy it before writing."""
    path = tmp_path_factory.mktemp("known") / "diary.db"
    build_known_diary(path)
    return path


def copy_known(known_db: Path, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(known_db, db_path)


# The numbers below are as of the Monday afternoon after the period, when its last week is over;
# on Sunday itself (NOW) that week is not complete yet: its last analysis day ends Monday noon.
OVER = dt.datetime(2026, 3, 16, 13, 0, tzinfo=ZoneInfo(ZONE))


def load(
    db_path: Path, start: dt.date = START, end: dt.date = END, now: dt.datetime = OVER
) -> frames.Frames:
    diary = open_store(db_path)
    try:
        return frames.load(diary, start, end, now)
    finally:
        diary.close()


@pytest.fixture
def known(known_db: Path) -> frames.Frames:
    return load(known_db)


def _cells(output: str) -> dict[str, list[str]]:
    rows = [re.split(r"\s{2,}", line.strip()) for line in output.splitlines()]
    return {row[0]: row[1:] for row in rows if re.fullmatch(r"\d{4}-\d\d-\d\d", row[0])}


# --- the numbers ------------------------------------------------------------------------------


def test_every_week_row_of_the_known_diary(known: frames.Frames) -> None:
    rows = weekly.weekly_rows(known)
    assert rows == EXPECTED_ROWS
    assert [row.first_day.isoformat() for row in rows] == list(TABLE_CELLS)
    assert [row.band for row in rows] == [
        "moderate",
        "not rated",
        "not rated",
        "not rated",
        "not rated",
        "severe",
        "moderate",
        "moderate",
    ]


def test_trend_and_rolling_mean_count_every_observed_week(known: frames.Frames) -> None:
    """An episode-free week of observation is a 0 in the rates, never left out."""
    rows = weekly.weekly_rows(known)
    trend = weekly.trend(rows)
    assert (trend.recent_rate, trend.recent_weeks) == (pytest.approx(5 / 4), 4)
    assert (trend.earlier_rate, trend.earlier_weeks) == (pytest.approx(4 / 4), 4)
    assert (trend.direction, trend.change) == ("up", pytest.approx(0.25))
    assert trend.sentence() == TREND_LINE
    assert weekly.rolling_rate(rows) == pytest.approx([3, 1.5, 1, 1, 0.25, 0.75, 1, 1.25])


def test_weeks_before_observation_are_no_data(known_db: Path) -> None:
    """The diary begins on Sunday 18 January: the weeks before are unknown, that week has one
    observed day, and neither is in a trend."""
    rows = weekly.weekly_rows(load(known_db, dt.date(2026, 1, 5), END))
    assert [(row.first_day, row.observed_days, row.has_data, row.complete) for row in rows[:3]] == [
        (dt.date(2026, 1, 5), 0, False, False),
        (dt.date(2026, 1, 12), 1, True, False),
        (dt.date(2026, 1, 19), 7, True, True),
    ]
    assert weekly.rolling_rate(rows)[:3] == [None, None, 3]
    assert weekly.trend(rows) == weekly.trend(rows[2:])


def test_panel_numbers(known: frames.Frames) -> None:
    muscles = weekly.muscle_sides(known.episodes)
    assert [(m.muscle, m.left, m.right, m.both, m.unsided) for m in muscles] == [
        ("calf", 2, 1, 1, 0),
        ("foot", 1, 0, 0, 1),
        ("hamstring", 1, 0, 0, 0),
        ("lower back", 0, 0, 0, 1),
        ("neck", 0, 0, 0, 1),
    ]
    hours = weekly.hour_counts(known.episodes)
    assert {hour: n for hour, n in enumerate(hours) if n} == dict.fromkeys(
        [2, 3, 4, 8, 10, 14, 18, 22, 23], 1
    )
    fluids = weekly.fluid_panel(known, 1500)
    assert fluids.fluids == tuple((day, ml) for day, ml in CHECKINS.items() if ml is not None)
    assert fluids.episode_days == tuple(  # their analysis days: a night's cramps on its evening
        dt.date(2026, m, d)
        for m, d in ((1, 19), (1, 20), (1, 22), (2, 10), (2, 23), (3, 4), (3, 10), (3, 13))
    )
    meds = weekly.medication_panel(known)
    assert [
        (p.name, p.drug_class, p.class_label, p.started_on, p.stopped_on) for p in meds.periods
    ] == [
        ("Furosemide", "diuretic", "Diuretics", dt.date(2025, 12, 1), dt.date(2026, 1, 31)),
        ("Atorvastatin", "statin", "Statins", dt.date(2026, 2, 16), None),
    ]


def test_partial_weeks_are_not_complete(known_db: Path) -> None:
    rows = weekly.weekly_rows(load(known_db, dt.date(2026, 1, 21), dt.date(2026, 3, 10)))
    assert (rows[0].first_day, rows[0].days, rows[-1].days) == (dt.date(2026, 1, 19), 5, 2)
    assert (rows[0].complete, rows[-1].complete) == (False, False)
    assert (rows[-1].checkin_days, rows[-1].episodes) == (2, 1)  # Mar 9 and 10 only


def test_trend_directions() -> None:
    def row(episodes: int, observed_days: int = 7) -> WeekRow:
        return WeekRow(
            dt.date(2026, 1, 5),
            7,
            observed_days,
            episodes,
            None,
            None,
            None,
            None,
            0,
            0,
            None,
            None,
        )

    def direction(earlier: list[WeekRow], recent: list[WeekRow]) -> str:
        return weekly.trend([*earlier, *recent]).direction

    assert direction([row(4)] * 4, [row(2)] * 4) == "down"
    assert direction([row(10)] * 4, [row(10), row(10), row(10), row(11)]) == "steady"
    assert direction([row(0)] * 4, [row(1)] * 4) == "up"
    assert direction([row(0)] * 4, [row(0)] * 4) == "steady"
    assert direction([row(0, 0)] * 4, [row(3)]) == "unknown"  # weeks before observation began
    assert direction([row(2)] * 4, [row(3)] * 3 + [row(21, 1)]) == "up"  # a week just begun...
    assert weekly.trend([row(2)] * 4 + [row(3)] * 3 + [row(21, 1)]).recent_rate == 3  # ...left out
    assert (
        weekly.trend([row(3)] * 1).direction == "unknown"
    )  # one complete week: nothing to compare
    two = weekly.trend([row(3), row(2), row(1)])  # three complete weeks: the last vs the one before
    assert (two.recent_rate, two.earlier_rate, two.recent_weeks) == (1, 2, 1)


def test_period_defaults_and_limits() -> None:
    today = dt.date(2026, 3, 12)  # a Thursday
    assert weekly.period(today, None, None, None) == (dt.date(2025, 12, 22), today)
    assert weekly.period(today, 1, None, None) == (dt.date(2026, 3, 9), today)
    assert weekly.period(today, None, dt.date(2026, 3, 1), dt.date(2026, 3, 5)) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 5),
    )
    assert weekly.period(today, 2, None, dt.date(2026, 1, 4)) == (
        dt.date(2025, 12, 22),
        dt.date(2026, 1, 4),
    )


# --- the command ------------------------------------------------------------------------------


def test_report_weekly_prints_the_table_and_writes_a_private_chart(
    run: Run, known_db: Path, db_path: Path, tmp_path: Path
) -> None:
    copy_known(known_db, db_path)
    out = tmp_path / "charts" / "weekly.png"
    result = run("report", "weekly", "--weeks", "8", "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Weekly report 2026-01-19 to 2026-03-15 (8 weeks, local time)"
    assert _cells(result.stdout) == TABLE_CELLS
    assert TREND_ON_SUNDAY in lines
    assert lines[-1] == f"Chart written to {out}"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_default_file_name_in_the_current_folder_and_force(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run("log", "--muscle", "calf", "--at", "2026-03-14T03:00", "--severity", "6")
    first = run("report", "weekly", "--weeks", "2")
    chart = tmp_path / "spasmlog-weekly-2026-03-15.png"
    assert first.exit_code == 0
    assert first.stdout.splitlines()[-1] == f"Chart written to {chart}"
    chart.write_bytes(b"the person's own file")
    before = diary_fingerprint(db_path)
    refused = run("report", "weekly", "--weeks", "2")
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {chart} already exists. Add --force to replace it, or "
        "choose another name with --out.\n"
    )
    assert chart.read_bytes() == b"the person's own file"
    assert diary_fingerprint(db_path) == before
    assert run("report", "weekly", "--weeks", "2", "--force").exit_code == 0
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "0"], "--weeks: invalid value '0'. Give a number of weeks from 1 to 1100."),
        (
            ["--weeks", "4", "--since", "2026-01-01"],
            "--weeks: invalid value '4'. Give --weeks or --since, not both.",
        ),
        (
            ["--since", "2026-03-10", "--until", "2026-03-01"],
            "--since: invalid value '2026-03-10'. --since must be on or before 2026-03-01.",
        ),
        (
            ["--until", "2027-01-01"],
            "--until: invalid value '2027-01-01'. That date is in the future; give one that has passed.",
        ),
        (
            ["--since", "1990-01-01"],
            "--since: invalid value '1990-01-01'. The period can span at most 1100 weeks.",
        ),
        (
            ["--out", "chart.jpg"],
            "--out: invalid value 'chart.jpg'. Give a file name ending in .png, .svg or .pdf.",
        ),
        (["--fluid-threshold", "lots"], "--fluid-threshold: invalid value 'lots'. Use a number"),
        (
            ["--fluid-threshold", "0 ml"],
            "--fluid-threshold: invalid value '0 ml'. Give a volume above zero, e.g. \"1.5L\".",
        ),
    ],
)
def test_rejected_options_change_nothing(
    run: Run,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    run("log", "--muscle", "calf")
    before = diary_fingerprint(db_path)
    result = run("report", "weekly", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert diary_fingerprint(db_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["private"]


def test_open_hands_the_chart_to_the_system_viewer(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("log", "--muscle", "calf")
    bin_dir, opened = tmp_path / "bin", tmp_path / "opened.txt"
    bin_dir.mkdir()
    viewer = bin_dir / report_weekly.OPENER
    viewer.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n')
    viewer.chmod(0o700)
    monkeypatch.setenv("PATH", str(bin_dir))
    chart = tmp_path / "b.png"
    result = run("report", "weekly", "--weeks", "1", "--out", str(chart), "--open")
    assert result.stdout.splitlines()[-2:] == [
        f"Chart written to {chart}",
        f"Opened it with {report_weekly.OPENER}.",
    ]
    deadline = time.monotonic() + 10
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text() == str(chart)


def test_open_says_so_when_there_is_no_viewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert report_weekly._open_with_viewer(tmp_path / "a.png") == (
        f"No system viewer found ({report_weekly.OPENER} is not installed); "
        f"open {tmp_path / 'a.png'} yourself."
    )


def test_the_report_command_does_not_import_the_heavy_libraries_at_start_up() -> None:
    code = (
        "import sys, spasmlog.cli; "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- edge cases -------------------------------------------------------------------------------


def _assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = image.imread(io.BytesIO(data))
    assert pixels.shape[:2] == (1240, 1753)
    assert (pixels[..., :3] < 0.99).any()


def test_empty_diary_says_so_in_one_line(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "empty.png"
    result = run("report", "weekly", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == (
        "Nothing to report yet: the diary has no episodes and no check-ins. "
        "Start with `spasmlog log` or `spasmlog checkin`.\n"
    )
    assert not out.exists()


def test_a_diary_with_only_check_ins_has_weeks_of_zero(run: Run, tmp_path: Path) -> None:
    assert run("checkin", "--date", "2026-02-23", "--fluid", "2L").exit_code == 0
    result = run("report", "weekly", "--out", str(tmp_path / "w.png"))
    assert _cells(result.stdout) == {  # from the check-in on: the week of 9 March is not over
        "2026-02-23": ["0", "-", "-", "0", "1/7", "2.0 L", "-"],
        "2026-03-02": ["0", "-", "-", "0", "0/7", "-", "-"],
        "2026-03-09": ["0", "-", "-", "0", "0/7", "-", "-"],
    }
    assert "No episodes were logged in this period." in result.stdout
    assert (
        "Trend: 0.0 episodes a week in the latest complete week (from 2026-03-02) vs 0.0 in the "
        "complete week before (from 2026-02-23): about the same."
    ) in result.stdout
    _assert_png(tmp_path / "w.png")


def test_one_episode(run: Run, tmp_path: Path) -> None:
    run(
        "log",
        "--muscle",
        "foot",
        "--side",
        "right",
        "--at",
        "2026-03-03T04:10",
        "--duration",
        "40s",
        "--severity",
        "3",
        "--woke",
    )
    out = tmp_path / "one.png"
    result = run("report", "weekly", "--weeks", "3", "--out", str(out))
    assert _cells(result.stdout) == {
        "2026-02-23": ["no data"],  # before the diary began
        "2026-03-02": ["1", "3.0 / 3", "40s / 40s", "1", "0/7", "-", "Foot"],
        "2026-03-09": ["0", "-", "-", "0", "0/7", "-", "-"],  # observed: a week of 0
    }
    _assert_png(out)


def test_ten_years_in_bulk(run: Run, db_path: Path, tmp_path: Path) -> None:
    start = dt.date(2016, 3, 14)
    days = (END - start).days + 1
    run("log", "--muscle", "calf", "--at", "2016-03-14T15:00")  # creates the diary
    diary = open_store(db_path)
    stamps = {"created_at": STAMP, "updated_at": STAMP}
    with diary.writing() as session:
        session.execute(
            insert(Episode),
            [
                {
                    "started_at": dt.datetime.combine(  # 15:00 local: their own analysis day
                        start + dt.timedelta(days=i), dt.time(14), tzinfo=dt.UTC
                    ),
                    "utc_offset_min": 60,
                    "muscle": ("calf", "foot")[i % 2],
                    "side": "left",
                    "duration_s": 60,
                    "severity": i % 11,
                    "woke": True,
                    **stamps,
                }
                for i in range(0, days, 3)
            ],
        )
        session.execute(
            insert(Checkin),
            [
                {"date": start + dt.timedelta(days=i), "fluid_ml": 1000 + i % 2000, **stamps}
                for i in range(0, days, 2)
            ],
        )
    diary.close()
    out = tmp_path / "ten.png"
    began = time.perf_counter()
    result = run("report", "weekly", "--since", str(start), "--out", str(out))
    elapsed = time.perf_counter() - began
    assert result.exit_code == 0
    cells = _cells(result.stdout)
    assert len(cells) == 522
    assert sum(int(row[0]) for row in cells.values()) == len(range(0, days, 3)) + 1
    assert "no data" not in result.stdout
    assert elapsed < 60  # about 3 s on a quiet laptop; the bound only catches a runaway
    _assert_png(out)


def test_same_bytes_from_a_second_process(
    run: Run, known_db: Path, db_path: Path, tmp_path: Path
) -> None:
    """PNG, SVG and PDF: this process and a fresh one (another hash seed) write the same bytes."""
    copy_known(known_db, db_path)
    commands = [
        [
            "--db",
            str(db_path),
            "report",
            "weekly",
            "--weeks",
            "8",
            "--out",
            str(tmp_path / f"there.{suffix}"),
        ]
        for suffix in ("png", "svg", "pdf")
    ]
    script = (
        "import sys, json; from spasmlog.cli import app\n"
        "for args in json.loads(sys.argv[1]): app(args, standalone_mode=False)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        capture_output=True,
        text=True,
        env={**os.environ, **CLOCK},
    )
    assert done.returncode == 0, done.stderr
    for suffix in ("png", "svg", "pdf"):
        here = tmp_path / f"here.{suffix}"
        assert run("report", "weekly", "--weeks", "8", "--out", str(here)).exit_code == 0
        assert here.read_bytes() == (tmp_path / f"there.{suffix}").read_bytes(), suffix


# --- the person's settings: weeks from Sunday, fluids in their unit -------------------------------


def test_weeks_can_start_on_sunday(known: frames.Frames) -> None:
    rows = weekly.weekly_rows(known, weekly.SUNDAY)
    sundays = [dt.date(2026, 1, 18) + dt.timedelta(weeks=n) for n in range(9)]
    assert [row.first_day for row in rows] == sundays
    assert [row.days for row in rows] == [6, 7, 7, 7, 7, 7, 7, 7, 1]  # clipped to the period
    assert [row.episodes for row in rows] == [3, 0, 0, 1, 0, 2, 1, 2, 0]
    assert [row.checkin_days for row in rows] == [3, 0, 6, 1, 0, 2, 1, 6, 1]
    assert sum(row.episodes for row in rows) == sum(r.episodes for r in weekly.weekly_rows(known))
    trend = weekly.trend(rows)  # 7 complete weeks, from 25 January to 14 March: 3 against 3
    assert (trend.recent_from, trend.recent_rate) == (dt.date(2026, 2, 22), pytest.approx(5 / 3))
    assert (trend.earlier_from, trend.earlier_rate) == (dt.date(2026, 2, 1), pytest.approx(1 / 3))


@pytest.mark.parametrize(
    ("day", "start", "first"),
    [
        (dt.date(2026, 3, 15), weekly.MONDAY, dt.date(2026, 3, 9)),  # a Sunday
        (dt.date(2026, 3, 15), weekly.SUNDAY, dt.date(2026, 3, 15)),
        (dt.date(2026, 3, 14), weekly.SUNDAY, dt.date(2026, 3, 8)),
        (dt.date(2026, 3, 9), weekly.SUNDAY, dt.date(2026, 3, 8)),
    ],
)
def test_week_of(day: dt.date, start: int, first: dt.date) -> None:
    assert weekly.week_of(day, start) == first
    assert weekly.period(day, 2, None, None, start) == (first - dt.timedelta(weeks=1), day)


def test_the_command_follows_the_settings(known_db: Path, db_path: Path, run: Run) -> None:
    copy_known(known_db, db_path)
    assert run("config", "set", "week_start", "sunday").exit_code == 0
    assert run("config", "set", "fluid_unit", "glass").exit_code == 0
    result = run("report", "weekly", "--weeks", "2", "--no-chart")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Weekly report 2026-03-08 to 2026-03-15 (2 weeks, local time)")
    assert _cells(result.stdout)["2026-03-08"][5] == "6.0 glasses"  # 1.5 L a day
    assert run("config", "set", "low_fluid_ml", "7 glasses").exit_code == 0
    factors = run("report", "factors", "--format", "json")
    assert json.loads(factors.stdout)["options"]["fluid_threshold_ml"] == 1750  # the default
    assert "Low fluids (under 1.75 L)" in run("report", "factors").stdout
