"""The doctor summary's pages, read back from the PDF (pypdf) and rendered (pdftoppm): page 1 the
whole summary, page 2 the weekly chart, then the appendix, on A4 and letter, for the hand-made
diary and a busy one; the PDF's date; characters the fonts cannot draw."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib import image
from pypdf import PdfReader

from spasmlog.core import clock
from spasmlog.db.store import open_store
from spasmlog.interchange import demo
from spasmlog.interchange import importing as importer
from spasmlog.reports import summary
from spasmlog.reports.documents import render
from spasmlog.reports.documents.content import (
    COMPACT_CHART_IN,
    CurrentMed,
    FactorLine,
    SummaryData,
)
from spasmlog.reports.documents.layout import layout
from spasmlog.reports.trial import TrialSummary
from tests.conftest import NOW, pin_clock
from tests.handmade import build_doctor, build_once

PAPERS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN = 14 * 72 / 25.4  # the PDF's left and right margins
BUSY_END = dt.date(2026, 3, 14)


def _summary(db: Path, start: dt.date, end: dt.date) -> SummaryData:
    store = open_store(db)
    try:
        return summary.build(store, start, end, dt.datetime.fromisoformat(NOW))
    finally:
        store.close()


def _busy_diary(folder: Path) -> Path:
    """A year of the demo diary (about 150 episodes, check-ins, exercise, a statin started,
    magnesium tried, labs), imported as `spasmlog import` does."""
    now = dt.datetime.fromisoformat(NOW)
    paths = demo.write_csvs(folder / "csv", seed=19, days=365, end=BUSY_END, zone=clock.zone())
    store = open_store(folder / "diary.db")
    try:
        for kind, path in paths.items():
            with path.open("rb") as stream:
                importer.apply(store, importer.check_file(stream, path.name, kind, now), now)
    finally:
        store.close()
    return folder / "diary.db"


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SummaryData]:
    """The hand-made diary's summary, and a busy one: a year of the demo diary with what a demo
    lacks added on top (more medications, associated, protective and unconfirmed factors, a
    finished trial that says to stop), so that page 1 is as full as a real summary gets."""
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch)
        handmade = build_once(tmp_path_factory.mktemp("handmade"), build_doctor)
        small = _summary(handmade, dt.date(2026, 1, 5), dt.date(2026, 3, 1))
        year = _summary(_busy_diary(tmp_path_factory.mktemp("busy")),
                        BUSY_END - dt.timedelta(days=364), BUSY_END)  # fmt: skip
    more = tuple(
        CurrentMed(
            f"Medicine with a long name {i}",
            "100 mg twice a day",
            dt.date(2025, 1, i),
            "Diuretics",
            True,
            "C03CA01",
        )  # fmt: skip
        for i in range(1, 4)
    )
    factor = FactorLine("Hot weather", "associated", 1.9, 1.2, 3.0, 30, 40, 50, 140, 0.01)
    trial = TrialSummary(
        (
            "Randomised single-person trial of magnesium 300 mg at bedtime: 6 pairs of 14-night "
            "ON/OFF periods, 2025-09-15 to 2026-02-28; finished.",
            "Verdict: helps. ON nights 0.17 cramps a night, OFF nights 1.00; rate ratio ON/OFF "
            "0.18 (95% CI 0.10-0.31); probability of fewer cramps 99%, of 20% or more fewer 99%; "
            "6 pairs analysed.",
            "Stop: cramps with a see-a-doctor sign came more often on ON nights (3) than on OFF "
            "nights (0). Stop magnesium 300 mg at bedtime and talk to your doctor.",
        ),
        "Not blinded: which nights were ON was known, so expectation can sway how cramps are "
        "noticed and logged.",
    )
    busy = dataclasses.replace(
        year,
        medications=year.medications + more,
        factors=(
            *year.factors,
            factor,
            dataclasses.replace(factor, label="Sitting long", verdict="protective", rate_ratio=0.5),
        ),
        unconfirmed=(
            *year.unconfirmed,
            dataclasses.replace(
                factor, label="Alcohol", verdict="no clear association", q_value=0.14
            ),  # fmt: skip
        ),
        trial=trial,
    )
    assert busy.episodes > 100 and len(busy.changes) >= 2 and len(busy.labs) >= 3
    return {"handmade": small, "busy": busy}


@pytest.fixture(scope="module")
def pdfs(summaries: dict[str, SummaryData]) -> dict[tuple[str, str], bytes]:
    return {
        (name, paper): render.render(data, "pdf", paper)
        for name, data in summaries.items()
        for paper in PAPERS
    }


def _text(page: Any) -> str:
    return " ".join(page.extract_text().split())


def _drawn(page: Any) -> tuple[list[tuple[float, float, float, float]], list[float]]:
    """The boxes (x0, y0, x1, y1, in points) the page's images are drawn in, and the size of
    every piece of text, read from the content stream."""
    boxes: list[tuple[float, float, float, float]] = []
    sizes: list[float] = []

    def operator(op: bytes, args: Any, cm: list[float], tm: list[float]) -> None:
        if op == b"Do":
            a, _, _, d, e, f = cm
            boxes.append((e, f, e + a, f + d))

    def text(content: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if content.strip():
            sizes.append(size * abs(tm[3]) * abs(cm[3]))

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return boxes, sizes


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("diary", ["handmade", "busy"])
def test_page_one_is_the_summary_and_page_two_the_chart(
    summaries: dict[str, SummaryData], pdfs: dict[tuple[str, str], bytes], diary: str, paper: str
) -> None:
    data = summaries[diary]
    document = layout(data)
    reader = PdfReader(io.BytesIO(pdfs[diary, paper]))
    pages = [_text(page) for page in reader.pages]
    width, height = PAPERS[paper]
    # page 1: every section, the counting note, and the compact chart at its own size
    for section in document.sections:
        assert section.title in pages[0], section.title
    assert "How this diary counts: every week from the first entry" in pages[0]
    if diary == "busy":
        assert "Trial of a remedy" in pages[0] and "Possible but not confirmed" in pages[0]
        assert "More spasms with Hot weather" in pages[0]
    (compact,), sizes = _drawn(reader.pages[0])
    drawn = (compact[2] - compact[0], compact[3] - compact[1])
    assert drawn[0] >= 0.9 * COMPACT_CHART_IN[0] * 72 and drawn[1] >= 0.9 * COMPACT_CHART_IN[1] * 72
    assert min(sizes) >= 6.0  # notes are smaller, but readable
    # page 2: the chart alone, filling the text width, inside the margins
    assert pages[1].endswith(f"Page 2 Weekly chart, {data.start} to {data.end}")  # and no more
    assert not any(section.title in pages[1] for section in document.sections)
    (chart,), _ = _drawn(reader.pages[1])
    x0, y0, x1, y1 = chart
    assert x0 >= MARGIN - 0.5 and x1 <= width - MARGIN + 0.5 and y0 >= 0 and y1 <= height
    assert x1 - x0 >= 0.97 * (width - 2 * MARGIN)
    # then the appendix
    assert "Page 3 Appendix:" in pages[2]


def test_a_quiet_diary_keeps_full_size_type(pdfs: dict[tuple[str, str], bytes]) -> None:
    """Type steps down only when page 1 needs it: the hand-made diary fits at full size, the busy
    one on letter does not."""
    body = {}
    for key in (("handmade", "a4"), ("busy", "letter")):
        _, sizes = _drawn(PdfReader(io.BytesIO(pdfs[key])).pages[0])
        body[key[0]] = max(set(sizes), key=sizes.count)  # the commonest size: table cells
    assert body["handmade"] == pytest.approx(7.9)
    assert 6.5 < body["busy"] < 7.9


def _rendered(pdf: bytes, page: int, folder: Path, dpi: int = 60) -> np.ndarray:
    """Page `page` (1-based) drawn by poppler's pdftoppm, as an array of RGB values 0-1."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install poppler-utils (.ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(source), str(folder / "page")], check=True)  # fmt: skip
    return np.asarray(image.imread(folder / "page.png"))[:, :, :3]


@pytest.mark.parametrize("paper", PAPERS)
def test_the_chart_page_is_drawn_whole(
    pdfs: dict[tuple[str, str], bytes], paper: str, tmp_path: Path
) -> None:
    """Rendered: ink across the chart's width, none in the margins beside it."""
    pixels = _rendered(pdfs["busy", paper], 2, tmp_path)
    inked = (pixels < 0.9).any(axis=2)
    margin = round(MARGIN / 72 * 60) - 2
    body = inked[: int(inked.shape[0] * 0.9)]  # above the footer
    assert not body[:, :margin].any() and not body[:, -margin:].any()
    columns = body.any(axis=0).nonzero()[0]
    assert columns.max() - columns.min() > 0.85 * (inked.shape[1] - 2 * margin)
    assert inked.mean() > 0.05


def test_the_pdf_is_dated_as_of_the_summary(summaries: dict[str, SummaryData]) -> None:
    data = summaries["handmade"]
    for day in (data.generated, dt.date(2026, 7, 1)):
        pdf = render.render(dataclasses.replace(data, generated=day), "pdf", "a4")
        info = PdfReader(io.BytesIO(pdf)).metadata
        assert info is not None
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        assert info.creation_date == midnight and info.modification_date == midnight
        assert render.render(dataclasses.replace(data, generated=day), "pdf", "a4") == pdf


def _with_note(data: SummaryData, note: str) -> bytes:
    first = dataclasses.replace(data.appendix[0], note=note)
    return render.render(dataclasses.replace(data, appendix=(first,)), "pdf", "a4")


def test_characters_the_font_lacks_show_a_placeholder_and_stay_in_the_text(
    summaries: dict[str, SummaryData], tmp_path: Path
) -> None:
    """A thumbs-up with a skin tone (DejaVu Sans has neither) is drawn as exactly what U+FFFD
    draws, and text extraction gives back what was typed; an emoji DejaVu Sans has (beyond
    U+FFFF) is drawn and extracted too."""
    data = summaries["handmade"]
    typed = "ouch \U0001f44d\U0001f3fd then \U0001f600 ok"
    pdf = _with_note(data, typed)
    text = _text(PdfReader(io.BytesIO(pdf)).pages[2])
    assert typed in text
    shown = _rendered(pdf, 3, tmp_path / "typed", dpi=100)
    placeholder = _rendered(_with_note(data, "ouch \ufffd then \U0001f600 ok"), 3,
                            tmp_path / "placeholder", dpi=100)  # fmt: skip
    box = _rendered(_with_note(data, "ouch \u25a1 then \U0001f600 ok"), 3, tmp_path / "box",
                    dpi=100)  # fmt: skip
    assert np.array_equal(shown, placeholder)  # the replacement character, the tone invisible
    assert not np.array_equal(shown, box)  # not an empty box
