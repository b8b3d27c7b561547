"""`spasmlog import`: check a whole file, then write all of it or none of it."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from spasmlog.cli.common import medications_updated, open_from
from spasmlog.core import clock, parsing
from spasmlog.core.errors import InvalidInput
from spasmlog.interchange.records import COLUMNS_BY_KIND

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

if TYPE_CHECKING:  # the importer is loaded by the command only, not by every command's start
    from spasmlog.interchange.importing import ImportResult, KindResult

FILE_KINDS = (*COLUMNS_BY_KIND, "json")
KIND_HELP = "What the file holds: " + ", ".join(FILE_KINDS) + " (default json for *.json)."


class _Progress:
    """A one-line progress count on a terminal's stderr, once a file takes longer than a moment."""

    DELAY_S = 0.5

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < self.DELAY_S:
            return
        amount = f"{100 * done // total}%" if total else f"{done:,}"
        sys.stderr.write(f"\r{'Checking' if phase == 'checking' else 'Writing'} rows: {amount}   ")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 30 + "\r")
            sys.stderr.flush()


@contextlib.contextmanager
def _opened(file: str) -> Iterator[BinaryIO]:
    if file == "-":
        yield sys.stdin.buffer
        return
    try:
        stream = open(Path(file).expanduser(), "rb")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise InvalidInput("FILE", file, f"It cannot be read: {error.strerror}.") from None
    with stream:
        yield stream


def _kind_line(result: KindResult, dry_run: bool, update: bool) -> str:
    would = "would be " if dry_run else ""
    parts = [f"{result.added} {would}added"] if result.added else []
    if result.alike:
        parts[-1] += (
            f" ({result.alike} with the {result.identity_words} of one already in the diary: "
            f"{_where(result.where_alike, result.alike)})"
        )
    if result.updated:
        parts.append(f"{result.updated} {would}updated")
    if result.unchanged:
        state = "unchanged" if update else f"{would}skipped"
        where = _where(result.where_stored, result.unchanged)
        parts.append(f"{result.unchanged} already in the diary, {state} ({where})")
    if result.repeats:
        parts.append(f"{result.repeats} repeating an earlier row of the file, {would}skipped")
    if result.deleted_left_out:
        parts.append(f"{result.deleted_left_out} deleted ones left out")
    return f"  {result.kind}: {', '.join(parts) or 'nothing'}."


def _where(shown: tuple[str, ...], count: int) -> str:
    return ", ".join(shown) + (", ..." if count > len(shown) else "")


def render(result: ImportResult) -> list[str]:
    """What `import` prints: what was (or would be) added, updated and skipped, per kind."""
    source = result.source
    shown = [kind for kind in result.kinds if kind.rows or kind.deleted_left_out]
    if not shown:
        return [f"Nothing to write from {source}: it has no rows."]
    if result.dry_run:
        lines = [f"Dry run: nothing was written. Importing {source} would do this:"]
    elif result.written:
        lines = [f"Imported {source} as one change (`spasmlog undo` reverts all of it):"]
    else:
        lines = [f"Nothing to write from {source}; every row is in the diary already:"]
    lines += [_kind_line(kind, result.dry_run, result.update) for kind in shown]
    if any(kind.alike for kind in result.kinds):
        how = "add --update" if result.dry_run else "`spasmlog undo`, then import with --update"
        lines.append(f"To overwrite those rows in the diary instead of adding new ones, {how}.")
    updated = medications_updated(result.episodes_refreshed, "to follow the periods")
    lines += [updated] if updated else []
    if result.backup is not None:
        lines.append(f"The diary was backed up first, to {result.backup}")
    return lines


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help='A CSV or JSON file; "-" reads stdin.')
    ],
    kind: Annotated[
        str | None, typer.Option("--what", "--kind", "-k", help=KIND_HELP + " --kind is the same.")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check the file and say what would change; write nothing."),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Overwrite the row stored with a row's start, muscle and side (date, name...).",
        ),
    ] = False,
) -> None:
    """Import a CSV of one kind, or a whole diary from `export json`: every row, or none.

    The whole file is checked first; any bad row means nothing is written. The diary is backed
    up before a write, and the import is one change that `spasmlog undo` reverts. A row equal
    in every column to one in the diary is skipped; --update overwrites the stored row with the
    same start, muscle and side (date for check-ins...). Columns: see the README.

    Example: spasmlog import cramps.csv --what episodes --dry-run
    """
    if kind is None and not file.lower().endswith(".json"):
        raise InvalidInput.missing(
            "--what",
            f"Say what the file holds, e.g. --what episodes ({', '.join(FILE_KINDS)}).",
        )
    chosen = parsing.parse_choice(kind or "json", "--what", FILE_KINDS)
    from spasmlog.interchange import importing as importer

    now = clock.now()
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        with _opened(file) as stream:
            name = "standard input" if file == "-" else file
            checked = importer.check_file(stream, name, chosen, now, progress)
        store = open_from(ctx)
        result = importer.apply(store, checked, now, dry_run, update, progress)
    finally:
        if progress is not None:
            progress.close()
    for warning in checked.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    for line in render(result):
        typer.echo(line)
