"""`spasmlog db ...`: where the diary is, backups, upgrades, checks, restores and deletion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from spasmlog.cli.common import diary_path, interactive, open_from, printable, table
from spasmlog.core import clock
from spasmlog.core.errors import ExitCode, InvalidInput, NotFound
from spasmlog.diary import files

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

db_app = typer.Typer(
    help="The diary file: path, check, backups, restore, upgrade, destroy.", no_args_is_help=True
)
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
    store = open_from(ctx, reading=True)
    store.close()
    if file is None:
        dest = files.back_up(store.path)
    else:
        dest = files.back_up(store.path, file.expanduser().absolute(), overwrite=force)
    typer.echo(f"Backed up to {dest}")


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the diary to this version's schema (a backup is made first)."""
    where = diary_path(ctx)
    before = files.read_revision(where) if where.exists() else None
    store = open_from(ctx)
    store.close()
    if before == files.SCHEMA:
        typer.echo(f"Already at schema {files.SCHEMA}: nothing to do.")
    elif store.upgraded is None:
        typer.echo(f"Created a new diary at schema {files.SCHEMA}: {where}")
    else:
        backup_path = store.upgraded.backup
        typer.echo(f"Upgraded from schema {before} to {files.SCHEMA}. Backup: {backup_path}")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:.1f} KB" if n < 1024**2 else f"{n / 1024**2:.1f} MB"


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(clock.now().tzinfo).strftime("%Y-%m-%d %H:%M")


def _facts(health: files.Health) -> str:
    parts = []
    for name, label in files.TABLES.items():
        if name in health.live:
            gone = health.deleted.get(name, 0)
            parts.append(f"{label} {health.live[name]}" + (f" (+{gone} deleted)" if gone else ""))
    return ", ".join(parts)


@db_app.command("check")
def check(ctx: typer.Context) -> None:
    """Check the diary for damage with SQLite's integrity check; shows its schema and row counts.

    Read-only: it never changes the diary, even a damaged one. Exit code 1 when damaged.

    Example: spasmlog db check
    """
    where = diary_path(ctx)
    health = files.check(where)
    schema = f"schema {health.revision}" if health.revision else "schema unreadable"
    typer.echo(f"Diary:     {where} ({_size(health.size)}, {schema})")
    if health.ok:
        typer.echo("Integrity: ok (SQLite integrity check)")
        typer.echo(f"Rows:      {_facts(health)}")
        found = files.list_backups(where)
        newest = f", newest {_when(found[0].made_at)}: {found[0].path}" if found else ""
        typer.echo(f"Backups:   {len(found)}{newest}")
        return
    count = len(health.problems)
    typer.echo(f"Damaged:   {count} problem{'s' if count > 1 else ''} found:")
    for problem in health.problems:
        typer.echo(f"  - {printable(problem)}")
    typer.echo("The file was not changed.")
    good, damaged = files.newest_healthy_backup(where)
    if damaged:
        typer.echo(f"Skipped {len(damaged)} newer backup(s) that are damaged too.")
    if good is None:
        typer.echo(
            "No healthy backup was found. Keep this file: SQLite's recovery "
            f'(sqlite3 "{where}" .recover) can often rescue the rows it can still read.'
        )
    else:
        typer.echo(f"Restore the newest healthy backup ({_when(good.made_at)}):")
        typer.echo(f'  spasmlog db restore "{good.path}"')
        typer.echo("The damaged file is then kept beside the diary, not deleted.")
    raise typer.Exit(int(ExitCode.FAILURE))


@db_app.command("backups")
def backups(ctx: typer.Context) -> None:
    """List the backups of the diary, newest first, with their time and size.

    One is made before every upgrade and import (the newest 10 of each are kept), and by
    `db backup` (kept until you delete it).

    Example: spasmlog db backups
    """
    where = diary_path(ctx)
    found = files.list_backups(where)
    if found:
        rows = [
            [_when(b.made_at), _size(b.size), files.reason_of(where, b.path) or "?", str(b.path)]
            for b in found
        ]
        typer.echo(table(["Made", "Size", "Why", "File"], rows))
        typer.echo("Restore one with: spasmlog db restore FILE")
    else:
        typer.echo(
            "No backups yet. One is made before every upgrade and import; "
            "make one now with `spasmlog db backup`."
        )
    for kept in files.kept_copies(where):
        typer.echo(f"Kept by an earlier restore: {kept} ({_size(kept.stat().st_size)})")


@db_app.command("restore")
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="BACKUP", help="A file from `db backups`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask (needed without a terminal).")
    ] = False,
) -> None:
    """Replace the diary with a backup, after checking the backup is healthy.

    The current diary, even a damaged one, is kept beside it as DIARY.replaced-TIME.

    Example: spasmlog db restore ~/.local/share/spasmlog/backups/diary-20260301T080000Z-manual.db
    """
    where = diary_path(ctx)
    plan = files.plan_restore(where, file.expanduser())
    episodes = plan.health.live.get("episodes", 0)
    noun = "episode" if episodes == 1 else "episodes"
    summary = f"{plan.backup.path} ({_when(plan.backup.made_at)}, {episodes} {noun})"
    if not yes:
        if not interactive():
            raise InvalidInput.missing(
                "--yes", "Restoring replaces the diary: add --yes to confirm. Nothing was changed."
            )
        kept = f" The current file will be kept as {plan.kept_as}." if plan.kept_as else ""
        if not typer.confirm(f"Replace {where} with {summary}?{kept}", default=False):
            typer.echo("Nothing was changed.")
            raise typer.Exit(int(ExitCode.FAILURE))
    done = files.restore(plan)
    typer.echo(f"Restored {where} from {summary}.")
    if done.kept_as is not None:
        typer.echo(
            f"The previous file is kept as {done.kept_as}; delete it when you no longer need it."
        )


@db_app.command("destroy")
def destroy(
    ctx: typer.Context,
    confirm: Annotated[
        str | None,
        typer.Option(
            "--yes-really-destroy",
            metavar="NAME",
            help="Confirm without a prompt by giving the diary's file name.",
        ),
    ] = None,
) -> None:
    """Delete the diary, its journal files and all its backups, for good (there is no undo).

    On a terminal it asks you to type the diary's file name. Exports made elsewhere stay.

    Example: spasmlog db destroy --yes-really-destroy diary.db
    """
    where = diary_path(ctx)
    if confirm is not None and confirm != where.name:
        raise InvalidInput(
            "--yes-really-destroy",
            confirm,
            f"It must be the diary's file name, {where.name!r}. Nothing was deleted.",
        )
    if confirm is None and not interactive():
        raise InvalidInput.missing(
            "--yes-really-destroy",
            f"Deleting needs it: --yes-really-destroy {where.name}. Nothing was deleted.",
        )
    targets = files.destroy_targets(where)
    if not targets:
        raise NotFound(f"Nothing to delete: there is no diary or backup at {where}.")
    if confirm is None:
        typer.echo("This deletes, with no undo:")
        for target in targets:
            typer.echo(f"  {target} ({_size(target.stat().st_size)})")
        answer = typer.prompt(
            f"Type the diary's file name ({where.name}) to delete it all",
            default="",
            show_default=False,
        )
        if answer.strip() != where.name:
            typer.echo("Nothing was deleted.")
            raise typer.Exit(int(ExitCode.FAILURE))
    gone = files.destroy(where)
    typer.echo(f"Deleted {len(gone)} file(s) of {where.name}, backups included:")
    for target in gone:
        typer.echo(f"  {target}")
    typer.echo("Exports you saved elsewhere are not touched.")
