"""Hand-made diaries for the export tests, built through the CLI once per module and copied.

`small` is a little of everything, with formula-like notes; the doctor-summary tests build their
own diary whose numbers are worked out by hand.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from spasmlog.cli import app
from tests.conftest import NOW, Run, pin_clock

HYPERLINK = '=HYPERLINK("http://x")'
SCRIPT = "<script>alert(1)</script>"


def ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def runner_for(db: Path) -> Run:
    """Run spasmlog in-process against the diary at `db`."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, ["--db", str(db), *args])

    return invoke


def build_small(run: Run) -> None:
    """Two episodes (a third deleted), a check-in, exercise, two medications, a condition, labs."""

    def command(words: str, *extra: str) -> None:
        ok(run, *words.split(), *extra)

    command("log --muscle calf --side left --at 2026-03-14T03:10 --duration 2m --severity 8 "
            "--woke --fluid 1.2L --relief stretch --symptom weakness",
            "--exercise", "run 45m vigorous", "--note", HYPERLINK)  # fmt: skip
    command("log --muscle back --at 2026-03-10T22:00 --duration 90s --severity 4 --no-woke",
            "--note", "@SUM(A1)")  # fmt: skip
    command("log --muscle foot --at 2026-03-12T08:00 --note typo")
    command("delete 3")
    command("checkin --date 2026-03-14 --fluid 1.2L --sweating --no-fever --sleep 5.5 "
            "--no-exercise", "--tag", "-new shoes", "--tag", "coffee")  # fmt: skip
    command("exercise add --at 2026-03-15T07:00 --activity swim --minutes 30 --intensity light "
            "--muscle shoulder")  # fmt: skip
    command("meds add", "Lipitor 20mg", "--dose", "20 mg", "--started", "2026-01-10")
    command("meds add furosemide --started 2025-12-01 --stopped 2026-02-01")
    command("conditions add hypothyroidism --since 2020-01-01")
    command("labs add magnesium 1.5 mg/dL --on 2026-03-01 --range 1.7-2.2")
    command("labs add K 3.3 mmol/L --on 2026-03-02")


def build_once(folder: Path, build: Callable[[Run], None], now: str = NOW) -> Path:
    """A diary file made by `build` under a pinned clock."""
    db = folder / "diary.db"
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch, now)
        build(runner_for(db))
    return db


def copy_to(template: Path, db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copy(template, db_path)


# The doctor-summary diary: period 2026-01-05 to 2026-03-01, eight Monday weeks, offset +01:00.
#
#   week of   episodes (local start, muscle, side, duration, severity, extras)
#   Jan 05    Jan 06 03:00 calf L 90s 3 woke
#   Jan 12    Jan 14 22:00 calf R 60s 5
#   Jan 19    (none; a check-in on Jan 20, so the week has data: a real zero)
#   Jan 26    Jan 27 02:30 foot L 45s 4 woke; Jan 29 15:00 calf L 2m 6 note <script>
#   Feb 02    Feb 03 03:10 calf L 12m 9 woke weakness note =HYPERLINK; Feb 04 23:30 calf L 2m 7
#             woke; Feb 05 01:00 calf both 30s 2 woke (same night); Feb 06 10:00 hamstring R
#             40s 8; Feb 07 09:00 lower back 5m 4 note @SUM(A1) (the 5th in 7 days: frequent)
#   Feb 09    Feb 12 10:00 calf L 60s 5
#   Feb 16    Feb 17 04:00 calf L 3m 8 woke fever+rash; Feb 19 12:00 calf L 90s (no severity)
#   Feb 23    Feb 24 21:00 calf R 45s 6; Feb 26 08:00 calf L 2m 5 (two-line note)
#
# plus a deleted episode and episodes before and after the period, which must not count.
# Known answers: 14 episodes; 1.0 a week in the first 4 weeks, 2.5 in the last 4; severity mild
# 2, moderate 8, severe 3, not rated 1; median 1m30s, longest 12m; 5 nights woken (Feb 04 23:30
# and Feb 05 01:00 are one night); calf 11 (left 8, right 2, both 1), foot 1, hamstring 1, lower
# back 1; signs: fever/rash/weakness 2 (3 Feb, 17 Feb), severe 3 (3, 6, 17 Feb), frequent 1
# (7 Feb) and rising, sleep 5 nights, longer than 10 minutes 1 (3 Feb); 10 check-in days of 56.
DOCTOR_EPISODES: tuple[tuple[str, str, str, str | None], ...] = (
    ("2026-01-02 08:00", "calf", "--side left --severity 9", None),  # before the period
    ("2026-01-06 03:00", "calf", "--side left --duration 90s --severity 3 --woke", None),
    ("2026-01-14 22:00", "calf", "--side right --duration 60s --severity 5", None),
    ("2026-01-27 02:30", "foot", "--side left --duration 45s --severity 4 --woke", None),
    ("2026-01-29 15:00", "calf", "--side left --duration 2m --severity 6", SCRIPT),
    ("2026-02-03 03:10", "calf", "--side left --duration 12m --severity 9 --woke "
     "--symptom weakness", HYPERLINK),
    ("2026-02-04 23:30", "calf", "--side left --duration 2m --severity 7 --woke", None),
    ("2026-02-05 01:00", "calf", "--side both --duration 30s --severity 2 --woke", None),
    ("2026-02-05 18:00", "neck", "--severity 10 --duration 20m", None),  # deleted (ID 9)
    ("2026-02-06 10:00", "hamstring", "--side right --duration 40s --severity 8", None),
    ("2026-02-07 09:00", "lower back", "--side none --duration 5m --severity 4", "@SUM(A1)"),
    ("2026-02-12 10:00", "calf", "--side left --duration 60s --severity 5", None),
    ("2026-02-17 04:00", "calf", "--side left --duration 3m --severity 8 --woke --symptom fever "
     "--symptom rash", None),
    ("2026-02-19 12:00", "calf", "--side left --duration 90s", None),
    ("2026-02-24 21:00", "calf", "--side right --duration 45s --severity 6", None),
    ("2026-02-26 08:00", "calf", "--side left --duration 2m --severity 5", "line one\nline two"),
    ("2026-03-05 08:00", "calf", "--side left --severity 9", None),  # after the period
)  # fmt: skip
DOCTOR_CHECKINS = ("2026-01-06", "2026-01-14", "2026-01-20", "2026-01-27", "2026-02-03",
                   "2026-02-04", "2026-02-05", "2026-02-10", "2026-02-17", "2026-02-24")  # fmt: skip


def build_doctor(run: Run) -> None:
    for at, muscle, options, note in DOCTOR_EPISODES:
        ok(run, "log", "--muscle", muscle, "--at", at, *options.split(),
           *(("--note", note) if note else ()))  # fmt: skip
    ok(run, "delete", "9")
    for day in DOCTOR_CHECKINS:
        ok(run, "checkin", "--date", day, "--fluid", "1.5L", "--sleep", "7")
    ok(run, "meds", "add", "Lipitor 20mg", "--dose", "20 mg", "--started", "2025-06-01")
    ok(run, "meds", "add", "furosemide", "--started", "2025-10-01", "--stopped", "2026-01-20")
    ok(run, "meds", "add", "magnesium citrate", "--started", "2026-02-09")
    ok(run, "conditions", "add", "hypothyroidism", "--since", "2020-01-01")
    ok(run, "conditions", "add", "<i>odd</i> & [link](http://x) *name*")
    ok(run, "labs", "add", "sodium", "140", "mmol/L", "--on", "2025-11-01")
    ok(run, "labs", "add", "potassium", "3.3", "mmol/L", "--on", "2026-01-15")
    ok(run, "labs", "add", "potassium", "3.9", "mmol/L", "--on", "2026-02-20")
    ok(run, "labs", "add", "magnesium", "1.5", "mg/dL", "--on", "2026-02-01", "--range", "1.7-2.2")
