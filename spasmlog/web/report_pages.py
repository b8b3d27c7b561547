"""The Reports page: the weekly table and chart (a same-origin SVG or PNG), the factor report,
and the doctor summary to read in the browser (with a policy of its own) or to download as PDF.

spasmlog.reports (pandas, matplotlib) is imported inside each route: the server starts without
it, and the Log page never loads it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, request

from spasmlog.core import clock, parsing, when
from spasmlog.core.errors import InvalidInput
from spasmlog.core.settings import FluidUnit
from spasmlog.diary import trials
from spasmlog.knowledge.muscles import label
from spasmlog.web import forms, security
from spasmlog.web.common import context, page, preferences

pages = Blueprint("reports", __name__)

CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
SUMMARY_DAYS = 90
MAX_WEEKS = 104


def _weeks() -> int:
    text = request.args.get("weeks") or "12"
    number = parsing.parse_number(text, "weeks", low=1, high=MAX_WEEKS)
    if number != int(number):
        raise InvalidInput("weeks", text, f"Use whole weeks from 1 to {MAX_WEEKS}.")
    return int(number)


def _weekly(weeks: int) -> tuple[Any, list[Any], dt.date, dt.date]:
    from spasmlog.reports import load as frames
    from spasmlog.reports import weekly

    store = context().store
    week_start = preferences().week_start
    start, end = weekly.period(clock.today(), weeks, None, None, week_start)
    loaded = frames.load(store, start, end, clock.now())
    return loaded, weekly.weekly_rows(loaded, week_start), start, end


def _row(row: Any, unit: FluidUnit) -> dict[str, str]:
    from spasmlog.reports import weekly

    if not row.has_data:
        return {"week": row.first_day.strftime("%d %b"), "nodata": "no data"}
    return {
        "week": row.first_day.strftime("%d %b"),
        "episodes": str(row.episodes),
        "worst": "-" if row.worst_severity is None else str(row.worst_severity),
        "woken": str(row.nights_woken),
        "checkins": f"{row.checkin_days}/{row.days}",
        "fluids": "-" if row.mean_fluid_ml is None else weekly.mean_fluids(row.mean_fluid_ml, unit),
        "muscle": label(row.top_muscle) if row.top_muscle else "-",
    }


@pages.get("/reports")
def reports() -> Response:
    from spasmlog.reports import weekly

    weeks = _weeks()
    loaded, rows, start, end = _weekly(weeks)
    trend = weekly.trend(rows).sentence() if loaded.observed_from is not None else ""
    return page(
        "reports.html",
        title="Reports",
        tab="reports",
        weeks=weeks,
        start=start,
        end=end,
        rows=[_row(row, preferences().fluid) for row in reversed(rows)],
        empty=loaded.observed_from is None,
        trend=trend,
    )


@pages.get("/reports/weekly.<kind>")
def weekly_chart(kind: str) -> Response:
    from spasmlog.reports import charts

    if kind not in CHART_TYPES:
        return page("refused.html", 404, title="Not found", message="Charts are .svg or .png.")
    weeks = _weeks()

    mine = preferences()

    def draw() -> bytes:
        loaded, rows, _, _ = _weekly(weeks)
        return charts.weekly_chart(loaded, rows, mine["low_fluid_ml"], kind, mine.fluid)

    key = ("weekly", kind, weeks, clock.today(), mine.fluid, mine["low_fluid_ml"], mine.week_start)
    data = context().chart(key, draw)
    return Response(data, mimetype=CHART_TYPES[kind])


@pages.get("/reports/factors")
def factor_report() -> Response:
    from spasmlog.reports import factors
    from spasmlog.reports import load as frames

    store = context().store
    end = clock.today()
    first = min(frames.observed_from(store) or end, end)
    loaded = frames.load(store, first, end, clock.now())
    text = ""
    if loaded.observed_from is not None:
        trial = _trial(first, end)
        options = factors.FactorOptions(fluid_threshold_ml=preferences()["low_fluid_ml"])
        report = factors.analyse(loaded, options)
        text = factors.render_text(report, trial.all if trial else ())
    return page(
        "factors.html",
        title="Factor report",
        tab="reports",
        lines=report_lines(text),
        start=first,
        end=end,
    )


def report_lines(text: str) -> list[tuple[str, str]]:
    """The factor report's text, its hard-wrapped lines joined again so that a phone wraps
    them: (kind, line) with kind "head" (a top-level line ending in ":"), "item" (a "- "
    point), "text" or "gap" (an empty line)."""
    lines: list[tuple[int, str]] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if stripped and lines and lines[-1][1].startswith("- ") and indent >= lines[-1][0] + 2:
            lines[-1] = (lines[-1][0], f"{lines[-1][1]} {stripped}")
        else:
            lines.append((indent, stripped))
    kinds = []
    for indent, line in lines:
        if not line:
            kinds.append(("gap", ""))
        elif line.startswith("- "):
            kinds.append(("item", line[2:]))
        elif indent == 0 and line.endswith(":"):
            kinds.append(("head", line))
        else:
            kinds.append(("text", line))
    return kinds


def _trial(first: dt.date, last: dt.date) -> Any:
    from spasmlog.reports.trial import summarise

    with context().reading() as session:
        found = trials.for_period(session, clock.now(), first, last)
    return None if found is None else summarise(found)


def _summary(format: str) -> tuple[bytes, dt.date, dt.date]:
    from spasmlog.reports import load as frames
    from spasmlog.reports import summary, weekly
    from spasmlog.reports.documents import render

    store = context().store
    now = clock.now()
    last = now.date()
    paper = parsing.parse_choice(request.args.get("paper") or "a4", "paper", ("a4", "letter"))
    text = request.args.get("from")
    first = (
        when.parse_date(text, last, "from")
        if text
        else weekly.default_start(
            last - dt.timedelta(days=SUMMARY_DAYS - 1), frames.observed_from(store), last
        )
    )
    mine = preferences()
    data = summary.build(
        store, first, last, now, trial=_trial(first, last), unit=mine.fluid,
        low_fluid_ml=mine["low_fluid_ml"], week_start=mine.week_start,
    )  # fmt: skip
    return render.render(data, format, paper), first, last


@pages.get("/reports/summary")
def summary_page() -> Response:
    try:
        document, _, _ = _summary("html")
    except InvalidInput as error:
        return page("refused.html", 400, title="Not shown", message=forms.message(error))
    text = document.decode()
    response = Response(text, mimetype="text/html")
    response.headers["Content-Security-Policy"] = security.document_policy(text)
    return response


@pages.get("/reports/summary.pdf")
def summary_pdf() -> Response:
    document, first, last = _summary("pdf")
    response = Response(document, mimetype="application/pdf")
    name = f"spasmlog-summary-{first}-to-{last}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
