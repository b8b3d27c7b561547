"""`spasmlog report factors`: which of the article's risk factors go with your spasms."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from spasmlog.cli.common import open_from, printable, trial_summary
from spasmlog.core import clock, parsing, settings, when
from spasmlog.core.errors import InvalidInput

app = typer.Typer()  # gathered under `spasmlog report` by spasmlog.cli.report

FORMATS = ("table", "json")
MAX_WINDOW_WEEKS = 52


def _threshold(text: str | None) -> int:
    mine = settings.load()
    if text is None:
        return int(mine["low_fluid_ml"])  # 1.5 L unless set
    millilitres = mine.fluid.parse(text, "--fluid-threshold")
    if millilitres < 1:
        raise InvalidInput("--fluid-threshold", text, 'Give a volume above zero, e.g. "1.5L".')
    return millilitres


def _window_weeks(text: str | None) -> int:
    if text is None:
        return 8
    weeks = parsing.parse_number(text, "--window-weeks", low=1, high=MAX_WINDOW_WEEKS)
    if weeks != int(weeks):
        raise InvalidInput("--window-weeks", text, f"Use whole weeks from 1 to {MAX_WINDOW_WEEKS}.")
    return int(weeks)


@app.command("factors")
def factors_report(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            help='First day: YYYY-MM-DD, "90 days ago" (default: your first episode or check-in).'
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Last day (default today).")] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    fluid_threshold: Annotated[
        str | None,
        typer.Option(
            help='A day with fluids below this counts as low: "1.5L", "6 glasses" (default: the '
            "low_fluid_ml setting, 1.5 L unless set)."
        ),
    ] = None,
    window_weeks: Annotated[
        str | None,
        typer.Option(help="Weeks before and after a medication change to compare (default 8)."),
    ] = None,
) -> None:
    """Which of the article's risk factors go with your spasms, with honest statistics.

    Compares spasms a day on check-in days with and without each factor (low fluids, fluid loss,
    the 24 h after vigorous exercise, magnesium, alcohol, hot weather, short sleep, each
    medication class, each of your tags), with a 95% interval, and says "not enough data" rather
    than guess. Days without a check-in are left out, not counted as zero; a day runs from noon
    to noon, so a night's cramps count with the evening before. Exercise counts only from
    `exercise add` and `checkin --exercise` (`checkin --no-exercise` says there was none), never
    from `log --exercise`. Medication changes get a before/after comparison; conditions and
    out-of-range labs are shown as context.

    Example: spasmlog report factors --since 2025-01-01 --fluid-threshold 2L
    """
    from spasmlog.reports import factors
    from spasmlog.reports import load as frames

    today = clock.today()
    first = when.parse_date(since, today, "--since") if since is not None else None
    end = when.parse_date(until, today, "--until") if until is not None else today
    if first is not None and first > end:
        raise InvalidInput("--since", since, f"It must be on or before --until ({end}).")
    chosen = parsing.parse_choice(format, "--format", FORMATS)
    options = factors.FactorOptions(
        fluid_threshold_ml=_threshold(fluid_threshold), window_weeks=_window_weeks(window_weeks)
    )

    store = open_from(ctx)
    if first is None:
        first = min(frames.observed_from(store) or end, end)
    loaded = frames.load(store, first, end, clock.now())
    if loaded.observed_from is None and chosen != "json":
        typer.echo(frames.NOTHING_YET)
        return
    report = factors.analyse(loaded, options)
    if chosen == "json":
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        trial = trial_summary(store, clock.now(), first, end)
        text = factors.render_text(report, trial.all if trial else ())
        typer.echo("\n".join(printable(line) for line in text.splitlines()))
