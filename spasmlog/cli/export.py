"""`spasmlog export ...`: the doctor summary, and the diary as CSV, JSON or FHIR.

Every option is checked, and an existing output file refused, before the diary is opened.
Files are written whole, mode 0600, and never replace an existing file without --force. The
reports package is imported inside each command, so that `spasmlog log` never loads it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from spasmlog.cli.common import open_from, trial_summary
from spasmlog.core import clock, parsing, settings, when
from spasmlog.core.errors import Conflict, InvalidInput
from spasmlog.core.paths import write_private_bytes
from spasmlog.interchange.records import COLUMNS_BY_KIND

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

export_app = typer.Typer(
    help="Take your diary out: a doctor summary (PDF/HTML/Markdown), CSV, JSON or FHIR.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

OutOpt = Annotated[str, typer.Option("--out", "-o", help='File to write; "-" writes to stdout.')]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]
KINDS = tuple(COLUMNS_BY_KIND)
DEFAULT_DAYS = 90
DOCTOR_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md"}
PAPERS = ("a4", "letter")


def _target(out: str, force: bool) -> Path | None:
    """The file to write (None for stdout); refuses an existing file unless --force."""
    if out == "-":
        return None
    path = Path(out).expanduser()
    if path.exists() and not force:
        raise Conflict(f"{path} already exists. Nothing was written; add --force to replace it.")
    return path


def _write(target: Path | None, data: bytes, force: bool, what: str) -> None:
    if target is None:
        typer.echo(data, nl=False)
        return
    try:
        write_private_bytes(target, data, overwrite=force)
    except FileExistsError:
        raise Conflict(
            f"{target} already exists. Nothing was written; add --force to replace it."
        ) from None
    typer.echo(f"Wrote {what} to {target}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    what: Annotated[
        str, typer.Option("--what", help=f"What to export: {', '.join(KINDS)}, or all.")
    ],
    out: Annotated[
        str,
        typer.Option("--out", "-o", help='File to write ("-": stdout); with --what all, a folder.'),
    ],
    force: ForceOpt = False,
) -> None:
    """One kind of entry as CSV, the format `spasmlog import` reads; --what all writes one file
    per kind (episodes.csv, checkins.csv, ...) into the folder given with --out.

    Example: spasmlog export csv --what episodes --out episodes.csv
    """
    from spasmlog.interchange import export

    kind = parsing.parse_choice(what, "--what", (*KINDS, "all"))
    if kind == "all":
        _export_all(ctx, out, force)
        return
    target = _target(out, force)
    with open_from(ctx, reading=True).reading() as session:
        text, rows = export.export_csv(session, kind)
    _write(target, text.encode(), force, f"{_count(rows, 'row')} of {kind}")


def _export_all(ctx: typer.Context, out: str, force: bool) -> None:
    """Every kind into FOLDER/<kind>.csv, from one snapshot of the diary; no file is written
    when one of them exists already (without --force)."""
    from spasmlog.interchange import export

    if out == "-":
        raise InvalidInput("--out", out, "With --what all, give a folder for the files.")
    folder = Path(out).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InvalidInput("--out", out, "With --what all, give a folder (this is a file).")
    targets = {kind: folder / f"{kind}.csv" for kind in KINDS}
    present = [path.name for path in targets.values() if path.exists()]
    if present and not force:
        raise Conflict(
            f"{folder} already holds {', '.join(present)}. Nothing was written; add --force to "
            "replace them."
        )
    with open_from(ctx, reading=True).reading() as session:
        made = {kind: export.export_csv(session, kind) for kind in KINDS}
    for kind, (text, _) in made.items():
        write_private_bytes(targets[kind], text.encode(), overwrite=force)
    counts = ", ".join(f"{kind}.csv ({_count(rows, 'row')})" for kind, (_, rows) in made.items())
    typer.echo(f"Wrote {len(made)} files to {folder}: {counts}")


@export_app.command("json")
def export_json(
    ctx: typer.Context,
    out: OutOpt,
    include_deleted: Annotated[
        bool, typer.Option("--include-deleted", help="Also export deleted entries.")
    ] = False,
    force: ForceOpt = False,
) -> None:
    """The whole diary as one JSON file ("spasmlog.diary/1"), which `spasmlog import` reads.

    Example: spasmlog export json --out diary.json
    """
    from spasmlog.interchange import export

    target = _target(out, force)
    with open_from(ctx, reading=True).reading() as session:
        text = export.export_json(session, clock.now(), include_deleted)
    _write(target, text.encode(), force, "the whole diary")


@export_app.command("fhir")
def export_fhir(ctx: typer.Context, out: OutOpt, force: ForceOpt = False) -> None:
    """The diary as a FHIR R4 Bundle (type collection) for a clinic's system.

    Example: spasmlog export fhir --out bundle.json
    """
    from spasmlog.interchange import fhir

    target = _target(out, force)
    with open_from(ctx, reading=True).reading() as session:
        text = fhir.export_fhir(session, clock.now())
    _write(target, text.encode(), force, "a FHIR R4 bundle")


def _doctor_format(out: str, format: str | None) -> str:
    if format is not None:
        return parsing.parse_choice(format, "--format", ("pdf", "html", "md"))
    if out == "-":
        return "md"
    suffix = Path(out).suffix.lower()
    if suffix not in DOCTOR_FORMATS:
        raise InvalidInput(
            "--out", out, "Name a .pdf, .html or .md file, or give --format pdf|html|md."
        )
    return DOCTOR_FORMATS[suffix]


def _period(start: str | None, end: str | None, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """--from and --to; no --from is None here: it defaults to the last 90 days, or fewer when
    the diary began later (known once it is open)."""
    last = when.parse_date(end, today, "--to") if end else today
    first = when.parse_date(start, today, "--from") if start else None
    if first is not None and first > last:
        raise InvalidInput("--from", start, f"The period must start on or before {last}.")
    return last, first


@export_app.command("doctor")
def export_doctor(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help="First day (default: 90 days before --to).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (default: today).")] = None,
    out: Annotated[
        str,
        typer.Option("--out", "-o", help='summary.pdf, summary.html or summary.md; "-" = stdout.'),
    ] = "spasmlog-summary.pdf",
    format: Annotated[
        str | None,
        typer.Option("--format", help="pdf, html or md (default: from the --out name)."),
    ] = None,
    paper: Annotated[str, typer.Option("--paper", help="a4 or letter.")] = "a4",
    force: ForceOpt = False,
) -> None:
    """A summary to take to an appointment: page 1 numbers, signs, medications, factors, a chart;
    page 2 the weekly chart; then the episodes.

    Example: spasmlog export doctor --out summary.pdf --paper letter
    """
    from spasmlog.reports import load as frames
    from spasmlog.reports import summary, weekly
    from spasmlog.reports.documents import render

    chosen = _doctor_format(out, format)
    size = parsing.parse_choice(paper, "--paper", PAPERS)
    now = clock.now()
    last, given_first = _period(start, end, now.date())
    if out == "-" and chosen == "pdf" and sys.stdout.isatty():
        raise InvalidInput(
            "--out", "-", "A PDF cannot be shown in a terminal; give a file or pipe it."
        )
    target = _target(out, force)
    store = open_from(ctx, reading=True)
    first = given_first or weekly.default_start(
        last - dt.timedelta(days=DEFAULT_DAYS - 1), frames.observed_from(store), last
    )
    trial = trial_summary(store, now, first, last)
    mine = settings.load()  # fluids in litres and the person's unit; their low line and weeks
    data = summary.build(
        store, first, last, now, with_chart=chosen != "md", trial=trial, unit=mine.fluid,
        low_fluid_ml=mine["low_fluid_ml"], week_start=mine.week_start,
    )  # fmt: skip
    document = render.render(data, chosen, size)
    _write(target, document, force, f"the doctor summary for {first} to {last}")
