"""When the CLI nudges (spasmlog.diary.nudge says what): after a command that succeeded, on a
terminal, unless its output is data (`--format json|csv`, `--out -`), it runs in the background
(`remind fire`) or serves (`serve`), or the `nudge` setting is off. Never on --help, which ends
before a command runs. A nudge never turns a command's success into a failure."""

from __future__ import annotations

from collections.abc import Sequence

import typer

from spasmlog.cli.state import diary_path
from spasmlog.core import clock, settings
from spasmlog.core.errors import SpasmlogError
from spasmlog.diary import nudge

QUIET_COMMANDS = (("serve",), ("remind", "fire"))
DATA_FORMATS = ("json", "csv")


def output_is_data(args: Sequence[str]) -> bool:
    """`--format json|csv` or `--out -` among the command's arguments."""
    for option, value in zip(args, [*args[1:], ""], strict=True):
        name, _, inline = option.partition("=")
        given = inline if inline else value
        if name == "--format" and given.strip().lower() in DATA_FORMATS:
            return True
        if name == "--out" and given == "-":
            return True
    return False


def wanted(args: Sequence[str]) -> bool:
    words = tuple(args[:2])
    if any(words[: len(quiet)] == quiet for quiet in QUIET_COMMANDS):
        return False
    return not output_is_data(args)


def after_command(ctx: typer.Context, args: Sequence[str]) -> None:
    """Print the nudge on stderr if one is due (see the module docstring)."""
    if not wanted(args):
        return
    try:
        if not settings.load()["nudge"]:
            return
        line = nudge.nudge_line(diary_path(ctx), clock.now(), settings.state_dir())
    except (SpasmlogError, OSError):
        return  # a broken settings file or clock is the next command's error to report
    if line:
        typer.echo(line, err=True)
