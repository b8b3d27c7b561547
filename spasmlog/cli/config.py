"""`spasmlog config list|get|set|unset|path`: the settings file (spasmlog.core.settings)."""

from __future__ import annotations

from typing import Annotated

import typer

from spasmlog.cli.common import printable, table
from spasmlog.core import settings

app = typer.Typer()
config_app = typer.Typer(
    help="Your settings: fluid unit, low-fluid line, reminder, nudge, default side, week start.",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

KeyArg = Annotated[str, typer.Argument(help="A setting's name; `spasmlog config list` shows all.")]


@config_app.command("list")
def config_list() -> None:
    """Every setting: its value, whether you set it, and what it does.

    Example: spasmlog config list
    """
    current = settings.load()
    path = current.path
    stored = settings.file_table(path)
    rows = [
        [
            name,
            printable(settings.show(name, current[name])),
            "set" if name in stored else "default",
            key.meaning,
        ]
        for name, key in settings.KEYS.items()
    ]
    typer.echo(table(["Key", "Value", "From", "What it does"], rows))
    typer.echo(f"\nFile: {path}{'' if path.exists() else ' (not created yet: all defaults)'}")
    unknown = [name for name in stored if name not in settings.KEYS]
    if unknown:
        typer.echo(
            f"Unknown keys in the file, ignored: {', '.join(printable(n) for n in unknown)}. "
            "Remove them with `spasmlog config unset KEY` if they are typos.",
            err=True,
        )


@config_app.command("get")
def config_get(key: KeyArg) -> None:
    """Print one setting's value.

    Example: spasmlog config get fluid_unit
    """
    name = settings.key_named(key).name
    typer.echo(settings.show(name, settings.load()[name]))


@config_app.command("set")
def config_set(
    key: KeyArg,
    value: Annotated[str, typer.Argument(help="The new value; `config list` says what fits.")],
) -> None:
    """Change one setting. A bad value changes nothing.

    Example: spasmlog config set fluid_unit glass
    """
    change = settings.set_value(key, value)
    before, after = (settings.show(change.key, v) for v in (change.before, change.after))
    if before == after:
        typer.echo(f"{change.key} is {after} already; saved it in {settings.config_path()}.")
        return
    typer.echo(
        f"{change.key}: {printable(before)} -> {after}. "
        f"(`spasmlog config set {change.key} {printable(before)}` puts it back.)"
        if change.before is not None
        else f"{change.key}: (not set) -> {after}. (`spasmlog config unset {change.key}` undoes it.)"
    )
    if change.key in ("reminder_time", "reminder_days"):
        typer.echo("An installed reminder keeps its time until `spasmlog remind set` applies this.")


@config_app.command("unset")
def config_unset(key: KeyArg) -> None:
    """Go back to a setting's default.

    Example: spasmlog config unset week_start
    """
    change = settings.unset_value(key)
    default = settings.show(change.key, change.after)
    if change.before == change.after:
        typer.echo(f"{change.key} was not set; it is the default, {default}.")
        return
    before = printable(settings.show(change.key, change.before))
    typer.echo(f"{change.key}: {before} -> {default} (the default).")


@config_app.command("path")
def config_path() -> None:
    """Print where the settings file is ($SPASMLOG_CONFIG chooses another).

    Example: spasmlog config path
    """
    typer.echo(str(settings.config_path()))
