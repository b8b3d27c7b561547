"""The diary file itself (`spasmlog db`): backups, checks, restores, upgrades and deletion.

These work on the file, damaged or not, so none of them opens it as a diary first (except the
upgrade, which is what opening does); spasmlog.db.backup and spasmlog.db.maintenance do the work.
"""

from __future__ import annotations

from pathlib import Path

from spasmlog.db import backup, migrate
from spasmlog.db.backup import BackupFile, list_backups, reason_of
from spasmlog.db.maintenance import (
    TABLES,
    Health,
    RestorePlan,
    check,
    destroy,
    destroy_targets,
    kept_copies,
    newest_healthy_backup,
    plan_restore,
    restore,
)
from spasmlog.db.store import read_revision

SCHEMA = migrate.HEAD  # the schema revision this spasmlog writes

__all__ = [
    "SCHEMA", "TABLES", "BackupFile", "Health", "RestorePlan", "back_up", "check", "destroy",
    "destroy_targets", "kept_copies", "list_backups", "newest_healthy_backup", "plan_restore",
    "read_revision", "reason_of", "restore",
]  # fmt: skip


def back_up(diary: Path, to: Path | None = None, overwrite: bool = False) -> Path:
    """A copy of the diary, safe while it is in use: into its backups folder (kept, never
    rotated out), or to the file `to`."""
    if to is None:
        return backup.automatic_backup(diary, "manual")
    return backup.copy_diary(diary, to, overwrite=overwrite)
