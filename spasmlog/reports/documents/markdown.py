"""The doctor summary as Markdown, to paste into a patient-portal message.

Portals strip images, so page 1's chart becomes one line of weekly counts and page 2's (the
weekly report's panels, whose numbers page 1 gives) is left out. Text is escaped so that
nothing typed into the diary can become a link, an image, HTML or a table break: HTML's & < > as
entities, Markdown's inline marks with a backslash, and a line start that would open a heading,
list or quote is escaped too.
"""

from __future__ import annotations

import re

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

_INLINE = re.compile(r"([\\`*_\[\]{}|~!])")
_LINE_START = re.compile(r"^(\s*)(?:([#>+-])|(\d+)([.)]))")


def escape_inline(text: str) -> str:
    """Text shown as typed inside a line or a table cell: no markup, no HTML, no line break."""
    flat = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    flat = "".join(ch if ch.isprintable() else " " for ch in flat)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", flat)


def escape_line(text: str) -> str:
    """As escape_inline, for text that starts a line: it cannot open a heading, list or quote."""

    def guard(match: re.Match[str]) -> str:
        if match.group(2):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"

    return _LINE_START.sub(guard, escape_inline(text))


def _table(table: Table) -> list[str]:
    if not table.rows:
        return [escape_line(table.empty)]
    marked = table.marked or tuple(False for _ in table.rows)
    lines = [
        "| " + " | ".join(escape_inline(h) for h in table.headers) + " |",
        "|" + "|".join("---" for _ in table.headers) + "|",
    ]
    for row, hot in zip(table.rows, marked, strict=True):
        cells = [escape_inline(cell) or " " for cell in row]
        if hot:
            cells = [f"**{cell}**" if cell.strip() else cell for cell in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _block(block: Block) -> list[str]:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Facts):
        return [
            f"- **{escape_inline(name)}:** {escape_inline(value)}" for name, value in block.pairs
        ]
    if isinstance(block, Beside):
        return [*_block(block.left), "", *_block(block.right)]
    if isinstance(block, Chart):
        return [escape_line(block.text)] if block.text else []
    if isinstance(block, Note):
        return [f"_{escape_inline(block.text)}_"]
    return [escape_line(block)]


def _section(section: Section) -> list[str]:
    lines = [f"## {escape_inline(section.title)}", ""]
    for block in section.blocks:
        lines += [*_block(block), ""]
    return lines


def render_markdown(document: Document) -> str:
    lines = [f"# {escape_inline(document.title)}", ""]
    lines += [f"{escape_line(line)}  " for line in document.header] + [""]
    for section in (*document.sections, document.appendix):
        lines += _section(section)
    lines.append(f"_{escape_inline(document.footer)}_")
    return "\n".join(lines) + "\n"
