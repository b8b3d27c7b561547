"""Copies of the diary made with SQLite's online backup API: safe while others write.

Backups go to a `backups/` folder beside the diary, 0600, named by UTC time and reason:
`diary-20260315T110000123456Z-before-import.db`. Those made on their own (before every upgrade and
import) rotate: each reason keeps its newest `KEEP`, so that a run of imports never pushes out
the backup taken before an upgrade. A backup someone asked for (`db backup`, reason "manual") is
never removed, nor is any file not named like one. A copy is written as `<name>.partial` and
renamed when complete; one a killed backup left is removed after an hour.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from spasmlog.core.errors import Conflict, DiaryUnreadable, StorageError
from spasmlog.core.paths import create_private_file, make_private_dir

KEEP = 10  # automatic backups kept for each reason
MANUAL = "manual"  # the reason of `db backup`: kept until the person removes it
STALE_PARTIAL = dt.timedelta(hours=1)  # a younger .partial may be a backup running right now


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    made_at: dt.datetime


def backups_dir(diary_path: Path) -> Path:
    return diary_path.parent / "backups"


def copy_diary(source: Path, dest: Path, overwrite: bool = False) -> Path:
    """A consistent copy of `source` at `dest` (0600), via the online backup API.

    SQLite reads a -wal beside a file into it, whichever database wrote that -wal: one left
    beside `dest` (someone opened the old copy with sqlite) counts as part of the file it
    replaces, and goes with it.
    """
    sidecars = _sidecars(dest)
    taken = [path for path in (dest, *sidecars) if path.exists()]
    if taken and not overwrite:
        raise Conflict(f"{taken[0]} already exists; choose another file or remove it first.")
    if dest.exists() and dest.samefile(source):
        raise Conflict(f"{dest} is the diary itself; choose another file for the backup.")
    try:
        make_private_dir(dest.parent)
        partial = dest.with_name(dest.name + ".partial")
        partial.unlink(missing_ok=True)
        os.close(create_private_file(partial))
        src = sqlite3.connect(source.absolute().as_uri() + "?mode=ro", uri=True, timeout=30)
        try:
            target = sqlite3.connect(partial)
            try:
                src.backup(target)
            finally:
                target.close()
        finally:
            src.close()
        for stale in sidecars:
            stale.unlink(missing_ok=True)
        partial.replace(dest)
    except (OSError, sqlite3.Error) as error:
        raise StorageError(f"Could not write the backup {dest}: {error}.") from None
    return dest


def automatic_backup(diary_path: Path, reason: str) -> Path:
    """Back up into the backups folder, before a risky change (migration, import) or because
    the person asked (reason MANUAL); then the newest KEEP of an automatic reason are kept."""
    _refuse_damaged(diary_path)
    _remove_stale_partials(diary_path)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = backups_dir(diary_path) / f"{diary_path.stem}-{stamp}-{reason}.db"
    copy_diary(diary_path, dest)
    if reason != MANUAL:
        same_reason = [
            b for b in list_backups(diary_path) if reason_of(diary_path, b.path) == reason
        ]
        for old in same_reason[KEEP:]:
            old.path.unlink(missing_ok=True)
    return dest


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _remove_stale_partials(diary_path: Path) -> None:
    """Half-written copies (and their journals) that a killed backup left in the backups folder.

    Only those untouched for STALE_PARTIAL: a backup being written keeps its file's time fresh.
    One that cannot be removed is left for the next backup to try again.
    """
    folder = backups_dir(diary_path)
    cutoff = time.time() - STALE_PARTIAL.total_seconds()
    for suffix in (".partial", ".partial-journal"):
        for leftover in folder.glob(f"{diary_path.stem}-*.db{suffix}"):
            with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()


def _refuse_damaged(diary_path: Path) -> None:
    """A damaged diary must not rotate the last good backups out of the rolling set."""
    try:
        connection = sqlite3.connect(
            diary_path.absolute().as_uri() + "?mode=ro", uri=True, timeout=30
        )
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        raise DiaryUnreadable(
            f"{diary_path} is damaged ({verdict}); nothing was changed and no backup was made "
            "over the good ones. `spasmlog db check` lists the problems and the backup to restore."
        )


def reason_of(diary_path: Path, backup: Path) -> str | None:
    """`diary-20260315T110000123456Z-before-upgrade.db` -> "before-upgrade"; None for a file
    not named as `automatic_backup` names this diary's backups."""
    stamped = re.escape(diary_path.stem) + r"-\d{8}T\d{6}\d*Z-([a-z]+(?:-[a-z]+)*)\.db"
    match = re.fullmatch(stamped, backup.name)
    return None if match is None else match[1]


def list_backups(diary_path: Path) -> list[BackupFile]:
    """This diary's backups in the backups folder (automatic and manual), newest first; files
    not named as `automatic_backup` names them (another diary's, the person's own) are not."""
    folder = backups_dir(diary_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{diary_path.stem}-*.db"):
        if reason_of(diary_path, path) is None:
            continue
        stat = path.stat()
        made_at = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
        found.append(BackupFile(path, stat.st_size, made_at))
    return sorted(found, key=lambda backup: (backup.made_at, backup.path.name), reverse=True)
