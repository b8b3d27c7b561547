"""`spasmlog import`: check a whole file, then write all of it or none of it."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from spasmlog.cli.common import medications_updated, open_from
from spasmlog.core import clock, parsing
from spasmlog.core.errors import InvalidInput
from spasmlog.interchange.records import COLUMNS_BY_KIND

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

if TYPE_CHECKING:  # the importer is loaded by the command only, not by every command's start
    from spasmlog.interchange.importing import ImportResult, KindResult, MergeResult, Tally

FILE_KINDS = (*COLUMNS_BY_KIND, "json")
KIND_HELP = (
    "What one of spasmlog's own files holds: " + ", ".join(FILE_KINDS) + " (default: from its "
    "header; json for *.json)."
)
FORMATS = ("apple-health", "bearable", "daylio", "flaredown", "spasmlog")
FROM_HELP = "The file's format: " + ", ".join(FORMATS) + " (default: found from the file)."
SOURCE_HELP = "Apple Health: keep only the records of this app (its sourceName); repeatable."


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


class _Bar:
    """A rich progress bar on a terminal's stderr, once reading takes longer than DELAY_S."""

    DELAY_S = 2.0

    def __init__(self, console: Any = None) -> None:
        self.started = time.monotonic()
        self.console = console
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < self.DELAY_S:
                return
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

            console = self.console or Console(stderr=True)
            self.bar = Progress(
                "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                TimeRemainingColumn(), console=console, transient=True,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task(phase.capitalize(), total=total or None)
        self.bar.update(self.task, completed=done, total=total or None)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


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


_DAY_WORDS = {"filled": "filled", "updated": "updated", "kept": "kept", "same": "already there"}
_ROW_WORDS = {"filled": "added", "updated": "updated", "kept": "kept", "same": "already there"}


def _tally(tally: Tally, words: dict[str, str], dry_run: bool, days: bool) -> str:
    parts = []
    for outcome, count in tally.counts:
        unit = ("day" if count == 1 else "days") + " " if days else ""
        would = "would be " if dry_run and outcome in ("filled", "updated") else ""
        parts.append(f"{count} {unit}{would}{words[outcome]}")
    return f"    {tally.what}: {', '.join(parts)}."


def render_merge(result: MergeResult) -> list[str]:
    """What an import from another app prints: per check-in field, days filled, updated, kept or
    already there; per kind of row the same; which source columns became which tags."""
    exported = f", exported {result.exported_at.date()}" if result.exported_at else ""
    source = f"{result.file} ({result.label}{exported})"
    if not result.days and not result.rows:
        return [f"Nothing to write from {source}: it holds nothing spasmlog records."]
    if result.dry_run:
        lines = [f"Dry run: nothing was written. Importing {source} would do this:"]
    elif result.written:
        lines = [f"Imported {source} as one change (`spasmlog undo` reverts all of it):"]
    else:
        lines = [f"Nothing to write from {source}; the diary has all of it already:"]
    if result.days:
        lines.append("  check-in days, per field:")
        lines += [_tally(t, _DAY_WORDS, result.dry_run, True) for t in result.days]
    if result.rows:
        lines.append("  records:")
        lines += [_tally(t, _ROW_WORDS, result.dry_run, False) for t in result.rows]
    if result.tag_columns:
        lines.append("  tags made from the file's columns:")
        lines += [f'    "{column}" -> {tag}' for column, tag in result.tag_columns]
    lines += [f"  {note}." for note in result.notes]
    if not result.update and any(t.count("kept") for t in (*result.days, *result.rows)):
        lines.append(
            "Kept: values you typed, or that another app or a newer export wrote, or that you "
            "changed or deleted since; --update overwrites them."
        )
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
    kind: Annotated[str | None, typer.Option("--kind", "-k", help=KIND_HELP)] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Check the file and say what would change; write nothing."),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Overwrite the row stored with a row's start, muscle and side (date, name...); "
            "from another app: overwrite values you typed too.",
        ),
    ] = False,
    from_: Annotated[str | None, typer.Option("--from", help=FROM_HELP)] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help=SOURCE_HELP)] = None,
) -> None:
    """Import spasmlog's own CSV or JSON, or an export of Apple Health, Bearable, Daylio or
    Flaredown: every row, or none.

    The format is found from the file (--from names it). The whole file is checked first; any
    bad row means nothing is written. The diary is backed up before a write, and the import is
    one change that `spasmlog undo` reverts. spasmlog's files: a row equal in every column to one
    in the diary is skipped; --update overwrites the stored row with the same start, muscle and
    side (date for check-ins...). Other apps: blanks are filled, values the same app wrote are
    updated, what you typed is kept unless --update. Columns and mappings: see the README.

    Example: spasmlog import export.zip --dry-run
    """
    chosen_kind = parsing.parse_choice(kind, "--kind", FILE_KINDS) if kind else None
    chosen = parsing.parse_choice(from_, "--from", FORMATS) if from_ else None
    if chosen_kind is not None and chosen not in (None, "spasmlog"):
        raise InvalidInput("--kind", kind or "", "--kind is for spasmlog's own files only.")
    from spasmlog.interchange import importing as importer

    now = clock.now()
    options = importer.Options(now, chosen_kind, tuple(source or ()))
    terminal = sys.stderr.isatty()
    progress: _Progress | _Bar | None = None
    try:
        with _opened(file) as stream:
            name = "standard input" if file == "-" else file
            path = None if file == "-" else Path(file).expanduser()
            opened = importer.opened(stream, name, path, now)
            found = importer.detect(opened, "spasmlog" if chosen_kind else chosen)
            if terminal:
                progress = _Progress() if found.name == "spasmlog" else _Bar()
            if options.source_names and found.name != "apple-health":
                raise InvalidInput("--source", options.source_names[0], "It is for Apple Health.")
            checked = found.read(opened, options, progress)
        store = open_from(ctx)
        if isinstance(checked, importer.Harvest):
            merged = importer.merge(store, checked, now, dry_run, update)
            lines = render_merge(merged)
        else:
            result = importer.apply(store, checked, now, dry_run, update, progress)
            for warning in checked.warnings:
                typer.echo(f"Warning: {warning}", err=True)
            lines = render(result)
    finally:
        if progress is not None:
            progress.close()
    for line in lines:
        typer.echo(line)
