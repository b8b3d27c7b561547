"""The doctor summary as PDF, with reportlab.

Text is real text in DejaVu Sans (it ships with matplotlib), embedded as a subset, so it can be
searched, copied and read by `pdftotext`, and it covers accents and the symbols used here. The
document is built `invariant` (no creation time, a fixed document id), so the same summary gives
the same bytes. User text is XML-escaped before it reaches reportlab's paragraph markup.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from spasmlog.reports.documents.layout import Chart, Document, Facts, Note, Section, Table

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MARK = "#fdebc8"  # rows that need the doctor's eye: a light amber, also readable in grey
RULE = "#9a9a9a"
HEAD = "#e8e8e8"


def _fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    # (face, bold, italic) -> font; there is no italic face, so italic text stays upright
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 1, 1, BOLD)


def _text(value: str) -> str:
    """User or layout text as paragraph markup: escaped, control characters blanked, lines kept."""
    plain = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in value)
    return escape(plain).replace("\n", "<br/>")


class _Styles:
    def __init__(self) -> None:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle("body", fontName=FONT, fontSize=8.6, leading=10.8)
        self.body = base
        self.title = ParagraphStyle("title", base, fontName=BOLD, fontSize=14, leading=17)
        self.header = ParagraphStyle("header", base, fontSize=8.6, leading=10.6)
        self.heading = ParagraphStyle(
            "heading", base, fontName=BOLD, fontSize=10.2, leading=12.5, spaceBefore=6, spaceAfter=2
        )
        self.note = ParagraphStyle(
            "note", base, fontSize=7.4, leading=9, textColor=HexColor("#555555")
        )
        self.cell = ParagraphStyle("cell", base, fontSize=7.9, leading=9.6)
        self.cell_bold = ParagraphStyle("cellbold", self.cell, fontName=BOLD)


def _table(table: Table, width: float, styles: _Styles, repeat: bool = False) -> list[Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    if not table.rows:
        return [Paragraph(_text(table.empty), styles.body)]
    head = [Paragraph(_text(h), styles.cell_bold) for h in table.headers]
    marked = table.marked or tuple(False for _ in table.rows)
    body = [
        [Paragraph(_text(cell), styles.cell_bold if hot else styles.cell) for cell in row]
        for row, hot in zip(table.rows, marked, strict=True)
    ]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(HEAD)),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, HexColor(RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    commands += [
        ("BACKGROUND", (0, i + 1), (-1, i + 1), HexColor(MARK))
        for i, hot in enumerate(marked)
        if hot
    ]
    pdf = PdfTable(
        [head, *body],
        colWidths=[share * width for share in table.widths],
        repeatRows=1 if repeat else 0,
        hAlign="LEFT",
    )
    pdf.setStyle(commands)
    return [pdf]


def _facts(facts: Facts, width: float, styles: _Styles) -> list[Any]:
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    rows = [
        [Paragraph(_text(name), styles.cell_bold), Paragraph(_text(value), styles.cell)]
        for name, value in facts.pairs
    ]
    grid = PdfTable(rows, colWidths=[0.2 * width, 0.8 * width], hAlign="LEFT")
    grid.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]
    )
    return [grid]


def _chart(chart: Chart, width: float) -> list[Any]:
    from reportlab.platypus import Image

    height = width * chart.height_in / chart.width_in
    return [Image(io.BytesIO(chart.png), width=width, height=height)]


def _section(section: Section, width: float, styles: _Styles, repeat: bool = False) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    flowables: list[Any] = [Paragraph(_text(section.title), styles.heading)]
    for block in section.blocks:
        if isinstance(block, Table):
            flowables += _table(block, width, styles, repeat)
        elif isinstance(block, Facts):
            flowables += _facts(block, width, styles)
        elif isinstance(block, Chart):
            flowables += _chart(block, width)
        elif isinstance(block, Note):
            flowables += [Spacer(1, 1.5), Paragraph(_text(block.text), styles.note)]
        else:
            flowables += [Spacer(1, 1.5), Paragraph(_text(block), styles.body)]
    return flowables


def render_pdf(document: Document, paper: str) -> bytes:
    """The Document as PDF bytes on A4 or US letter; the footer is drawn on every page."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        PageBreak,
        PageTemplate,
        Paragraph,
    )

    _fonts()
    styles = _Styles()
    size = A4 if paper == "a4" else LETTER
    margin = 14 * mm
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
        canvas.saveState()
        canvas.setFont(FONT, 7.4)
        canvas.setFillColorRGB(0.33, 0.33, 0.33)
        canvas.drawString(margin, 9 * mm, document.footer)
        canvas.drawRightString(size[0] - margin, 9 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    width = size[0] - 2 * margin
    frame = Frame(
        margin,
        16 * mm,
        width,
        size[1] - 28 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])
    story: list[Any] = [Paragraph(_text(document.title), styles.title)]
    story += [Paragraph(_text(line), styles.header) for line in document.header]
    for section in document.sections:
        story.append(KeepTogether(_section(section, width, styles)))
    story.append(PageBreak())
    story += _section(document.appendix, width, styles, repeat=True)
    doc.build(story)
    return buffer.getvalue()
