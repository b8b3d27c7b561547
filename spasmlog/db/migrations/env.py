"""Alembic environment: runs in-process on what spasmlog hands over (never a URL or an ini).

Every revision runs in one transaction (SQLite's DDL is transactional, though Alembic assumes
otherwise): an upgrade killed half-way leaves the diary at the revision it started from. Given a
connection (`config.attributes["connection"]`), the caller's transaction holds the upgrade and
whatever it does next, and the caller commits; given only the engine, this commits at the end.
"""

from alembic import context
from sqlalchemy import Connection

from spasmlog.db.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        transactional_ddl=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


shared = config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    with config.attributes["engine"].begin() as connection:
        _run(connection)
