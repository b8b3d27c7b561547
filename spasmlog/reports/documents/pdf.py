"""The doctor summary as PDF, with reportlab.

Text is real text in DejaVu Sans (it ships with matplotlib), embedded as a subset, so it can be
searched, copied and read by `pdftotext`, and it covers accents and the symbols used here; a
character it lacks (most emoji) is drawn as U+FFFD and kept in the text layer (see `_cover`).
The document is built `invariant` (a fixed document id) and dated the summary's "as of" day, not
the clock, so the same summary gives the same bytes. User text is XML-escaped before it reaches
reportlab's paragraph markup. Page 1 holds the whole summary (its type steps down through SCALES
until it fits), page 2 the weekly chart, then the appendix.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from spasmlog.reports.documents.layout import (
    Beside,
    Chart,
    Document,
    Facts,
    Note,
    Section,
    Table,
)

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MARK = "#fdebc8"  # rows that need the doctor's eye: a light amber, also readable in grey
RULE = "#9a9a9a"
HEAD = "#e8e8e8"
PLACEHOLDER = 0xFFFD  # drawn where DejaVu Sans has no glyph (an emoji): the replacement character
HIDDEN = (range(0x1F3FB, 0x1F400), range(0xE0020, 0xE0080))  # skin tones, tags: drawn as nothing
ZERO_WIDTH = 0x200B
SCALES = (1.0, 0.95, 0.9, 0.86)  # page 1's type, stepped down to fit (body 8.6 pt to 7.4 pt)


def _fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process: the copy that
    comes with matplotlib, found without importing matplotlib (a third of a second when the
    charts were drawn elsewhere)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = _matplotlib_folder() / "mpl-data" / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    # (face, bold, italic) -> font; there is no italic face, so italic text stays upright
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 1, 1, BOLD)
    setattr(ttfonts, "makeToUnicodeCMap", _utf16_cmap(ttfonts.makeToUnicodeCMap))  # noqa: B010


def _matplotlib_folder() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is a dependency"
    return Path(next(iter(spec.submodule_search_locations)))


_BEYOND_BMP = re.compile(r"^<([0-9A-F]{2})> <([0-9A-F]{5,6})>$", re.MULTILINE)


def _utf16_cmap(make: Callable[[str, list[int]], str]) -> Callable[[str, list[int]], str]:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF written as UTF-16 surrogate
    pairs: reportlab writes their bare code point, which no reader decodes (an emoji that DejaVu
    Sans draws, such as U+1F600, came out of text extraction garbled)."""

    def utf16(match: re.Match[str]) -> str:
        units = chr(int(match.group(2), 16)).encode("utf-16-be").hex().upper()
        return f"<{match.group(1)}> <{units}>"

    def cmap(fontname: str, subset: list[int]) -> str:
        return _BEYOND_BMP.sub(utf16, make(fontname, subset))

    return cmap


def _cover(text: str) -> None:
    """Let both faces draw every character of `text`. One DejaVu Sans lacks is drawn as the
    replacement character (as nothing, for an emoji's skin tone or tag) instead of an empty box,
    while the PDF's ToUnicode map keeps the character itself: copying or searching the text
    finds what was typed. The stand-ins are added to the faces' character maps, once each."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    codes = {ord(ch) for ch in text}
    for name in (FONT, BOLD):
        font = pdfmetrics.getFont(name)
        assert isinstance(font, TTFont)
        face = font.face
        for code in [code for code in codes if code not in face.charToGlyph]:
            stand_in = ZERO_WIDTH if any(code in hidden for hidden in HIDDEN) else PLACEHOLDER
            face.charToGlyph[code] = face.charToGlyph[stand_in]
            face.charWidths[code] = face.charWidths[stand_in]


def _text(value: str) -> str:
    """User or layout text as paragraph markup: escaped, control characters blanked, lines kept."""
    plain = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in value)
    _cover(plain)
    return escape(plain).replace("\n", "<br/>")


class _Styles:
    """Type sizes at `scale` of the full size: page 1 steps down until the summary fits it."""

    def __init__(self, scale: float = 1.0) -> None:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.styles import ParagraphStyle

        def size(points: float) -> float:
            return round(points * scale, 2)

        base = ParagraphStyle("body", fontName=FONT, fontSize=size(8.6), leading=size(10.6))
        self.body = base
        self.title = ParagraphStyle("title", base, fontName=BOLD, fontSize=14, leading=17)
        self.header = ParagraphStyle("header", base, fontSize=size(8.6), leading=size(10.4))
        self.heading = ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=size(10.2),
            leading=size(12.4),
            spaceBefore=size(5),
            spaceAfter=size(1.5),
        )
        self.note = ParagraphStyle(
            "note", base, fontSize=size(7), leading=size(8.4), textColor=HexColor("#555555")
        )
        self.cell = ParagraphStyle("cell", base, fontSize=size(7.9), leading=size(9.4))
        self.cell_bold = ParagraphStyle("cellbold", self.cell, fontName=BOLD)
        self.padding = size(1.4)


def _table(table: Table, width: float, styles: _Styles, repeat: bool = False) -> list[Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    if not table.rows:
        return [Paragraph(_text(table.empty), styles.body)]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    columns = [share * width for share in table.widths]
    room = [column - 6 for column in columns]  # less the cell's left and right padding

    def cell(text: str, style: Any, column: int) -> Any:
        """A one-line cell as a plain string (no markup to parse: the appendix has hundreds),
        anything longer as a paragraph that wraps."""
        plain = "".join(ch if ch.isprintable() else " " for ch in text)
        if plain == text and stringWidth(plain, style.fontName, style.fontSize) <= room[column]:
            _cover(plain)
            return plain
        return Paragraph(_text(text), style)

    head = [Paragraph(_text(h), styles.cell_bold) for h in table.headers]
    marked = table.marked or tuple(False for _ in table.rows)
    body = []
    for row, hot in zip(table.rows, marked, strict=True):
        style = styles.cell_bold if hot else styles.cell
        body.append([cell(text, style, i) for i, text in enumerate(row)])
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), styles.cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), styles.cell.leading),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(HEAD)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, HexColor(RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), styles.padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), styles.padding),
    ]
    for i, hot in enumerate(marked):
        if hot:
            commands += [
                ("BACKGROUND", (0, i + 1), (-1, i + 1), HexColor(MARK)),
                ("FONTNAME", (0, i + 1), (-1, i + 1), BOLD),
            ]
    pdf = PdfTable(
        [head, *body],
        colWidths=columns,
        repeatRows=1 if repeat else 0,
        hAlign="LEFT",
    )
    pdf.setStyle(commands)
    return [pdf]


def _facts(facts: Facts, width: float, styles: _Styles) -> list[Any]:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    bold = styles.cell_bold
    longest = max(stringWidth(name, bold.fontName, bold.fontSize) for name, _ in facts.pairs)
    label = min(longest + 6, 0.35 * width)  # each label on one line, beside its value
    rows = [
        [Paragraph(_text(name), styles.cell_bold), Paragraph(_text(value), styles.cell)]
        for name, value in facts.pairs
    ]
    grid = PdfTable(rows, colWidths=[label, width - label], hAlign="LEFT")
    grid.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]
    )
    return [grid]


def _chart(chart: Chart, width: float, height: float = math.inf) -> list[Any]:
    """The chart at its own size, scaled to fill `width` without passing `height`."""
    from reportlab.platypus import Image

    scale = min(width / (chart.width_in * 72), height / (chart.height_in * 72))
    image = Image(
        io.BytesIO(chart.png),
        width=chart.width_in * 72 * scale,
        height=chart.height_in * 72 * scale,
    )
    image.hAlign = "LEFT"
    return [image]


def _beside(beside: Beside, width: float, styles: _Styles) -> list[Any]:
    from reportlab.platypus import Table as PdfTable

    widths = (beside.share * width, (1 - beside.share) * width)
    cells = [
        _facts(part, part_width, styles)
        if isinstance(part, Facts)
        else _chart(part, part_width - 2)
        for part, part_width in zip((beside.left, beside.right), widths, strict=True)
    ]
    grid = PdfTable([cells], colWidths=list(widths), hAlign="LEFT")
    grid.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),  # else the cell's default pulls in Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (1, 0), (1, 0), 2),
        ]
    )
    return [grid]


def _section(section: Section, width: float, styles: _Styles, repeat: bool = False) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    flowables: list[Any] = [Paragraph(_text(section.title), styles.heading)]
    for block in section.blocks:
        if isinstance(block, Table):
            flowables += _table(block, width, styles, repeat)
        elif isinstance(block, Facts):
            flowables += _facts(block, width, styles)
        elif isinstance(block, Beside):
            flowables += _beside(block, width, styles)
        elif isinstance(block, Chart):
            flowables += _chart(block, width)
        elif isinstance(block, Note):
            flowables += [Spacer(1, 1.2), Paragraph(_text(block.text), styles.note)]
        else:
            flowables += [Spacer(1, 1.2), Paragraph(_text(block), styles.body)]
    return flowables


def _first_page(document: Document, width: float, styles: _Styles, keep: bool = True) -> list[Any]:
    """Page 1: the title, the header and every section, each kept whole (`keep`; a dry run
    measures the plain flowables, as what fits one frame whole needs no keeping together)."""
    from reportlab.platypus import KeepTogether, Paragraph

    story: list[Any] = [Paragraph(_text(document.title), styles.title)]
    story += [Paragraph(_text(line), styles.header) for line in document.header]
    for section in document.sections:
        flowables = _section(section, width, styles)
        story += [KeepTogether(flowables)] if keep else flowables
    return story


def _fits(story: list[Any], width: float, height: float) -> bool:
    """Whether `story` fits one frame of `width` x `height`: a dry run on a scratch canvas."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    frame = Frame(0, 0, width, height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)  # fmt: skip
    left = list(story)
    frame.addFromList(left, Canvas(io.BytesIO()))
    return not left


def _page_one_styles(document: Document, width: float, height: float) -> _Styles:
    """The largest of SCALES whose page 1 fits the frame; the smallest when none does (then the
    summary runs on and the chart page follows it)."""
    for scale in SCALES:
        styles = _Styles(scale)
        if _fits(_first_page(document, width, styles, keep=False), width, height):
            return styles
    return styles


def _creation_date(day: dt.date) -> Callable[..., str]:
    """reportlab's date formatter, giving the summary's "as of" day (midnight UTC) whatever the
    clock: the same summary keeps the same bytes."""
    stamp = f"D:{day:%Y%m%d}000000+00'00'"
    return lambda *_ignored: stamp


def render_pdf(document: Document, paper: str) -> bytes:
    """The Document as PDF bytes on A4 or US letter: page 1 the summary, page 2 the weekly chart,
    then the appendix; the footer is drawn on every page."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph

    _fonts()
    size = A4 if paper == "a4" else LETTER
    margin = 14 * mm
    width, height = size[0] - 2 * margin, size[1] - 28 * mm
    styles = _page_one_styles(document, width, height)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=12 * mm,
        bottomMargin=16 * mm,
        title=document.title,
        author="spasmlog",
        subject=document.footer,
        creator="spasmlog",
        producer="spasmlog",
        invariant=1,
        lang="en",
        initialFontName=FONT,
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.setDateFormatter(_creation_date(document.as_of))
        canvas.saveState()
        canvas.setFont(FONT, 7.4)
        canvas.setFillColorRGB(0.33, 0.33, 0.33)
        canvas.drawString(margin, 9 * mm, document.footer)
        canvas.drawRightString(size[0] - margin, 9 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    frame = Frame(margin, 16 * mm, width, height, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)  # fmt: skip
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])
    story = _first_page(document, width, styles)
    if document.chart_page is not None:
        full = _Styles()
        story += [PageBreak(), Paragraph(_text(document.chart_page.title), full.heading)]
        room = height - full.heading.leading - full.heading.spaceAfter - 4
        for block in document.chart_page.blocks:
            if isinstance(block, Chart):
                story += _chart(block, width, room)
    story.append(PageBreak())
    story += _section(document.appendix, width, _Styles(), repeat=True)
    # Binary streams, not ASCII85 (reportlab's default, a pure-Python encoder that took a tenth
    # of a second per chart and made them a quarter larger)
    ascii85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story)
    finally:
        rl_config.useA85 = ascii85
    return buffer.getvalue()
