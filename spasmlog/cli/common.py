"""Small helpers shared by the command modules: opening the diary, prompts, plain-text tables."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import typer

from spasmlog.cli.app import State
from spasmlog.db.session import Diary, open_diary
from spasmlog.errors import InvalidInput
from spasmlog.paths import resolve_db_path

T = TypeVar("T")


def diary_path(ctx: typer.Context) -> Path:
    state = ctx.find_object(State) or State()
    return resolve_db_path(state.db)


def open_from(ctx: typer.Context) -> Diary:
    """The diary for this command, closed (connections released, WAL checkpointed) when it ends."""
    diary = open_diary(diary_path(ctx))
    ctx.call_on_close(diary.close)
    return diary


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
    if not interactive():
        raise InvalidInput("--note", "-", "A prompt for the note needs a terminal; pass the text.")
    text = typer.prompt("Note (not saved in shell history)", default="", show_default=False)
    return text.strip() or None


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


def medications_updated(count: int, where: str) -> str | None:
    """The line saying how many logged episodes a change to the medication list updated."""
    if not count:
        return None
    return f"Updated the medications of {count} logged episode{'' if count == 1 else 's'} {where}."
