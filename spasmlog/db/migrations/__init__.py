"""Alembic: the environment and the schema revisions, run in-process (spasmlog.db.migrate)."""
