"""`spasmlog demo`: the whole product on a made-up diary, never touching your own."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Annotated

import typer

from spasmlog.core import clock
from spasmlog.knowledge.factors import DISCLAIMER

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

NOUNS = {
    "episodes": "episodes",
    "checkins": "check-ins",
    "exercise": "exercise sessions",
    "meds": "medication periods",
    "conditions": "condition",
    "labs": "lab results",
}


@app.command("demo")
def demo_(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo's files.")] = Path(
        "spasmlog-demo"
    ),
    seed: Annotated[int, typer.Option(help="Another seed makes another (made-up) person.")] = 7,
    days: Annotated[int, typer.Option(min=28, max=3660, help="How many days of diary.")] = 182,
) -> None:
    """Show what spasmlog does, on a realistic made-up diary of six months.

    The diary is made in a new temporary folder (never yours; --db is not used), imported the
    way `spasmlog import` does, and the weekly chart, the factor report (text and JSON) and the
    doctor summary (PDF and HTML) are written into --out; files of those names there are
    replaced.

    Example: spasmlog demo --out ./spasmlog-demo --days 120
    """
    from spasmlog.interchange import demo  # not loaded by every command's start

    made = demo.run(out.expanduser(), seed, days, clock.now())
    counts = ", ".join(f"{made.imported[kind]} {NOUNS[kind]}" for kind in NOUNS)
    typer.echo(f"Made up a diary of {days} days, {made.first} to {made.last}: {counts}.")
    typer.echo(
        f"It is a throw-away diary in {made.diary} (imported from the CSV files in "
        f"{made.csv_folder}); try: spasmlog --db {made.diary} list --limit 5"
    )
    typer.echo("\nWrote:")
    width = max(len(str(path)) for path, _ in made.files)
    for path, what in made.files:
        typer.echo(f"  {str(path):<{width}}  {what}")
    typer.echo(f"\n{made.trend}")
    if made.findings:
        typer.echo("What the made-up diary shows:")
        for line in made.findings:
            typer.echo(textwrap.fill(line, 100, initial_indent="  - ", subsequent_indent="    "))
    typer.echo(f"\n{DISCLAIMER}")
