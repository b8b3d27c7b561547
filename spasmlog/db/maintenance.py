"""Checking, restoring and destroying the diary file.

These must work on a damaged diary, so they never go through `open_store` (which would try to
upgrade it) and never write to a file they were not asked to replace: the live diary is read with
`mode=ro`, backups with `immutable=1` (nothing is written beside them either). A restore keeps the
file it replaces, damaged or not, beside the diary; only `destroy` deletes, and only what belongs
to this diary.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spasmlog.core.errors import (
    Conflict,
    DiaryUnreadable,
    NotFound,
    SchemaTooNew,
    StorageError,
)
from spasmlog.core.paths import create_private_file, make_private_dir
from spasmlog.db import history, migrate
from spasmlog.db.backup import BackupFile, backups_dir, list_backups
from spasmlog.db.sqlite import SQLITE_HEADER, is_damage, sqlite_uri

# Tables whose rows `db check` counts, with the words it uses for them.
TABLES = {
    "episodes": "episodes",
    "checkins": "check-ins",
    "exercise_sessions": "exercise sessions",
    "medications": "medications",
    "conditions": "conditions",
    "labs": "labs",
    "changes": "changes (undo history)",
}
MAX_PROBLEMS = 20
KEPT_MARK = ".replaced-"
_STAMP = r"\d{8}T\d{6}\d*Z"


@dataclass(frozen=True)
class Health:
    """What SQLite's integrity check and a look at the tables found in one diary file."""

    path: Path
    size: int
    problems: tuple[str, ...]
    revision: str | None = None
    live: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RestorePlan:
    diary: Path
    backup: BackupFile
    health: Health
    kept_as: Path | None  # where the current file goes; None when there is no current file


@dataclass(frozen=True)
class Restored:
    diary: Path
    backup: Path
    kept_as: Path | None
    health: Health


def check(path: Path) -> Health:
    """Run SQLite's integrity check on the live diary, read-only (a writer may be at work)."""
    if not path.exists():
        raise NotFound(f"There is no diary at {path}. Log an episode to start one, or pass --db.")
    return _inspect(path, sqlite_uri(path, "ro"))


def check_backup(path: Path) -> Health:
    """Check a backup without leaving journal files beside it (nobody writes to a backup)."""
    return _inspect(path, _backup_uri(path))


def _backup_uri(path: Path) -> str:
    wal = _journals(path)[0]
    if wal.exists() and wal.stat().st_size:  # e.g. a copy kept by restore: its WAL counts
        return sqlite_uri(path, "ro")
    return sqlite_uri(path, "ro") + "&immutable=1"


def _inspect(path: Path, uri: str) -> Health:
    size = path.stat().st_size
    problem = _header_problem(path, size)
    if problem:
        return Health(path, size, (problem,))
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as connection:
            return _examine(connection, path, size)
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            return Health(path, size, (f"SQLite cannot read it: {error}{_cut_short(path, size)}",))
        raise StorageError(f"Cannot read {path}: {error}. Nothing was changed.") from None


def _header_problem(path: Path, size: int) -> str | None:
    if size == 0:
        return "the file is empty (0 bytes)"
    with open(path, "rb") as stream:
        header = stream.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return "it is not a SQLite database (its first bytes are not SQLite's header)"
    return None


def _cut_short(path: Path, size: int) -> str:
    """Explains a truncated file, which SQLite reports only as "malformed"."""
    with open(path, "rb") as stream:
        header = stream.read(100)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] == header[92:96] and size < pages * page_size:
        return f" (the file is cut short: {size} of the {pages * page_size} bytes it should have)"
    return ""


def _examine(connection: sqlite3.Connection, path: Path, size: int) -> Health:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems == ["ok"]:
        problems = []
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = None if row is None else str(row[0])
    else:
        problems.append("it is not a spasmlog diary (no schema revision in it)")
    problems += [
        f"{table} row {rowid} refers to a missing {parent} row"
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
    ]
    live: dict[str, int] = {}
    deleted: dict[str, int] = {}
    for table in TABLES:
        if table not in tables:
            continue
        if table == "changes":
            live[table] = connection.execute("SELECT count(*) FROM changes").fetchone()[0]
            continue
        total, gone = connection.execute(
            f"SELECT count(*), count(deleted_at) FROM {table}"  # table names are ours, not input
        ).fetchone()
        live[table], deleted[table] = total - gone, gone
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS] + [f"... and {len(problems) - MAX_PROBLEMS} more"]
    return Health(path, size, tuple(problems), revision, live, deleted)


def newest_healthy_backup(diary: Path) -> tuple[BackupFile | None, list[BackupFile]]:
    """The newest backup that passes the integrity check, and the newer ones that did not."""
    damaged: list[BackupFile] = []
    for candidate in list_backups(diary):
        try:
            health = check_backup(candidate.path)
        except StorageError:
            health = Health(candidate.path, candidate.size, ("unreadable",))
        if health.ok and health.revision in migrate.REVISIONS:
            return candidate, damaged
        damaged.append(candidate)
    return None, damaged


def kept_copies(diary: Path) -> list[Path]:
    """Files that `restore` set aside (the diary as it was before each restore), newest first."""
    pattern = re.compile(re.escape(diary.name + KEPT_MARK) + _STAMP + "$")
    if not diary.parent.is_dir():
        return []
    return sorted((p for p in diary.parent.iterdir() if pattern.match(p.name)), reverse=True)


def plan_restore(diary: Path, backup_path: Path) -> RestorePlan:
    """Check the backup is a healthy spasmlog diary that this version can open, before anything."""
    if not backup_path.exists():
        in_folder = backups_dir(diary) / backup_path.name
        if backup_path.parent != Path() or not in_folder.exists():
            raise NotFound(f"No backup at {backup_path}. See `spasmlog db backups` for the list.")
        backup_path = in_folder
    backup_path = backup_path.absolute()
    if diary.exists() and backup_path.samefile(diary):
        raise Conflict(
            f"{backup_path} is the diary itself; choose a backup from `spasmlog db backups`."
        )
    health = check_backup(backup_path)
    if not health.ok:
        raise DiaryUnreadable(
            f"{backup_path} is not a healthy spasmlog diary ({health.problems[0]}); nothing was "
            "changed. Choose another from `spasmlog db backups`."
        )
    if health.revision not in migrate.REVISIONS:
        raise SchemaTooNew(
            f"{backup_path} was written by a newer spasmlog (schema {health.revision}); this one "
            f"reads up to schema {migrate.HEAD}. Nothing was changed."
        )
    stat = backup_path.stat()
    made_at = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kept_as = diary.with_name(diary.name + KEPT_MARK + stamp) if diary.exists() else None
    return RestorePlan(diary, BackupFile(backup_path, stat.st_size, made_at), health, kept_as)


def restore(plan: RestorePlan) -> Restored:
    """Put the backup in place; the file it replaces (with its WAL) is kept, never deleted.

    The copy is built and checked under a temporary name first, so the diary is never missing
    and never half-written: the last step is one atomic rename.
    """
    diary = plan.diary
    staging = diary.with_name(diary.name + ".restoring")
    try:
        _copy(plan.backup.path, staging)
        with contextlib.closing(sqlite3.connect(staging)) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            _mark_restored(connection, plan)
            staged = _examine(connection, staging, staging.stat().st_size)
        if not staged.ok:
            raise StorageError(
                f"The copy of {plan.backup.path} did not check out "
                f"({staged.problems[0]}); nothing was changed."
            )
        with _locked(diary):
            if plan.kept_as is not None:
                _keep_aside(diary, plan.kept_as)
            os.replace(staging, diary)
            _sync_folder(diary.parent)
    except (OSError, sqlite3.Error) as error:
        kept = plan.kept_as
        where = f" The file it was to replace is kept as {kept}." if kept and kept.exists() else ""
        raise StorageError(f"Could not restore into {diary}: {error}.{where}") from None
    finally:
        for leftover in (staging, *_journals(staging)):
            leftover.unlink(missing_ok=True)
    return Restored(diary, plan.backup.path, plan.kept_as, staged)


def _mark_restored(connection: sqlite3.Connection, plan: RestorePlan) -> None:
    """Write the restore into the restored diary's history (a change `undo` stops at, saying
    where the diary before it was kept), then fold the WAL into the file."""
    made_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    kept = plan.kept_as.name if plan.kept_as is not None else None
    summary = history.restore_marker(plan.backup.path.name, kept)[:200]
    with connection:
        connection.execute(
            "INSERT INTO changes (made_at, action, summary) VALUES (?, ?, ?)",
            (made_at, history.RESTORE, summary),
        )
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _copy(backup: Path, staging: Path) -> None:
    """SQLite's backup API, reading the backup the way `check_backup` does."""
    for leftover in (staging, *_journals(staging)):
        leftover.unlink(missing_ok=True)
    os.close(create_private_file(staging))
    source = sqlite3.connect(_backup_uri(backup), uri=True, timeout=30)
    with contextlib.closing(source), contextlib.closing(sqlite3.connect(staging)) as target:
        source.backup(target)


def _keep_aside(diary: Path, kept_as: Path) -> None:
    """The current file stays byte for byte under a new name, its WAL (committed data) with it."""
    try:
        os.link(diary, kept_as)
    except OSError:
        shutil.copyfile(diary, kept_as)
        os.chmod(kept_as, 0o600)
    for journal, moved in zip(_journals(diary), _journals(kept_as), strict=True):
        if journal.exists():
            os.replace(journal, moved)


def _journals(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


@contextlib.contextmanager
def _locked(diary: Path) -> Iterator[None]:
    """The same lock `open_store` takes, so no spasmlog process is opening the diary meanwhile."""
    if not diary.exists():
        make_private_dir(diary.parent)
        yield
        return
    fd = os.open(diary, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def destroy_targets(diary: Path) -> list[Path]:
    """Every file of this diary: itself, its journals, its backups, copies kept by restore."""
    own = re.compile(
        re.escape(diary.stem)
        + "-"
        + _STAMP
        + r"-[a-z-]+\.db(\.partial|\.partial-journal|-wal|-shm)?$"
    )
    found = [p for p in (diary, *_journals(diary)) if p.exists()]
    staging = diary.with_name(diary.name + ".restoring")
    for kept in [*kept_copies(diary), staging]:
        found += [p for p in (kept, *_journals(kept)) if p.exists()]
    folder = backups_dir(diary)
    if folder.is_dir():
        found += sorted(p for p in folder.iterdir() if own.match(p.name))
    return found


def destroy(diary: Path) -> list[Path]:
    """Delete every file of this diary, and its backups folder when that is left empty."""
    targets = destroy_targets(diary)
    if not targets:
        raise NotFound(f"Nothing to delete: there is no diary or backup at {diary}.")
    try:
        with _locked(diary):
            for target in targets:
                target.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: something else lives there
            backups_dir(diary).rmdir()
    except OSError as error:
        raise StorageError(f"Could not delete everything: {error}. Run it again.") from None
    return targets
