"""A medication logged without a dose has no dose in the weekly panel, next to one that has one.

Blank text reaches the reports as NaN (pandas' str dtype), which is truthy: `dose or None` once
let it through, and the chart labelled the bar "Furosemide nan".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from matplotlib.figure import Figure

from spasmlog.core import clock
from spasmlog.db.store import open_store
from spasmlog.reports import chart_style, charts, weekly
from spasmlog.reports import load as frames
from tests.conftest import Run


def test_a_blank_dose_is_none_in_the_panel_and_absent_from_the_chart(
    run: Run, db_path: Path
) -> None:
    lipitor = run("meds", "add", "Lipitor", "--dose", "20 mg", "--started", "2026-01-10")
    furosemide = run("meds", "add", "Furosemide", "--started", "2026-01-12")
    assert (lipitor.exit_code, furosemide.exit_code) == (0, 0)
    diary = open_store(db_path)
    try:
        loaded = frames.load(diary, dt.date(2026, 1, 1), dt.date(2026, 2, 1), clock.now())
    finally:
        diary.close()

    panel = weekly.medication_panel(loaded)

    assert [(period.name, period.dose) for period in panel.periods] == [
        ("Lipitor", "20 mg"),
        ("Furosemide", None),
    ]
    with chart_style.chart_style():
        ax = Figure().add_subplot()
        charts.draw_medications(ax, panel)
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["Lipitor 20 mg", "Furosemide"]
