"""Small helpers shared by the command modules: opening the diary, prompts, plain-text tables."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import typer

from spasmlog.cli.state import diary_path
from spasmlog.core import clock, when
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import Doubt
from spasmlog.diary.access import Store, open_store

if TYPE_CHECKING:
    from spasmlog.reports.trial import TrialSummary

T = TypeVar("T")


def open_from(ctx: typer.Context, reading: bool = False) -> Store:
    """The diary for this command, closed (connections released, WAL checkpointed) when it ends.

    A command that only reads (`reading=True`) refuses a diary that does not exist ("No diary
    at PATH"), creating nothing; one that writes creates it and says so, once. An upgrade that
    repaired entries says so too. Both lines go to stderr, before the command's own output."""
    store = open_store(diary_path(ctx), create=not reading)
    ctx.call_on_close(store.close)
    if store.created:
        typer.echo(f"Created a new diary at {store.path}.", err=True)
    line = repaired_line(store)
    if line:
        typer.echo(line, err=True)
    return store


def repaired_line(store: Store) -> str | None:
    count = store.upgraded.offsets_repaired if store.upgraded else 0
    if not count:
        return None
    noun = "entry" if count == 1 else "entries"
    return (
        f"Repaired the time of {count} {noun} that an older spasmlog stored with the wrong UTC "
        "offset (a time typed without one took the offset of the day it was typed). "
        "`spasmlog undo` reverts the repair."
    )


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def ask(
    label: str, parse: Callable[[str], T], default: str = "", required: bool = False
) -> T | None:
    """Prompt until the answer parses; Enter on an optional field skips it."""
    while True:
        answer = typer.prompt(label, default=default, show_default=bool(default))
        if not answer.strip():
            if required:
                typer.echo("  This one is needed.", err=True)
                continue
            return None
        try:
            return parse(answer)
        except InvalidInput as error:
            typer.echo(f"  {error.accepted}", err=True)


def note_from(value: str | None) -> str | None:
    """`--note -` asks for the note at a prompt, so health text stays out of shell history."""
    if value != "-":
        return value
    if sys.stdin.isatty():
        text = typer.prompt("Note (not saved in shell history)", default="", show_default=False)
        return text.strip() or None
    piped = typer.get_text_stream("stdin").read().strip()  # `pass show cramp | spasmlog ...`
    if not piped:
        raise InvalidInput(
            "--note",
            "-",
            "Nothing came on standard input: pipe the note in, or run it on a terminal to be "
            "asked for it.",
        )
    return piped


def say_doubts(doubts: Sequence[tuple[str, Doubt]], fix: str) -> None:
    """On stderr, after the write: each value taken as typed that may not be what was meant,
    and the command that changes it (`fix` is the command without the option, e.g.
    "spasmlog edit 12")."""
    for option, doubt in doubts:
        line = f"Note: {doubt.text}"
        if doubt.instead is not None:
            line += f' To change it: {fix} {option} "{doubt.instead}"'
        typer.echo(line, err=True)


def printable(text: str | None, width: int | None = None) -> str:
    """Text made safe for a terminal: control characters (ANSI escapes) shown, not obeyed."""
    if not text:
        return ""
    safe = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    if width is not None and len(safe) > width:
        safe = safe[: width - 1] + "…"
    return safe


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with columns padded to fit."""
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def when_cell(iso: str) -> str:
    """ "2026-07-15T23:30:00+02:00" -> "2026-07-15 23:30", with "+02:00" after it when that
    offset is not the one the person's clock has now (summer time in winter, a trip abroad)."""
    shown = iso[:16].replace("T", " ")
    offset = iso[-6:] if len(iso) > 19 and iso[-6] in "+-" else ""
    if offset and offset != clock.offset_text(clock.local_offset_min(clock.now())):
        shown += f" {offset}"
    return shown


def parse_at(text: str, option: str = "--at") -> dt.datetime:
    """A --at value, saying on stderr which of two times was taken when the clocks went back."""
    moment = when.parse_when(text, clock.now(), option)
    note = clock.ambiguity(moment)
    if note:
        typer.echo(f"Note: {note}", err=True)
    return moment


def medications_updated(count: int, where: str) -> str | None:
    """The line saying how many logged episodes a change to the medication list updated."""
    if not count:
        return None
    return f"Updated the medications of {count} logged episode{'' if count == 1 else 's'} {where}."


def trial_summary(
    store: Store, now: dt.datetime, first: dt.date, last: dt.date
) -> TrialSummary | None:
    """The trial that ran in [first, last], if any, as the doctor summary and the factor report
    show it."""
    from spasmlog.diary import trials

    with store.reading() as session:
        found = trials.for_period(session, now, first, last)
    if found is None:
        return None
    from spasmlog.reports.trial import summarise  # its statistics, only for a trial

    return summarise(found)
