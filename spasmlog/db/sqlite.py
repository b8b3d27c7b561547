"""SQLite's files and failures: the header that makes a file a database, `file:` URIs, and what
an error from SQLite means for the person (damage, a full disk, a file they may not write).

Shared by opening the diary (spasmlog.db.store) and the file commands (spasmlog.db.maintenance),
which must also work on a damaged diary.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from spasmlog.core.errors import DiaryBusy, DiaryUnreadable, SpasmlogError, StorageError

SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite's own words for a damaged file, as opposed to a disk that is full or read-only.
DAMAGE_ERRORS = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})
READ_ONLY_ERRORS = frozenset({"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"})
BUSY_ERRORS = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})  # another writer held the lock too long
FULL_BELOW = 256 * 1024  # free bytes under which a failed write is put down to a full disk


def sqlite_uri(path: Path, mode: str | None = None) -> str:
    """A `file:` URI for `path`, escaped so that "?", "#" or "%" in a folder name stay part of it."""
    uri = path.absolute().as_uri()
    return f"{uri}?mode={mode}" if mode else uri


def error_kind(error: BaseException) -> str:
    """SQLite's primary result code name: "SQLITE_READONLY" for "SQLITE_READONLY_DIRECTORY"."""
    name = str(getattr(error, "sqlite_errorname", "") or "")
    return "_".join(name.split("_")[:2])


def is_damage(error: BaseException) -> bool:
    return error_kind(error) in DAMAGE_ERRORS


def explain(error: BaseException, path: Path) -> SpasmlogError:
    """What a SQLite failure means for the person: a damaged file, a full disk, or a file or
    folder they cannot write. Only the first points at `db check`; the others are not damage."""
    kind = error_kind(error)
    if kind in DAMAGE_ERRORS:
        return DiaryUnreadable(
            f"{path} cannot be read as a diary: it is damaged ({error}). It was left untouched; "
            "`spasmlog db check` lists the problems and the backup to restore."
        )
    if kind in BUSY_ERRORS:
        return DiaryBusy(
            f"The diary {path} is busy: another spasmlog (an import?) is writing to it. Nothing "
            "was changed; try again in a moment."
        )
    if kind == "SQLITE_FULL" or _free_bytes(path) < FULL_BELOW:
        return StorageError(
            f"The disk holding {path} is full ({error}). Nothing was changed; free some space "
            "and try again."
        )
    if kind in READ_ONLY_ERRORS:
        return StorageError(
            f"The diary {path} cannot be written ({error}): check that the file and its folder "
            "exist and that you may write to them. Nothing was changed."
        )
    return StorageError(f"The diary {path} could not be used ({error}). Nothing was changed.")


def _free_bytes(path: Path) -> int:
    for folder in (path.parent, *path.parent.parents):
        with contextlib.suppress(OSError):
            return shutil.disk_usage(folder).free
    return FULL_BELOW


def explained(error: BaseException, path: Path) -> SpasmlogError | None:
    """Any exception from the database layer as what it means, or None when it is not one."""
    from sqlalchemy.exc import DBAPIError  # only on the way out of a failure

    if isinstance(error, DBAPIError):
        return explain(error.orig or error, path)
    return None
