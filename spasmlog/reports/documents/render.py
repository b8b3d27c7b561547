"""The doctor summary in one format: its layout drawn by the PDF, HTML or Markdown renderer."""

from __future__ import annotations

from spasmlog.reports.documents.content import SummaryData

FORMATS = ("pdf", "html", "md")


def render(data: SummaryData, format: str, paper: str) -> bytes:
    """The summary in one format: "pdf", "html" or "md"; paper "a4" or "letter"."""
    from spasmlog.reports.documents import html, markdown, pdf
    from spasmlog.reports.documents.layout import layout

    document = layout(data)
    if format == "pdf":
        return pdf.render_pdf(document, paper)
    if format == "html":
        return html.render_html(document, paper).encode()
    if format == "md":
        return markdown.render_markdown(document).encode()
    raise ValueError(f"unknown summary format {format!r}")
