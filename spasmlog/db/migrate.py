"""Schema revisions: new diaries are created at head and stamped; old ones are backed up, then
upgraded in-process with Alembic. Alembic is imported only when one of those is needed, so an
everyday command pays nothing for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from spasmlog.db.backup import automatic_backup

if TYPE_CHECKING:
    from alembic.config import Config

# Every revision in order; a test checks this against the migration scripts.
REVISIONS = ("0001", "0002")
HEAD = REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def create_new(engine: Engine) -> None:
    """A new diary: every table at head, stamped, in one go."""
    from alembic import command

    from spasmlog.db.models import Base

    Base.metadata.create_all(engine)
    command.stamp(alembic_config(engine), HEAD)


def upgrade(path: Path, engine: Engine) -> Path:
    """Back the diary up, then upgrade it to head; returns the backup's path."""
    from alembic import command

    backup = automatic_backup(path, "before-upgrade")
    command.upgrade(alembic_config(engine), HEAD)
    return backup
