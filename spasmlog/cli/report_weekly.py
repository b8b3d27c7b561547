"""`spasmlog report weekly`: the weekly table in the terminal and the five-panel chart as a file."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from spasmlog.cli.common import open_from
from spasmlog.core import clock, settings, when
from spasmlog.core.errors import Conflict, InvalidInput
from spasmlog.core.paths import write_private_bytes
from spasmlog.core.settings import FluidUnit

app = typer.Typer()  # gathered under `spasmlog report` by spasmlog.cli.report

CHART_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
# The system's "open this file" command; Linux desktops and BSDs have xdg-open.
OPENER = "open" if sys.platform == "darwin" else "xdg-open"


def _parse_threshold(text: str | None, default_ml: int, unit: FluidUnit) -> int:
    if text is None:
        return default_ml  # the low_fluid_ml setting (1.5 L unless set)
    millilitres = unit.parse(text, "--fluid-threshold")
    if millilitres < 1:
        raise InvalidInput("--fluid-threshold", text, 'Give a volume above zero, e.g. "1.5L".')
    return millilitres


def _chart_path(out: Path | None, end: dt.date, force: bool) -> tuple[Path, str]:
    """Where the chart goes and in which format; an existing file is kept unless --force."""
    path = (out or Path(f"spasmlog-weekly-{end.isoformat()}.png")).expanduser().absolute()
    chart_format = CHART_FORMATS.get(path.suffix.lower())
    if chart_format is None:
        raise InvalidInput("--out", str(out), "Give a file name ending in .png, .svg or .pdf.")
    if path.is_dir():
        raise InvalidInput("--out", str(out), "That is a folder; give a file name inside it.")
    if path.exists() and not force:
        raise Conflict(
            f"{path} already exists. Add --force to replace it, or choose another name with --out."
        )
    return path, chart_format


def _open_with_viewer(path: Path) -> str:
    """Hand the file to the system viewer without waiting for it; says what happened."""
    opener = shutil.which(OPENER)
    if opener is None:
        return f"No system viewer found ({OPENER} is not installed); open {path} yourself."
    subprocess.Popen(
        [opener, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return f"Opened it with {OPENER}."


@app.command("weekly")
def weekly_report(
    ctx: typer.Context,
    weeks: Annotated[
        int | None,
        typer.Option(
            help="How many weeks (from Monday, or Sunday with the week_start setting), ending "
            "with this week (default 12)."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help='First day instead of --weeks: YYYY-MM-DD, "30 days ago", "monday".'),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Last day (default today).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Chart file: .png, .svg or .pdf (default spasmlog-weekly-<last day>.png here)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the chart file if it exists.")
    ] = False,
    open_chart: Annotated[
        bool, typer.Option("--open", help="Open the chart with the system viewer afterwards.")
    ] = False,
    fluid_threshold: Annotated[
        str | None,
        typer.Option(
            help='Daily fluids below this count as low: "1.5L", "6 glasses" (default: the '
            "low_fluid_ml setting, 1.5 L unless set)."
        ),
    ] = None,
    no_chart: Annotated[
        bool, typer.Option("--no-chart", help="Print the table only; write no chart file.")
    ] = False,
) -> None:
    """Weekly table and chart: episodes, severity, nights woken, fluids, medications, trend.

    One row per week, Monday to Sunday (or Sunday to Saturday: `spasmlog config set week_start
    sunday`); fluids in your unit (`fluid_unit`). Every week from your first entry on counts (a week without
    episodes is 0); weeks before it say "no data". A night's episodes count for the day it began
    (noon to noon). The last line compares the latest 4 complete weeks with the 4 before.
    The chart has five panels on one A4-landscape page, the same bytes for the same diary.
    An existing chart file is only replaced with --force.

    Example: spasmlog report weekly --weeks 8 --out weekly.pdf
    """
    from spasmlog.reports import charts, weekly
    from spasmlog.reports import load as frames

    mine = settings.load()
    today = clock.today()
    first = when.parse_date(since, today, "--since") if since is not None else None
    last = when.parse_date(until, today, "--until") if until is not None else None
    start, end = weekly.period(today, weeks, first, last, mine.week_start)
    threshold_ml = _parse_threshold(fluid_threshold, mine["low_fluid_ml"], mine.fluid)
    path, chart_format = (None, "") if no_chart else _chart_path(out, end, force)

    store = open_from(ctx)
    if first is None and weeks is None:
        start = weekly.default_start(start, frames.observed_from(store), end)
    loaded = frames.load(store, start, end, clock.now())
    if loaded.observed_from is None:
        typer.echo(frames.NOTHING_YET)
        return
    rows = weekly.weekly_rows(loaded, mine.week_start)
    if path is not None:
        chart = charts.weekly_chart(loaded, rows, threshold_ml, chart_format, mine.fluid)
        write_private_bytes(path, chart, overwrite=force)

    typer.echo(f"Weekly report {start} to {end} ({len(rows)} weeks, local time)\n")
    typer.echo(weekly.render_table(rows, weekly.trend(rows), mine.fluid))
    if path is None:
        return
    typer.echo(f"\nChart written to {path}")
    if open_chart:
        typer.echo(_open_with_viewer(path))
