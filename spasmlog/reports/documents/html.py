"""The doctor summary as one self-contained HTML file that prints cleanly on A4 or letter.

Everything is inside the file: the CSS, and the chart as a data: URI PNG. Every piece of text,
user text above all, goes through html.escape, and a Content-Security-Policy forbids scripts and
any outside request, so a note like `<script>alert(1)</script>` is shown, never run.
"""

from __future__ import annotations

import base64
import html

from spasmlog.reports.documents.layout import (
    Beside,
    Block,
    Chart,
    Document,
    Facts,
    Note,
    Section,
    Table,
)

PAGES = {"a4": "A4", "letter": "letter"}
CSS_DPI = 96  # CSS pixels to the inch
PRINT_PT = {"a4": 8, "letter": 7.5}  # printed body type (tables 93%, notes 85% of it)
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
CSS = """
:root { color: #111; font: 10pt/1.35 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
body { max-width: 190mm; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 15pt; margin: 0 0 .2em; }
h2 { font-size: 11pt; margin: .9em 0 .25em; border-bottom: 1px solid #9a9a9a; }
header p { margin: 0; }
p { margin: .2em 0; }
p.note { font-size: 8pt; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 8.6pt; }
th, td { text-align: left; vertical-align: top; padding: 1.5pt 4pt; border-bottom: .5pt solid #9a9a9a; overflow-wrap: anywhere; }
th { background: #e8e8e8; }
tr.mark td { background: #fdebc8; font-weight: bold; }
tfoot td.page-foot { height: 0; border: 0; padding: 0; }
td.notes { white-space: pre-wrap; overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: 11em 1fr; gap: 1pt 8pt; margin: 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
img.chart { display: block; max-width: 100%; height: auto; }
div.beside { display: grid; gap: 0 10pt; align-items: start; }
section.chart-page h2 { margin-top: 1.5em; }
@media screen and (max-width: 480px) { body { padding: 0 .5em; } dl.facts { grid-template-columns: 8em 1fr; } }
footer { margin-top: 2em; font-size: 8pt; color: #555; }
@media print {
  :root { line-height: 1.2; }
  body { max-width: none; margin: 0; padding: 0; }
  h1 { font-size: 13pt; }
  h2 { font-size: 1.2em; margin: .5em 0 .15em; }
  table { font-size: .93em; }
  th, td { padding: .8pt 3pt; }
  p.note { font-size: .85em; }
  dl.facts { grid-template-columns: 9.5em 1fr; }
  h2, tr { break-inside: avoid; break-after: avoid; }
  section { break-inside: avoid; }
  section.appendix, section.chart-page { break-before: page; break-inside: auto; }
  section.chart-page h2 { margin-top: 0; }
  thead { display: table-header-group; }
  footer { position: fixed; bottom: 0; left: 0; right: 0; margin: 0; background: #fff; }
  tfoot td.page-foot { height: 7mm; border: 0; padding: 0; }
  main { padding-bottom: 7mm; }
  .mark td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _table(table: Table, long: bool = False) -> str:
    if not table.rows:
        return f"<p>{_e(table.empty)}</p>"
    notes = len(table.headers) - 1 if table.headers[-1] == "Notes" else -1
    head = "".join(
        f'<th style="width:{share:.0%}">{_e(h)}</th>'
        for h, share in zip(table.headers, table.widths, strict=True)
    )
    marked = table.marked or tuple(False for _ in table.rows)
    rows = []
    for row, hot in zip(table.rows, marked, strict=True):
        cells = "".join(
            f'<td class="notes">{_e(cell)}</td>' if i == notes else f"<td>{_e(cell)}</td>"
            for i, cell in enumerate(row)
        )
        rows.append(f'<tr class="mark">{cells}</tr>' if hot else f"<tr>{cells}</tr>")
    # An empty footer row repeats on every printed page, keeping clear the place where the page
    # footer (position: fixed) is drawn.
    spacer = f'<tfoot><tr><td class="page-foot" colspan="{len(table.headers)}"></td></tr></tfoot>'
    return (
        f"<table><thead><tr>{head}</tr></thead>{spacer if long else ''}"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _block(block: Block, long: bool = False) -> str:
    if isinstance(block, Table):
        return _table(block, long)
    if isinstance(block, Facts):
        items = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in block.pairs)
        return f'<dl class="facts">{items}</dl>'
    if isinstance(block, Beside):
        return (
            f'<div class="beside {_share(block.share)}"><div>{_block(block.left)}</div>'
            f"<div>{_block(block.right)}</div></div>"
        )
    if isinstance(block, Chart):
        # shown at the size it is printed (CSS inches), never wider than its column
        width, height = round(block.width_in * CSS_DPI), round(block.height_in * CSS_DPI)
        data = base64.b64encode(block.png).decode("ascii")
        return (
            f'<img class="chart" width="{width}" height="{height}" alt="{_e(block.alt)}" '
            f'src="data:image/png;base64,{data}">'
        )
    if isinstance(block, Note):
        return f'<p class="note">{_e(block.text)}</p>'
    return f"<p>{_e(block)}</p>"


def _share(share: float) -> str:
    return f"left-{round(share * 100)}"


def _columns(document: Document) -> str:
    """A CSS rule for each split of the text width that a Beside block uses (classes, not style
    attributes: the page's one <style> element holds every rule)."""
    shares = sorted(
        {block.share for s in document.sections for block in s.blocks if isinstance(block, Beside)}
    )
    return "".join(
        f"div.beside.{_share(share)} {{ grid-template-columns: minmax(0, {share:.2f}fr) "
        f"minmax(0, {1 - share:.2f}fr); }}\n"
        for share in shares
    )


def _section(section: Section, css_class: str = "") -> str:
    attributes = f' class="{css_class}"' if css_class else ""
    body = "\n".join(_block(block, long=css_class == "appendix") for block in section.blocks)
    return f"<section{attributes}>\n<h2>{_e(section.title)}</h2>\n{body}\n</section>"


def render_html(document: Document, paper: str) -> str:
    page = f"@page {{ size: {PAGES[paper]}; margin: 10mm 13mm 14mm; }}"
    # letter is 5% shorter than A4: its type too, so that page 1 holds the summary on both
    print_type = f"@media print {{ :root {{ font-size: {PRINT_PT[paper]}pt; }} }}\n"
    header = "".join(f"<p>{_e(line)}</p>" for line in document.header)
    sections = "\n".join(_section(section) for section in document.sections)
    if document.chart_page is not None:
        sections += "\n" + _section(document.chart_page, "chart-page")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(document.title)}</title>
<style>{page}{CSS}{_columns(document)}{print_type}</style>
</head>
<body>
<header>
<h1>{_e(document.title)}</h1>
{header}
</header>
<main>
{sections}
</main>
{_section(document.appendix, "appendix")}
<footer>{_e(document.footer)}</footer>
</body>
</html>
"""
