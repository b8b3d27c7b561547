"""`spasmlog observe`: when observation began, from which every week counts."""

from __future__ import annotations

from typing import Annotated

import typer

from spasmlog.cli.common import open_from
from spasmlog.core import clock, when
from spasmlog.core.errors import InvalidInput
from spasmlog.diary import observation

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand


def _said(seen: observation.Observation) -> str:
    if seen.start is None:
        return "Nothing recorded yet: observation begins with your first episode or check-in."
    if seen.set_by_hand is not None and seen.start == seen.set_by_hand:
        why = "set by hand"
    elif seen.start == seen.first_episode:
        why = "your first episode"
    else:
        why = "your first check-in"
    return (
        f"Observation began on {seen.start} ({why}): every week from then on counts, a week "
        "without episodes as 0; weeks before it are no data."
    )


@app.command()
def observe(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(help="The day you began keeping the diary, if before your first entry."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Forget the day set with --since.")
    ] = False,
) -> None:
    """When observation began: every week from then counts, an episode-free one as 0.

    It is your first episode or check-in; give --since when you began the diary earlier (days
    without cramps before the first one count too).

    Example: spasmlog observe --since 2026-10-01
    """
    if since is not None and clear:
        raise InvalidInput("--clear", "", "Give --since or --clear, not both.")
    day = when.parse_date(since, clock.today(), "--since") if since is not None else None
    store = open_from(ctx, reading=day is None and not clear)
    if day is None and not clear:
        with store.reading() as session:
            typer.echo(_said(observation.observation(session)))
        return
    with store.writing() as session:
        if clear:
            seen = observation.clear_start(session, clock.now())
        else:
            assert day is not None
            seen = observation.set_start(session, day, clock.now())
    typer.echo(_said(seen) + " (`spasmlog undo` reverts it.)")
