"""Schema revisions: new diaries are created at head and stamped; old ones are backed up, then
upgraded in-process with Alembic. Alembic is imported only when one of those is needed, so an
everyday command pays nothing for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from spasmlog.db.backup import automatic_backup

if TYPE_CHECKING:
    from alembic.config import Config

# Every revision in order; a test checks this against the migration scripts.
REVISIONS = ("0001", "0002", "0003", "0004", "0005")
OFFSETS_REPAIRED_AT = "0003"  # diaries from before this revision may hold misplaced offsets
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


@dataclass(frozen=True)
class Upgraded:
    backup: Path
    offsets_repaired: int  # entries whose UTC offset an older spasmlog had stored wrongly


def upgrade(path: Path, engine: Engine, revision: str) -> Upgraded:
    """Back the diary up, then upgrade it from `revision` to head and repair the offsets of a
    diary from before OFFSETS_REPAIRED_AT (spasmlog.db.offset_repair), all in one transaction:
    killed at any moment, the diary is as it was, or upgraded and repaired."""
    from alembic import command
    from sqlalchemy.orm import Session

    from spasmlog.core import clock
    from spasmlog.db.offset_repair import repair_offsets

    backup = automatic_backup(path, "before-upgrade")
    config = alembic_config(engine)
    repaired = 0
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, HEAD)
        if REVISIONS.index(revision) < REVISIONS.index(OFFSETS_REPAIRED_AT):
            with Session(bind=connection) as session:
                repaired = repair_offsets(session, clock.zone(), clock.now())
                session.flush()
    return Upgraded(backup, repaired)
