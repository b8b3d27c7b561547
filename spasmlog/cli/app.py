"""The Typer app, its global options, and the one place errors become messages and exit codes.

Commands load lazily: `spasmlog log` imports the episode commands and nothing else, and
`spasmlog --help` imports no command module at all (it lists the summaries kept below).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from spasmlog import __version__
from spasmlog.cli.state import State, diary_path
from spasmlog.core.errors import ExitCode, SpasmlogError


@dataclass(frozen=True)
class Entry:
    """A top-level command: the spasmlog.cli module whose `app` defines it, and its --help line."""

    module: str
    panel: str
    summary: str


ARGS = "spasmlog.args"  # ctx.meta key: the words after the global options
EPISODES, CONTEXT, OUT, FILE = "Episodes", "Context", "Reports and exports", "The diary"
HABIT = "Reminders and settings"
COMMANDS: dict[str, Entry] = {
    "log": Entry(
        "episodes", EPISODES, "Log a spasm. With no --muscle on a terminal, asks for each field."
    ),
    "list": Entry(
        "episodes",
        EPISODES,
        'List episodes, newest first. Example: spasmlog list --since "7 days ago" --format json',
    ),
    "show": Entry(
        "episodes", EPISODES, "Show every field of one episode. Example: spasmlog show 12"
    ),
    "edit": Entry(
        "episodes", EPISODES, "Correct fields of an episode (same options and checks as `log`)."
    ),
    "delete": Entry(
        "episodes", EPISODES, "Delete an episode (recoverable). Example: spasmlog delete 12"
    ),
    "restore": Entry(
        "episodes", EPISODES, "Bring back a deleted episode. Example: spasmlog restore 12"
    ),
    "undo": Entry(
        "episodes",
        EPISODES,
        "Revert the last change, whatever it was, and say what it was. Example: spasmlog undo",
    ),
    "muscles": Entry(
        "episodes",
        EPISODES,
        "List the muscle names spasmlog knows, with the words it accepts for each.",
    ),
    "observe": Entry(
        "observe",
        CONTEXT,
        "When observation began: every week from then counts, an episode-free one as 0.",
    ),
    "checkin": Entry(
        "context",
        CONTEXT,
        "Record how a day went; again for the same day changes only the fields given.",
    ),
    "checkins": Entry(
        "context",
        CONTEXT,
        "List daily check-ins, newest first; blank means not recorded, never zero.",
    ),
    "exercise": Entry("context", CONTEXT, "Exercise sessions: when, what, how long, how hard."),
    "meds": Entry(
        "medical", CONTEXT, "Medications over time, classed into the article's drug classes."
    ),
    "conditions": Entry("medical", CONTEXT, "Known conditions, filed under the article's groups."),
    "labs": Entry("medical", CONTEXT, "Electrolyte lab results, flagged against a range."),
    "trial": Entry(
        "trial",
        CONTEXT,
        "Randomised trials of a remedy on yourself, ON and OFF by pairs: does it help you?",
    ),
    "report": Entry("report", OUT, "Reports: weekly trends and risk factors."),
    "export": Entry(
        "export",
        OUT,
        "Take your diary out: a doctor summary (PDF/HTML/Markdown), CSV, JSON or FHIR.",
    ),
    "import": Entry(
        "importing",
        OUT,
        "Import spasmlog's own CSV or JSON, or an export of Apple Health, Bearable, Daylio or "
        "Flaredown: every row, or none.",
    ),
    "db": Entry("dbcmd", FILE, "The diary file: path, check, backups, restore, upgrade, destroy."),
    "demo": Entry(
        "demo", FILE, "Show what spasmlog does, on a realistic made-up diary of six months."
    ),
    # The web front end's own command: a sibling of the CLI, named here, imported only to run.
    "serve": Entry(
        "spasmlog.web.command",
        FILE,
        "Serve the diary to your phone's browser (log, check in, reports). Example: spasmlog serve --lan",
    ),
    "remind": Entry(
        "remind", HABIT, "A daily desktop reminder to check in, only on days without one."
    ),
    "config": Entry(
        "config",
        HABIT,
        "Your settings: fluid unit, low-fluid line, reminder, nudge, default side, week start.",
    ),
}


def load_command(name: str) -> Any:
    """The real click command for `name`: only its module is imported, only it is built."""
    module = COMMANDS[name].module
    module = module if module.startswith("spasmlog.") else f"spasmlog.cli.{module}"
    module_app: typer.Typer = importlib.import_module(module).app
    if not gc.isenabled():  # main() held the collector off during start-up (tens of ms saved);
        gc.freeze()  # what start-up made lives until exit, so later collections skip it
        gc.enable()
    short, markup = module_app.pretty_exceptions_short, module_app.rich_markup_mode
    for command in module_app.registered_commands:
        callback_name = command.callback.__name__ if command.callback else ""
        if name == (command.name or typer.main.get_command_name(callback_name)):
            return typer.main.get_command_from_info(
                command, pretty_exceptions_short=short, rich_markup_mode=markup
            )
    for group in module_app.registered_groups:
        if name == group.name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=short,
                rich_markup_mode=markup,
                suggest_commands=module_app.suggest_commands,
            )
    raise LookupError(f"{module} defines no command {name!r}")


class _Commands(MutableMapping[str, Any]):
    """The root group's commands: every name is known, a command is loaded when first used."""

    def __init__(self) -> None:
        self.loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self.loaded[name] = load_command(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class _Group(TyperGroup):
    """Loads commands on demand, and turns every SpasmlogError (and storage failure) into one
    stderr line and an exit code."""

    listing = False  # while the root help is drawn, commands are their summaries only

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands()

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if self.listing and entry is not None:
            return TyperCommand(cmd_name, short_help=entry.summary, rich_help_panel=entry.panel)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        ctx.meta.setdefault(ARGS, tuple(args))  # the command's words, for the nudge
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
        except SpasmlogError as error:
            _fail(ctx, str(error), error.exit_code, error)
        except OSError as error:
            _fail(
                ctx,
                f"Cannot write: {error.strerror or error}. Nothing was changed.",
                ExitCode.FAILURE,
                error,
            )
        except Exception as error:
            if isinstance(error, typer.Exit | typer.Abort | TyperException):
                raise  # the parser's own usage errors and exits
            from spasmlog.diary.access import explained

            meaning = explained(error, diary_path(ctx))  # damaged, disk full, read-only, locked
            if meaning is not None:
                message, code = str(meaning), meaning.exit_code
            else:
                message = f"Unexpected {type(error).__name__}. Nothing was changed; run with --debug for details."
                code = ExitCode.FAILURE
            _fail(ctx, message, code, error)
        if sys.stdout.isatty():  # the nudge (issue 16), after the output
            from spasmlog.cli import nudging

            nudging.after_command(ctx, ctx.meta.get(ARGS, ()))
        return result


def _fail(ctx: Any, message: str, code: int, error: BaseException) -> NoReturn:
    state = ctx.find_object(State)
    if state is not None and state.debug:
        raise error
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(int(code))


app = typer.Typer(
    cls=_Group,
    name="spasmlog",
    help="A private, local muscle-spasm diary. Log an episode: spasmlog log --muscle calf",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spasmlog {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="Diary file to use (default: $SPASMLOG_DB, else your data folder)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """spasmlog: log muscle spasms in seconds, see the trends, take a summary to your doctor."""
    os.umask(0o077)  # whatever spasmlog creates (diary, WAL, backups, exports) is private
    ctx.obj = State(db=db, debug=debug)
