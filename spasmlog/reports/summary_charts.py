"""The doctor summary's two charts, drawn at the size they are printed.

- page 1: a compact chart of episodes a week (one colour, the 4-week mean, no-data weeks
  hatched), beside the key numbers;
- page 2: the weekly report's five panels (spasmlog.reports.charts) laid out on a portrait page,
  so that its tick labels and legends print at the chart style's own sizes (8-10 pt).

Both are PNG bytes with fixed metadata: the same diary gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.reports import charts, weekly
from spasmlog.reports.chart_style import (
    NO_DATA_COLOUR,
    OKABE_ITO,
    chart_style,
    date_axis,
    day_numbers,
    legend_above,
    shade_outside,
    weeks_outline,
)
from spasmlog.reports.documents.content import COMPACT_CHART_IN, PAGE_CHART_IN
from spasmlog.reports.load import Frames
from spasmlog.reports.weekly import WeekRow

COMPACT_TICKS = 4  # date ticks on page 1's chart (about 3 inches wide)
PAGE_TICKS = 8  # on page 2's date panels (about 6 inches wide)
MANY_WEEKS = 60  # beyond this, weeks are drawn as one filled outline rather than a bar each


def png(figure: Figure) -> bytes:
    """The figure as an RGB PNG at PNG_DPI, compressed fast: the figure is opaque, so no alpha
    channel for the PDF to split off, and the PDF compresses the pixels again anyway. No
    metadata: the same figure gives the same bytes."""
    from PIL import Image

    with chart_style():
        figure.set_dpi(charts.PNG_DPI)
        figure.canvas.draw()
        pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3]  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def draw_compact_weeks(ax: Axes, rows: Sequence[WeekRow]) -> None:
    """Episodes a week as plain bars with the 4-week mean: the trend at a glance."""
    ax.set_title("Episodes a week", fontsize=8.5, pad=4)
    ax.tick_params(labelsize=7, length=2, pad=1.5)
    if not rows:
        ax.set_yticks([])
        ax.set_xticks([])
        return
    date_axis(ax, rows[0].first_day, rows[-1].first_day + dt.timedelta(days=6), ticks=COMPACT_TICKS)
    starts = list(day_numbers([row.first_day for row in rows]))
    counts = [row.episodes for row in rows]
    colour = OKABE_ITO["sky_blue"]
    if len(rows) > MANY_WEEKS:
        weeks_outline(ax, counts, [*starts, starts[-1] + 7], color=colour)
    else:
        ax.bar([s + 3.5 for s in starts], counts, width=5.6, color=colour, edgecolor="black",
               linewidth=0.4, zorder=2)  # fmt: skip
    empty = [(start, 7.0) for start, row in zip(starts, rows, strict=True) if not row.has_data]
    if empty:
        ax.broken_barh(empty, (0, 1), transform=ax.get_xaxis_transform(), facecolor="none",
                       edgecolor=NO_DATA_COLOUR, hatch="///", linewidth=0, zorder=1)  # fmt: skip
    rolling = [math.nan if rate is None else rate for rate in weekly.rolling_rate(rows)]
    ax.plot([s + 3.5 for s in starts], rolling, color="black", linewidth=1.1, zorder=3)
    top = max(counts + [r for r in rolling if not math.isnan(r)] + [1])
    ax.set_ylim(0, top * 1.35 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    handles = [
        Patch(facecolor=colour, edgecolor="black", linewidth=0.4, label="episodes"),
        Line2D([], [], color="black", linewidth=1.1, label=f"{weekly.TREND_WEEKS}-week mean"),
    ]
    if empty:
        handles.append(Patch(facecolor="none", edgecolor=NO_DATA_COLOUR, hatch="///",
                             label="no data"))  # fmt: skip
    # beside the title, where it cannot cover a bar
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=6.5,
              handlelength=1.2, columnspacing=0.8, borderaxespad=0.1, handletextpad=0.4,
              borderpad=0.1)  # fmt: skip


def compact_figure(rows: Sequence[WeekRow]) -> Figure:
    """Page 1's chart, COMPACT_CHART_IN inches."""
    with chart_style():
        tight = ConstrainedLayoutEngine(w_pad=0.02, h_pad=0.02)  # inches around the panel
        figure = Figure(figsize=COMPACT_CHART_IN, layout=tight)
        FigureCanvasAgg(figure)
        draw_compact_weeks(figure.add_subplot(), rows)
    return figure


def _legend_above_in_two_columns(ax: Axes) -> None:
    """The weekly panel's legend (up to six entries, one of them long) between its title and
    its plot in two columns: in the panel's three it ran past the page's edge."""
    legend = ax.get_legend()
    if legend is None:
        return
    handles = list(legend.legend_handles)
    for handle, text in zip(handles, legend.get_texts(), strict=True):
        if handle is not None:
            handle.set_label(text.get_text())
    legend.remove()
    legend_above(ax, handles, ncol=2)


def page_figure(
    frames: Frames, rows: Sequence[WeekRow], threshold_ml: int, unit: FluidUnit = LITRES
) -> Figure:
    """Page 2's chart, PAGE_CHART_IN inches: the five panels of the weekly report, the three
    date panels one above the other on the period's dates, muscles and time of day below."""
    with chart_style():
        figure = Figure(figsize=PAGE_CHART_IN, layout="constrained")
        FigureCanvasAgg(figure)
        meds = weekly.medication_panel(frames)
        grid = figure.add_gridspec(
            4, 2, height_ratios=[3, 2.2, 0.9 + 0.28 * max(1, len(meds.periods)), 2.6]
        )
        weeks = figure.add_subplot(grid[0, :])
        fluids = figure.add_subplot(grid[1, :], sharex=weeks)
        medications = figure.add_subplot(grid[2, :], sharex=weeks)
        charts.draw_weekly_episodes(weeks, rows)
        _legend_above_in_two_columns(weeks)
        charts.draw_fluids(fluids, weekly.fluid_panel(frames, threshold_ml, unit))
        charts.draw_medications(medications, meds)
        charts.draw_muscles(figure.add_subplot(grid[3, 0]), weekly.muscle_sides(frames.episodes))
        charts.draw_time_of_day(figure.add_subplot(grid[3, 1]), weekly.hour_counts(frames.episodes))
        if rows:
            first, last = rows[0].first_day, rows[-1].first_day + dt.timedelta(days=6)
            date_axis(weeks, first, last, ticks=PAGE_TICKS)  # shared by the three date panels
            for axes in (weeks, fluids, medications):
                shade_outside(axes, frames.start, frames.end)
    return figure  # laid out when drawn: the summary draws it once
