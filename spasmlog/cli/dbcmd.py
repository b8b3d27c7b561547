"""`spasmlog db ...`: where the diary is, backups and explicit upgrades."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spasmlog.cli.app import app
from spasmlog.cli.common import diary_path, open_from
from spasmlog.db import backup, migrate
from spasmlog.db.session import read_revision

db_app = typer.Typer(help="The diary file: path, backups, upgrades.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the diary file in use (from --db, $SPASMLOG_DB or the default)."""
    typer.echo(str(diary_path(ctx)))


@db_app.command("backup")
def backup_(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="Where to write (default: the backups folder).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Copy the diary safely, even while it is in use. Example: spasmlog db backup ~/diary-copy.db"""
    store = open_from(ctx)
    store.close()
    if file is None:
        dest = backup.automatic_backup(store.path, "manual")
    else:
        dest = backup.copy_diary(store.path, file.expanduser().absolute(), overwrite=force)
    typer.echo(f"Backed up to {dest}")


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the diary to this version's schema (a backup is made first)."""
    where = diary_path(ctx)
    before = read_revision(where) if where.exists() else None
    open_from(ctx).close()
    if before == migrate.HEAD:
        typer.echo(f"Already at schema {migrate.HEAD}: nothing to do.")
    elif before is None:
        typer.echo(f"Created a new diary at schema {migrate.HEAD}: {where}")
    else:
        newest = backup.list_backups(where)[0].path
        typer.echo(f"Upgraded from schema {before} to {migrate.HEAD}. Backup: {newest}")
