"""How spasmlog's charts look: the colour-blind-safe palette, the matplotlib style, date axes.

Shared by the weekly chart and the doctor summary so a panel looks the same on both. The style
starts from matplotlib's defaults, not the user's matplotlibrc, so output does not depend on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterator, Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import Formatter

from spasmlog.knowledge.factors import SEVERE_AT
from spasmlog.reports.weekly import MODERATE_AT

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
BAND_COLOURS = {
    "mild": OKABE_ITO["sky_blue"],
    "moderate": OKABE_ITO["orange"],
    "severe": OKABE_ITO["vermillion"],
    "not rated": OKABE_ITO["grey"],
}
BAND_LABELS = {
    "mild": f"mild (0-{MODERATE_AT - 1})",
    "moderate": f"moderate ({MODERATE_AT}-{SEVERE_AT - 1})",
    "severe": f"severe ({SEVERE_AT}-10)",
    "not rated": "severity not given",
}
SIDE_COLOURS = {
    "left": OKABE_ITO["blue"],
    "right": OKABE_ITO["orange"],
    "both": OKABE_ITO["purple"],
    "unsided": OKABE_ITO["grey"],
}
SIDE_LABELS = {"left": "left", "right": "right", "both": "both sides", "unsided": "no side"}
CLASS_COLOURS = {
    "statin": OKABE_ITO["orange"],
    "ace_inhibitor": OKABE_ITO["sky_blue"],
    "arb": OKABE_ITO["green"],
    "diuretic": OKABE_ITO["blue"],
    "corticosteroid": OKABE_ITO["vermillion"],
    "ssri": OKABE_ITO["purple"],
    "antipsychotic": OKABE_ITO["yellow"],
    "other": OKABE_ITO["grey"],
}
NO_DATA_COLOUR = "#7a7a7a"
OUTSIDE_COLOUR = "#ececec"  # days of the first/last week outside the period
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.0}
NIGHT_HOURS = ((0, 6), (22, 24))
STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "hatch.linewidth": 0.6,
    "text.parse_math": False,  # names typed by people ("Vitamin $D") are text, not formulas
    "svg.hashsalt": "spasmlog",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """matplotlib's defaults (not the user's matplotlibrc) plus ours: the same look everywhere."""
    with matplotlib.style.context(["default", STYLE]):
        yield


def say_empty(ax: Axes, text: str) -> None:
    """Say inside the panel that it has nothing to show, instead of leaving it blank."""
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        color="#444444",
        bbox={"facecolor": "white", "edgecolor": "#bbbbbb", "pad": 6},
    )


def day_number(value: dt.date) -> float:
    return float(mdates.date2num(dt.datetime.combine(value, dt.time())))


def day_numbers(values: Sequence[dt.date]) -> np.ndarray:
    """day_number of many dates at once (a 14-year fluid panel has 5,000 of them)."""
    return np.asarray(mdates.date2num(np.array(values, dtype="datetime64[D]")), dtype=float)


class _DateLabels(Formatter):
    """Tick labels "05 Jan" (days), "Jan" (months) or "2026" (years), with the year on the first
    tick and wherever it changes, so a chart crossing New Year reads unambiguously."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{mdates.num2date(x):%d %b %Y}"

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        days = [mdates.num2date(value) for value in values]
        step = (values[1] - values[0]) if len(values) > 1 else 1.0
        if step >= 360:
            return [f"{day:%Y}" for day in days]
        pattern = "%b" if step >= 28 else "%d %b"
        labels = []
        for i, day in enumerate(days):
            new_year = i == 0 or day.year != days[i - 1].year
            labels.append(f"{day:{pattern}}" + (f"\n{day:%Y}" if new_year else ""))
        return labels


def date_axis(ax: Axes, first: dt.date, last: dt.date, ticks: int = 13) -> None:
    """Readable date ticks from a few weeks to ten years: Mondays when short, else months/years;
    about `ticks` of them at most (fewer on a narrow panel)."""
    ax.set_xlim(day_number(first), day_number(last) + 1)
    weeks = (last - first).days / 7
    locator: mdates.DateLocator
    if weeks <= 2 * ticks:
        interval = max(1, math.ceil(weeks / ticks))
        locator = mdates.WeekdayLocator(byweekday=mdates.MO, interval=interval)
    else:
        locator = mdates.AutoDateLocator(minticks=min(4, ticks), maxticks=min(10, ticks))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_DateLabels())


def weeks_outline(ax: Axes, heights: Sequence[float], edges: Sequence[float], **style: Any) -> None:
    """Filled steps of a week each, as `ax.stairs` draws them, for a panel of hundreds of weeks:
    one patch instead of a bar per week. Added as an artist, so the axes do not walk its outline
    for their data limits (a tenth of a second at 700 weeks); the panel sets its own limits."""
    from matplotlib.patches import StepPatch

    ax.add_artist(StepPatch(heights, edges, fill=True, linewidth=0, **style))


def legend_above(ax: Axes, handles: Sequence[Any], ncol: int) -> None:
    """A legend between the panel's title and its plot, where it cannot cover data."""
    rows = math.ceil(len(handles) / ncol)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=ncol,
        handlelength=1.2,
        columnspacing=1.0,
        borderaxespad=0.2,
        borderpad=0.1,
    )
    ax.set_title(ax.get_title("left"), loc="left", pad=4 + 13 * rows)


def shade_outside(ax: Axes, start: dt.date, end: dt.date) -> None:
    """Grey out the days on a date axis that fall outside [start, end]."""
    low, high = ax.get_xlim()
    for left, right in ((low, day_number(start)), (day_number(end) + 1, high)):
        if right > left:
            ax.axvspan(left, right, color=OUTSIDE_COLOUR, linewidth=0, zorder=0)
    ax.set_xlim(low, high)
