"""The Typer app, its global options, and the one place errors become messages and exit codes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from spasmlog import __version__
from spasmlog.errors import ExitCode, SpasmlogError


@dataclass
class State:
    db: Path | None = None
    debug: bool = False


class _Group(TyperGroup):
    """Turns every SpasmlogError (and storage failure) into one stderr line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
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
            from sqlalchemy.exc import DBAPIError

            if isinstance(error, typer.Exit | typer.Abort | TyperException):
                raise  # the parser's own usage errors and exits
            if isinstance(error, DBAPIError):  # damaged, disk full, read-only, locked...
                from spasmlog.cli.common import diary_path
                from spasmlog.db.maintenance import explain

                explained = explain(error.orig or error, diary_path(ctx))
                message, code = str(explained), explained.exit_code
            else:
                message = f"Unexpected {type(error).__name__}. Nothing was changed; run with --debug for details."
                code = ExitCode.FAILURE
            _fail(ctx, message, code, error)


def _fail(ctx: Any, message: str, code: int, error: BaseException) -> None:
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
