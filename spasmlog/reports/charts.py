"""The weekly chart: five panels drawn on Axes from plain data, and byte-identical files.

Each `draw_*(ax, data)` takes a matplotlib Axes and plain data from `spasmlog.reports.weekly`, so the
doctor summary can place the same panels on its own page. Drawing happens on a bare `Figure` with
the Agg canvas: no pyplot, no window, no global state. Colours are the Okabe-Ito palette (safe for
colour-blind readers) and every bar has a dark edge so the chart survives a grey-scale printer.
Files carry no dates or versions, so the same diary and options give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.knowledge.factors import DISCLAIMER
from spasmlog.reports import weekly
from spasmlog.reports.chart_style import (
    BAND_COLOURS,
    BAND_LABELS,
    CLASS_COLOURS,
    LABEL_BOX,
    NIGHT_HOURS,
    NO_DATA_COLOUR,
    OKABE_ITO,
    SIDE_COLOURS,
    SIDE_LABELS,
    chart_style,
    date_axis,
    day_number,
    day_numbers,
    legend_above,
    say_empty,
    shade_outside,
    weeks_outline,
)
from spasmlog.reports.load import Frames
from spasmlog.reports.weekly import FluidPanel, MedicationPanel, MuscleSides, WeekRow

FORMATS = ("png", "svg", "pdf")
A4_LANDSCAPE_IN = (11.69, 8.27)
PNG_DPI = 150
TOP_MUSCLES = 8  # the rest are summed into one "other muscles" bar
METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "pdf": {"Creator": "spasmlog", "Producer": "spasmlog", "CreationDate": None, "ModDate": None},
    "svg": {"Creator": "spasmlog", "Date": None},
}


def _span(rows: Sequence[WeekRow]) -> tuple[dt.date, dt.date]:
    return rows[0].first_day, rows[-1].first_day + dt.timedelta(days=6)


# --- 1. episodes a week -----------------------------------------------------------------------


def draw_weekly_episodes(ax: Axes, rows: Sequence[WeekRow]) -> None:
    """Bars of episodes a week coloured by worst severity, the 4-week mean, hatched no-data weeks."""
    ax.set_title("Episodes a week, by the week's worst severity")
    ax.set_ylabel("Episodes (per week)")
    if not rows:
        say_empty(ax, "No weeks in this period")
        return
    first, last = _span(rows)
    date_axis(ax, first, last)
    many = len(rows) > 60
    width = 5.6
    handles: list[Any] = []
    starts = day_numbers([row.first_day for row in rows])
    for band, colour in BAND_COLOURS.items():
        picked = [row for row in rows if row.episodes and row.band == band]
        if not picked:
            continue
        for alpha, complete in ((1.0, True), (0.45, False)):
            group = [row for row in picked if row.complete == complete]
            if not group:
                continue
            if many:  # bars a week wide without edges: one outline, not a patch per week
                heights = [
                    row.episodes if row.band == band and row.complete == complete else 0
                    for row in rows
                ]
                weeks_outline(ax, heights, [*starts, starts[-1] + 7], color=colour, alpha=alpha,
                              zorder=2)  # fmt: skip
                continue
            ax.bar(
                [day_number(row.first_day) + 3.5 for row in group],
                [row.episodes for row in group],
                width=width,
                color=colour,
                edgecolor="black",
                linewidth=0.5,
                alpha=alpha,
                zorder=2,
            )
        handles.append(
            Patch(facecolor=colour, edgecolor="black", linewidth=0.5, label=BAND_LABELS[band])
        )
    if any(row.episodes and not row.complete for row in rows):
        handles.append(
            Patch(
                facecolor="#b0b0b0",
                alpha=0.45,
                edgecolor="black",
                linewidth=0.5,
                label="paler: week not complete (partly outside the period or not over)",
            )
        )
    empty = [(day_number(row.first_day), 7.0) for row in rows if not row.has_data]
    if empty:
        ax.broken_barh(
            empty,
            (0, 1),
            transform=ax.get_xaxis_transform(),
            facecolor="none",
            edgecolor=NO_DATA_COLOUR,
            hatch="///",
            linewidth=0,
            zorder=1,
        )
        handles.append(
            Patch(
                facecolor="none",
                edgecolor=NO_DATA_COLOUR,
                hatch="///",
                label="no data (before the diary began)",
            )
        )
    rolling = [math.nan if rate is None else rate for rate in weekly.rolling_rate(rows)]
    ax.plot(
        starts + 3.5,
        rolling,
        color="black",
        linewidth=1.6,
        marker=None if many else "o",
        markersize=3,
        zorder=3,
    )
    handles.append(
        Line2D(
            [],
            [],
            color="black",
            linewidth=1.6,
            marker=None if many else "o",
            markersize=3,
            label=f"{weekly.TREND_WEEKS}-week mean (complete weeks)",
        )
    )
    top = max([row.episodes for row in rows] + [r for r in rolling if not math.isnan(r)] + [1])
    ax.set_ylim(0, top * 1.45 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax.legend(handles=handles, loc="upper left", ncol=3, handlelength=1.6, columnspacing=1.2)
    if not any(row.episodes for row in rows):
        say_empty(ax, "No episodes in this period")


# --- 2. muscles by side -----------------------------------------------------------------------


def draw_muscles(ax: Axes, muscles: Sequence[MuscleSides]) -> None:
    """Horizontal bars per muscle split by side; the most affected on top."""
    ax.set_title("Muscles affected, by side")
    ax.set_xlabel("Episodes (whole period)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    if not muscles:
        ax.set_yticks([])
        ax.set_xticks([])
        say_empty(ax, "No episodes in this period")
        return
    shown = list(muscles[:TOP_MUSCLES])
    rest = muscles[TOP_MUSCLES:]
    if rest:
        shown.append(
            MuscleSides(
                "other",
                f"{len(rest)} other muscles",
                sum(m.left for m in rest),
                sum(m.right for m in rest),
                sum(m.both for m in rest),
                sum(m.unsided for m in rest),
            )
        )
    positions = list(range(len(shown)))
    left = [0] * len(shown)
    for side in weekly.SIDES:
        counts = [getattr(muscle, side) for muscle in shown]
        if not any(counts):
            continue
        ax.barh(
            positions,
            counts,
            left=left,
            height=0.65,
            color=SIDE_COLOURS[side],
            edgecolor="black",
            linewidth=0.5,
            label=SIDE_LABELS[side],
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    for position, muscle in zip(positions, shown, strict=True):
        ax.text(muscle.total, position, f" {muscle.total:,}", va="center", fontsize=8)
    ax.set_yticks(positions, [muscle.label for muscle in shown])
    ax.set_ylim(max(len(shown), 5) - 0.5, -0.5)  # same bar thickness for one muscle or nine
    ax.set_xlim(0, max(muscle.total for muscle in shown) * 1.15 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    legend_above(ax, ax.get_legend_handles_labels()[0], ncol=2)


# --- 3. time of day ---------------------------------------------------------------------------


def draw_time_of_day(ax: Axes, hours: Sequence[int]) -> None:
    """Episodes by the local hour they started, night hours shaded."""
    ax.set_title("Time of day (episode starts)")
    ax.set_xlabel("Hour of day (local time)")
    ax.set_ylabel("Episodes")
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3), [f"{hour:02d}" for hour in range(0, 25, 3)])
    for start, end in NIGHT_HOURS:
        ax.axvspan(start, end, color="#e4e4ee", zorder=0, linewidth=0)
    if not any(hours):
        say_empty(ax, "No episodes in this period")
        ax.set_yticks([])
        return
    colours = [
        OKABE_ITO["blue"] if hour < 6 or hour >= 22 else OKABE_ITO["sky_blue"] for hour in range(24)
    ]
    ax.bar(
        [hour + 0.5 for hour in range(24)],
        list(hours),
        width=0.85,
        color=colours,
        edgecolor="black",
        linewidth=0.5,
        zorder=2,
    )
    ax.set_ylim(0, max(hours) * 1.3 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    legend_above(
        ax,
        [
            Patch(
                facecolor=OKABE_ITO["blue"],
                edgecolor="black",
                linewidth=0.5,
                label="night (22-06 h, shaded)",
            ),
            Patch(facecolor=OKABE_ITO["sky_blue"], edgecolor="black", linewidth=0.5, label="day"),
        ],
        ncol=2,
    )


# --- 4. daily fluids --------------------------------------------------------------------------


def draw_fluids(ax: Axes, data: FluidPanel) -> None:
    """Fluids a day in the person's unit on check-in days (gaps where none), episode days
    marked, the low line."""
    unit = data.unit
    ax.set_title("Fluids a day (check-in days) and episode days")
    ax.set_ylabel(f"Fluids ({unit.label} a day)")
    date_axis(ax, data.start, data.end)
    threshold = unit.amount(data.threshold_ml)
    by_day = dict(data.fluids)
    days = [data.start + dt.timedelta(days=i) for i in range((data.end - data.start).days + 1)]
    litres = [unit.amount(by_day[day]) if day in by_day else math.nan for day in days]
    handles: list[Any] = []
    long = (data.end - data.start).days > 180  # markers would merge into a band
    if data.fluids:
        ax.plot(
            day_numbers(days) + 0.5,
            litres,
            color=OKABE_ITO["blue"],
            linewidth=0.6 if long else 1.0,
            zorder=2,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=OKABE_ITO["blue"],
                marker=None if long else "o",
                markersize=4,
                label="check-in day",
            )
        )
    if data.fluids and not long:
        low = [(day, unit.amount(ml)) for day, ml in data.fluids if ml < data.threshold_ml]
        ok = [(day, unit.amount(ml)) for day, ml in data.fluids if ml >= data.threshold_ml]
        ax.plot(
            [day_number(day) + 0.5 for day, _ in ok],
            [value for _, value in ok],
            linestyle="none",
            marker="o",
            markersize=4,
            color=OKABE_ITO["blue"],
            zorder=3,
        )
        if low:
            ax.plot(
                [day_number(day) + 0.5 for day, _ in low],
                [value for _, value in low],
                linestyle="none",
                marker="s",
                markersize=4,
                color=OKABE_ITO["vermillion"],
                zorder=3,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="s",
                    markersize=4,
                    color=OKABE_ITO["vermillion"],
                    label="below threshold",
                )
            )
    ax.axhline(threshold, color=OKABE_ITO["vermillion"], linestyle="--", linewidth=1.2, zorder=4)
    handles.append(
        Line2D(
            [],
            [],
            color=OKABE_ITO["vermillion"],
            linestyle="--",
            linewidth=1.2,
            label=f"low-fluid threshold {unit.show(data.threshold_ml)}",
        )
    )
    if data.episode_days:
        marker: dict[str, Any] = (
            {"marker": "|", "markersize": 7, "markeredgewidth": 0.6}
            if long
            else {"marker": "^", "markersize": 5}
        )
        ax.plot(
            day_numbers(data.episode_days) + 0.5,
            [0.04] * len(data.episode_days),
            transform=ax.get_xaxis_transform(),
            linestyle="none",
            color="black",
            zorder=4,
            clip_on=False,
            **marker,
        )
        handles.append(
            Line2D([], [], linestyle="none", color="black", label="episode day", **marker)
        )
    top = max([unit.amount(ml) for _, ml in data.fluids] + [threshold])
    ax.set_ylim(0, top * 1.45)
    ax.legend(handles=handles, loc="upper left", ncol=4, handlelength=1.6, columnspacing=1.2)
    if not data.fluids:
        say_empty(ax, "No check-ins with fluids in this period")


# --- 5. medication timeline -------------------------------------------------------------------


def _med_label(period: weekly.MedPeriod) -> str:
    text = f"{period.name} {period.dose}" if period.dose else period.name
    safe = "".join(ch if ch.isprintable() else " " for ch in text)
    return safe if len(safe) <= 28 else safe[:27] + "…"


def draw_medications(ax: Axes, data: MedicationPanel) -> None:
    """One bar per medication period from start to stop, coloured by the article's class."""
    ax.set_title("Medications, from start to stop (colour: class)")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x")
    date_axis(ax, data.start, data.end)
    if not data.periods:
        ax.set_yticks([])
        say_empty(ax, "No medications recorded for this period")
        return
    low, high = ax.get_xlim()
    for position, period in enumerate(data.periods):
        start = max(day_number(period.started_on), low)
        stop = high if period.stopped_on is None else min(day_number(period.stopped_on) + 1, high)
        colour = CLASS_COLOURS.get(period.drug_class, OKABE_ITO["grey"])
        ax.barh(
            position,
            stop - start,
            left=start,
            height=0.6,
            zorder=2,
            color=colour,
            edgecolor="black",
            linewidth=0.5,
        )
        if period.stopped_on is None:
            ax.text(
                stop,
                position,
                "ongoing ",
                ha="right",
                va="center",
                fontsize=7.5,
                bbox=LABEL_BOX,
                zorder=3,
            )
        if day_number(period.started_on) < low:
            ax.text(
                start,
                position,
                f" since {period.started_on}",
                ha="left",
                va="center",
                fontsize=7.5,
                bbox=LABEL_BOX,
                zorder=3,
            )
    ax.set_yticks(range(len(data.periods)), [_med_label(period) for period in data.periods])
    ax.set_ylim(len(data.periods) - 0.4, -0.6)
    classes = dict.fromkeys(period.drug_class for period in data.periods)
    legend_above(
        ax,
        [
            Patch(
                facecolor=CLASS_COLOURS.get(c, OKABE_ITO["grey"]),
                edgecolor="black",
                linewidth=0.5,
                label=CLASS_INFO[c].label if c in CLASS_INFO else c,
            )
            for c in classes
        ],
        ncol=4,
    )


# --- the figure and its files -----------------------------------------------------------------


def weekly_figure(
    frames: Frames, rows: Sequence[WeekRow], threshold_ml: int, unit: FluidUnit = LITRES
) -> Figure:
    """The five panels on one A4-landscape figure; the date panels share panel 1's dates."""
    with chart_style():
        figure = Figure(figsize=A4_LANDSCAPE_IN, layout="constrained")
        FigureCanvasAgg(figure)
        grid = figure.add_gridspec(3, 2, width_ratios=[1.9, 1.15], height_ratios=[3, 2.2, 1.6])
        weeks = figure.add_subplot(grid[0, 0])
        fluids = figure.add_subplot(grid[1, 0], sharex=weeks)
        meds = figure.add_subplot(grid[2, 0], sharex=weeks)
        right = grid[:, 1].subgridspec(2, 1, height_ratios=[1.3, 1])
        draw_weekly_episodes(weeks, rows)
        draw_muscles(figure.add_subplot(right[0]), weekly.muscle_sides(frames.episodes))
        draw_time_of_day(figure.add_subplot(right[1]), weekly.hour_counts(frames.episodes))
        draw_fluids(fluids, weekly.fluid_panel(frames, threshold_ml, unit))
        draw_medications(meds, weekly.medication_panel(frames))
        if rows:
            first, last = _span(rows)
            weeks.set_xlim(day_number(first), day_number(last) + 1)
            for axes in (weeks, fluids, meds):
                shade_outside(axes, frames.start, frames.end)
        total = len(frames.episodes)
        figure.suptitle(
            f"spasmlog weekly report: {frames.start} to {frames.end}  ·  {len(rows)} weeks  ·  "
            f"{total:,} episode{'' if total == 1 else 's'}",
            fontsize=13,
            fontweight="bold",
        )
        figure.supxlabel(DISCLAIMER, fontsize=8, color="#555555")
        # Lay out once and freeze it: every later save then draws the same positions (a fresh
        # layout would start from the last one and can move a tick), and saves run faster.
        figure.draw_without_rendering()
        figure.set_layout_engine("none")
    return figure


def save_figure(
    figure: Figure, target: str | Path | IO[bytes], format: str, dpi: int = PNG_DPI
) -> None:
    """Write PNG, SVG or PDF with fixed metadata: no dates, no versions, the same bytes each run."""
    if format not in FORMATS:
        raise ValueError(f"unknown chart format {format!r}")
    with chart_style():
        figure.savefig(target, format=format, dpi=dpi, metadata=METADATA[format])


def weekly_chart(
    frames: Frames,
    rows: Sequence[WeekRow],
    threshold_ml: int,
    format: str,
    unit: FluidUnit = LITRES,
) -> bytes:
    buffer = io.BytesIO()
    save_figure(weekly_figure(frames, rows, threshold_ml, unit), buffer, format)
    return buffer.getvalue()


def weekly_chart_png(frames: Frames, rows: Sequence[WeekRow], threshold_ml: int) -> bytes:
    """The weekly chart as PNG bytes (A4 landscape, PNG_DPI), for the doctor summary to embed."""
    return weekly_chart(frames, rows, threshold_ml, "png")
