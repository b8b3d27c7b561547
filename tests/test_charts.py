"""The chart: the numbers behind every panel, the files read back, and their fixed bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import struct
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import matplotlib.dates as mdates
import numpy as np
import pypdf
import pytest
from matplotlib import image
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch

from spasmlog.core.settings import FluidUnit
from spasmlog.reports import chart_style, charts, summary_charts, weekly
from spasmlog.reports import load as frames
from spasmlog.reports.documents.content import COMPACT_CHART_IN, PAGE_CHART_IN
from spasmlog.reports.weekly import FluidPanel, MedicationPanel, MedPeriod
from tests.test_weekly import CHECKINS, END, START, build_known_diary, load

ORANGE, GREY, VERMILLION = (
    chart_style.OKABE_ITO[c].lower() for c in ("orange", "grey", "vermillion")
)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> frames.Frames:
    path = tmp_path_factory.mktemp("known") / "diary.db"
    build_known_diary(path)
    return load(path)


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> frames.Frames:
    return load(tmp_path_factory.mktemp("empty") / "diary.db")


@pytest.fixture
def ax() -> Iterator[Axes]:
    with chart_style.chart_style():
        yield Figure().add_subplot()


def _day(value: float) -> dt.date:
    return mdates.num2date(value).date()


def _bars(ax: Axes) -> list[tuple[str | None, float, float, float, str]]:
    """(label, x, width, height, colour) of every bar, horizontal or vertical."""
    return [
        (
            container.get_label(),
            patch.get_x(),
            patch.get_width(),
            patch.get_height(),
            to_hex(patch.get_facecolor(), keep_alpha=False),
        )
        for container in ax.containers
        for patch in container
    ]


def _texts(ax: Axes) -> list[str]:
    return [text.get_text() for text in ax.texts]


def _xy(line: Line2D) -> tuple[list[float], list[float]]:
    return (
        np.asarray(line.get_xdata(), dtype=float).tolist(),
        np.asarray(line.get_ydata(), dtype=float).tolist(),
    )


def _legend(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [text.get_text() for text in legend.get_texts()]


# --- the numbers behind each panel ------------------------------------------------------------


def test_weekly_panel_bars_bands_gaps_and_mean(known: frames.Frames, ax: Axes) -> None:
    rows = weekly.weekly_rows(known)
    charts.draw_weekly_episodes(ax, rows)
    bars = sorted(
        (_day(x + width / 2 - 3.5), height, colour)  # bars are centred mid-week
        for _, x, width, height, colour in _bars(ax)
    )
    assert bars == [
        (dt.date(2026, 1, 19), 3, ORANGE),  # worst 7: moderate, since severe starts at 8
        (dt.date(2026, 2, 9), 1, GREY),  # no severity given
        (dt.date(2026, 2, 23), 2, VERMILLION),  # worst 9: severe
        (dt.date(2026, 3, 2), 1, ORANGE),
        (dt.date(2026, 3, 9), 2, ORANGE),
    ]
    hatched = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_hatch()]
    assert hatched == []  # every week is observed: episode-free ones are 0, not "no data"
    (mean_line,) = ax.lines
    assert _xy(mean_line)[1] == pytest.approx([3, 1.5, 1, 1, 0.25, 0.75, 1, 1.25])
    assert (_day(ax.get_xlim()[0]), _day(ax.get_xlim()[1])) == (START, END + dt.timedelta(days=1))
    assert ax.get_ylabel() == "Episodes (per week)"


def test_weeks_before_the_diary_began_are_hatched(tmp_path: Path, ax: Axes) -> None:
    path = tmp_path / "diary.db"
    build_known_diary(path)
    rows = weekly.weekly_rows(load(path, dt.date(2026, 1, 5), END))
    charts.draw_weekly_episodes(ax, rows)
    hatched = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_hatch()]
    edges = [np.asarray(path.vertices)[:, 0] for path in hatched[0].get_paths()]
    assert [(_day(xs.min()), xs.max() - xs.min()) for xs in edges] == [(dt.date(2026, 1, 5), 7)]
    assert "no data (before the diary began)" in _legend(ax)


def test_muscle_panel_bars_by_side(known: frames.Frames, ax: Axes) -> None:
    charts.draw_muscles(ax, weekly.muscle_sides(known.episodes))
    widths: dict[str | None, list[float]] = {}
    for label, _, width, _, _ in _bars(ax):
        widths.setdefault(label, []).append(width)
    assert widths == {
        "left": [2, 1, 1, 0, 0],
        "right": [1, 0, 0, 0, 0],
        "both sides": [1, 0, 0, 0, 0],
        "no side": [0, 1, 0, 1, 1],
    }
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [
        "Calf",
        "Foot",
        "Hamstring",
        "Lower back",
        "Neck",
    ]
    assert _texts(ax) == [" 4", " 2", " 1", " 1", " 1"]


def test_muscle_panel_groups_the_rest(ax: Axes) -> None:
    muscles = [weekly.MuscleSides(f"m{i:02d}", f"M{i:02d}", 20 - i, 0, 0, 1) for i in range(11)]
    charts.draw_muscles(ax, muscles)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels[-1] == "3 other muscles" and len(labels) == charts.TOP_MUSCLES + 1
    assert _texts(ax)[-1] == f" {sum(m.total for m in muscles[charts.TOP_MUSCLES :])}"


def test_time_of_day_panel_has_24_hours(known: frames.Frames, ax: Axes) -> None:
    hours = weekly.hour_counts(known.episodes)
    charts.draw_time_of_day(ax, hours)
    bars = _bars(ax)
    assert [height for *_, height, _ in bars] == list(hours)
    assert [round(x + width / 2, 1) for _, x, width, _, _ in bars] == [h + 0.5 for h in range(24)]
    assert ax.get_xlabel() == "Hour of day (local time)"


def test_fluid_panel_daily_litres_threshold_and_episode_days(
    known: frames.Frames, ax: Axes
) -> None:
    data = weekly.fluid_panel(known, 1500)
    charts.draw_fluids(ax, data)
    daily, ok, low, threshold, episode_days = (_xy(line) for line in ax.lines)
    values = {_day(x - 0.5): y for x, y in zip(*daily, strict=True) if not math.isnan(y)}
    assert values == {day: ml / 1000 for day, ml in CHECKINS.items() if ml is not None}
    assert len(daily[0]) == (END - START).days + 1  # missing days are gaps, not zeros
    assert sorted(low[1]) == [0.9, 1.0, 1.2]  # below 1.5 L; 1.5 L itself is not low
    assert len(ok[1]) == len(values) - 3
    assert threshold[1] == [1.5, 1.5]
    assert [_day(x - 0.5) for x in episode_days[0]] == list(data.episode_days)
    assert ax.get_ylabel() == "Fluids (litres a day)"


def test_fluid_threshold_follows_the_option(known: frames.Frames, ax: Axes) -> None:
    charts.draw_fluids(ax, weekly.fluid_panel(known, 2000))
    low = next(line for line in ax.lines if line.get_marker() == "s")
    assert len(_xy(low)[1]) == 3 + 1 + 7  # 1.2, 1.0, 0.9, then 1.6 and the seven 1.5 L days
    assert "low-fluid threshold 2 L" in _legend(ax)


def test_medication_panel_periods_clipped_and_coloured(known: frames.Frames, ax: Axes) -> None:
    charts.draw_medications(ax, weekly.medication_panel(known))
    bars = [(_day(x), _day(x + width), colour) for _, x, width, _, colour in _bars(ax)]
    assert bars == [
        (START, dt.date(2026, 2, 1), chart_style.CLASS_COLOURS["diuretic"].lower()),  # began before
        (
            dt.date(2026, 2, 16),
            END + dt.timedelta(days=1),
            chart_style.CLASS_COLOURS["statin"].lower(),
        ),
    ]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [
        "Furosemide 40 mg",
        "Atorvastatin 20 mg",
    ]
    assert _texts(ax) == [" since 2025-12-01", "ongoing "]
    assert _legend(ax) == ["Diuretics", "Statins"]


def test_names_are_text_not_formulas(ax: Axes) -> None:
    period = MedPeriod(
        "Vitamin $D$ 1000 IU", None, "other", "Other medications", dt.date(2026, 1, 1), None
    )
    charts.draw_medications(ax, MedicationPanel(START, END, (period,)))
    assert isinstance(ax.figure, Figure)
    ax.figure.savefig(io.BytesIO(), format="png")  # mathtext would fail on the lone "$"
    assert ax.get_yticklabels()[0].get_text() == "Vitamin $D$ 1000 IU"


@pytest.mark.parametrize(
    ("draw", "data", "message"),
    [
        (charts.draw_weekly_episodes, [], "No weeks in this period"),
        (charts.draw_muscles, [], "No episodes in this period"),
        (charts.draw_time_of_day, (0,) * 24, "No episodes in this period"),
        (
            charts.draw_fluids,
            FluidPanel(START, END, (), (), 1500),
            "No check-ins with fluids in this period",
        ),
        (
            charts.draw_medications,
            MedicationPanel(START, END, ()),
            "No medications recorded for this period",
        ),
    ],
)
def test_empty_panels_say_so(ax: Axes, draw: object, data: object, message: str) -> None:
    draw(ax, data)  # type: ignore[operator]
    assert message in _texts(ax)
    assert ax.get_title("left")


def test_weekly_panel_with_weeks_but_no_episodes(empty: frames.Frames, ax: Axes) -> None:
    rows = weekly.weekly_rows(empty)
    charts.draw_weekly_episodes(ax, rows)
    assert "No episodes in this period" in _texts(ax)
    hatched = next(c for c in ax.collections if c.get_hatch())
    assert len(hatched.get_paths()) == len(rows)


# --- the files --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def figure(known: frames.Frames) -> Figure:
    return charts.weekly_figure(known, weekly.weekly_rows(known), 1500)


@pytest.fixture(scope="module")
def files(figure: Figure) -> dict[str, bytes]:
    written = {}
    for chart_format in charts.FORMATS:
        buffer = io.BytesIO()
        charts.save_figure(figure, buffer, chart_format)
        written[chart_format] = buffer.getvalue()
    return written


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    return chunks


def _assert_every_panel_drawn(figure: Figure, png: bytes) -> None:
    """Inside each panel's area some pixels differ from the white background."""
    pixels = image.imread(io.BytesIO(png))
    scale = charts.PNG_DPI / figure.dpi
    height = pixels.shape[0]
    assert len(figure.axes) == 5
    for axes in figure.axes:
        box = axes.get_window_extent()
        x0, x1 = int(box.x0 * scale) + 4, int(box.x1 * scale) - 4
        y0, y1 = height - int(box.y1 * scale) + 4, height - int(box.y0 * scale) - 4
        inside = pixels[y0:y1, x0:x1, :3]
        drawn = (inside < 0.95).any(axis=2).mean()
        assert drawn > 0.002, axes.get_title("left")


def test_png_reads_back_at_a4_size_with_every_panel_drawn(
    figure: Figure, files: dict[str, bytes]
) -> None:
    png = files["png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 50_000 < len(png) < 2_000_000
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (int(11.69 * charts.PNG_DPI), int(8.27 * charts.PNG_DPI))
    assert b"tEXt" not in _png_chunks(png) and b"tIME" not in _png_chunks(png)
    _assert_every_panel_drawn(figure, png)


def test_empty_diary_chart_still_draws_every_panel(empty: frames.Frames) -> None:
    empty_figure = charts.weekly_figure(empty, weekly.weekly_rows(empty), 1500)
    png = charts.weekly_chart_png(empty, weekly.weekly_rows(empty), 1500)  # a figure of its own
    _assert_every_panel_drawn(empty_figure, png)  # the layout is the same: it is built once
    assert empty_figure.get_suptitle().endswith("0 episodes")


def test_pdf_reads_back_as_one_a4_landscape_page(files: dict[str, bytes]) -> None:
    pdf = files["pdf"]
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    (page,) = reader.pages
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = page.extract_text()
    for title in (
        "Episodes a week",
        "Muscles affected",
        "Time of day",
        "Fluids a day",
        "Medications",
        "Atorvastatin 20 mg",
    ):
        assert title in text
    assert reader.metadata is not None
    assert reader.metadata.get("/Producer") == "spasmlog"
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata


def test_svg_parses_and_carries_no_date(files: dict[str, bytes]) -> None:
    root = ElementTree.fromstring(files["svg"])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "841.68pt" and root.get("height") == "595.44pt"
    assert b"<dc:date>" not in files["svg"]


def test_saving_again_to_a_path_gives_the_same_bytes(
    figure: Figure, files: dict[str, bytes], tmp_path: Path
) -> None:
    """The layout is frozen once built, so a second save draws exactly the same picture."""
    for chart_format in ("png", "svg"):  # PDF: see test_weekly's second-process test
        charts.save_figure(figure, tmp_path / f"again.{chart_format}", chart_format)
        assert (tmp_path / f"again.{chart_format}").read_bytes() == files[chart_format]
    with pytest.raises(ValueError, match="unknown chart format 'jpg'"):
        charts.save_figure(figure, tmp_path / "chart.jpg", "jpg")


# --- the doctor summary's charts ----------------------------------------------------------------


def _inside_the_figure(figure: Figure) -> None:
    """No panel, tick label, legend or title reaches past the figure's edge (cut off on paper)."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    edge = figure.bbox
    for axes in figure.axes:
        box = axes.get_tightbbox(renderer)
        assert box is not None
        assert (box.x0, box.y0) >= (edge.x0 - 0.5, edge.y0 - 0.5), axes.get_title("left")
        assert (box.x1, box.y1) <= (edge.x1 + 0.5, edge.y1 + 0.5), axes.get_title("left")


def test_summary_page_chart_has_the_five_panels_inside_the_page(known: frames.Frames) -> None:
    rows = weekly.weekly_rows(known)
    figure = summary_charts.page_figure(known, rows, 1500)
    png = summary_charts.png(figure)
    assert struct.unpack(">II", png[16:24]) == tuple(
        int(side * charts.PNG_DPI) for side in PAGE_CHART_IN
    )
    _assert_every_panel_drawn(figure, png)
    assert [axes.get_title("left") for axes in figure.axes] == [
        "Episodes a week, by the week's worst severity",
        "Fluids a day (check-in days) and episode days",
        "Medications, from start to stop (colour: class)",
        "Muscles affected, by side",
        "Time of day (episode starts)",
    ]
    _inside_the_figure(figure)
    date_panels = figure.axes[:3]
    assert {axes.get_xlim() for axes in date_panels} == {date_panels[0].get_xlim()}
    ticks = date_panels[0].get_xticks()
    assert 2 <= len(ticks) <= summary_charts.PAGE_TICKS + 1  # labels that do not run together
    assert summary_charts.png(summary_charts.page_figure(known, rows, 1500)) == png


def test_summary_page_chart_of_fourteen_years_stays_inside_the_page(known: frames.Frames) -> None:
    """Every entry of the weekly panel's legend (no-data and unfinished weeks too) over 731
    weeks: the legend sits above the plot, and nothing runs past the page's edge."""
    rows = _weeks(weekly.weekly_rows(known), 731)
    rows[0] = dataclasses.replace(rows[0], observed_days=0, episodes=0)  # before the diary
    rows[-1] = dataclasses.replace(rows[-1], observed_days=3, episodes=2)  # a week not over
    figure = summary_charts.page_figure(known, rows, 1500)
    summary_charts.png(figure)
    _inside_the_figure(figure)
    weeks = figure.axes[0]
    legend = weeks.get_legend()
    assert legend is not None
    labels = [text.get_text() for text in legend.get_texts()]
    assert "no data (before the diary began)" in labels and any("paler" in x for x in labels)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    assert legend.get_window_extent(renderer).y0 >= weeks.get_window_extent(renderer).y1 - 1


def _weeks(rows: list[weekly.WeekRow], count: int) -> list[weekly.WeekRow]:
    """`count` consecutive weeks cycling through `rows`' numbers."""
    cycled = (rows * (count // len(rows) + 1))[:count]
    return [
        dataclasses.replace(row, first_day=rows[0].first_day + dt.timedelta(weeks=i))
        for i, row in enumerate(cycled)
    ]


@pytest.mark.parametrize("weeks", [1, 9, 731])
def test_summary_compact_chart_shows_every_week_and_the_mean(
    known: frames.Frames, weeks: int
) -> None:
    rows = _weeks(weekly.weekly_rows(known), weeks)
    figure = summary_charts.compact_figure(rows)
    png = summary_charts.png(figure)
    assert struct.unpack(">II", png[16:24]) == tuple(
        int(side * charts.PNG_DPI) for side in COMPACT_CHART_IN
    )
    (ax,) = figure.axes
    if weeks <= summary_charts.MANY_WEEKS:
        heights = [bar.get_height() for bar in ax.patches if bar.get_height() > 0]
        assert heights == [row.episodes for row in rows if row.episodes]
    else:  # one filled outline whose steps are the weeks
        (outline,) = ax.patches
        assert isinstance(outline, StepPatch)
        assert outline.get_data().values.tolist() == [row.episodes for row in rows]
    (mean,) = [line for line in ax.get_lines() if line.get_color() == "black"]
    expected = [math.nan if r is None else r for r in weekly.rolling_rate(rows)]
    np.testing.assert_allclose(mean.get_ydata(), expected)
    assert len(ax.get_xticks()) <= summary_charts.COMPACT_TICKS + 2
    _inside_the_figure(figure)


def test_the_fluid_panel_speaks_the_persons_unit(known: frames.Frames, ax: Axes) -> None:
    charts.draw_fluids(ax, weekly.fluid_panel(known, 1500, FluidUnit("glass", 300)))
    daily = _xy(ax.lines[0])
    assert max(y for y in daily[1] if not math.isnan(y)) == pytest.approx(2000 / 300)
    assert ax.get_ylabel() == "Fluids (glasses of 300 ml a day)"
    assert "low-fluid threshold 5 glasses" in _legend(ax)
