"""What the commands that correct a record share: IDs as typed (`delete 2 3 4`, `delete 2-4`),
the lines saying what an edit changed, and what delete and restore say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import typer

from spasmlog.cli.common import open_from
from spasmlog.core import clock, parsing
from spasmlog.core.errors import InvalidInput
from spasmlog.diary.edits import FieldChange

T = TypeVar("T")


def _one_id(text: str) -> int:
    """An ID as typed: not a number is bad input (one too big for SQLite is simply not found)."""
    if not text.strip().isdigit():
        raise InvalidInput("ID", text, "Use the number its list shows.")
    return int(text)


IdArg = Annotated[int, typer.Argument(metavar="ID", parser=_one_id, help="The ID its list shows.")]
IdsArg = Annotated[
    list[str],
    typer.Argument(metavar="ID", help='One ID or more: "12", "12 13", "12-15".'),
]


def ids(values: list[str]) -> list[int]:
    return parsing.parse_ids(values)


def change_lines(
    changes: Sequence[FieldChange], labels: dict[str, str], shown: Callable[[str, Any], str]
) -> list[str]:
    """ "  severity: 8/10 -> 7/10", one line per field changed; a blank is "(not set)"."""
    return [
        f"  {labels.get(change.field, change.field)}: "
        f"{shown(change.field, change.before) or '(not set)'} -> "
        f"{shown(change.field, change.after) or '(not set)'}"
        for change in changes
    ]


def say_edited(
    what: str,
    changes: Sequence[FieldChange],
    labels: dict[str, str],
    shown: Callable[[str, Any], str],
) -> None:
    """What `edit` prints: what changed, as `checkin` says it; or that nothing did."""
    if not changes:
        typer.echo(f"{what} already says that; nothing changed.")
        return
    typer.echo(f"Updated {what} (`spasmlog undo` reverts it):")
    for line in change_lines(changes, labels, shown):
        typer.echo(line)


def delete_and_say(
    ctx: typer.Context,
    id_texts: list[str],
    delete: Callable[[Any, list[int], dt.datetime], Sequence[T]],
    describe: Callable[[T], str],
    restore: str,
) -> None:
    """Soft-delete the records with these IDs as one change (`delete` is the use case) and say
    how to bring them back (`restore`: the command without the IDs)."""
    numbers = ids(id_texts)
    with open_from(ctx).writing() as session:
        names = [describe(row) for row in delete(session, numbers, clock.now())]
    say_deleted(names, numbers, restore)


def restore_and_say(
    ctx: typer.Context,
    id_texts: list[str],
    restore: Callable[[Any, list[int], dt.datetime], Sequence[T]],
    describe: Callable[[T], str],
) -> None:
    """Bring back the deleted records with these IDs as one change, and name them."""
    numbers = ids(id_texts)
    with open_from(ctx).writing() as session:
        names = [describe(row) for row in restore(session, numbers, clock.now())]
    typer.echo(f"Restored {'; '.join(names)}.")


def say_deleted(names: Sequence[str], numbers: Sequence[int], restore: str) -> None:
    """ "Deleted #2 ... Bring it back with `spasmlog restore 2`." (`restore` is the command
    without the IDs.)"""
    them = "it" if len(names) == 1 else "them"
    typer.echo(
        f"Deleted {'; '.join(names)}. Bring {them} back with "
        f"`{restore} {' '.join(str(n) for n in numbers)}`."
    )
