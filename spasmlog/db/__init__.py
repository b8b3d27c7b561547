"""The store: the models, opening and upgrading the diary, migrations, backups, and every SQL
statement. `Session` is the type of the transactions it hands out, for the layers above to name."""

from sqlalchemy import Connection
from sqlalchemy.orm import Session

__all__ = ["Connection", "Session"]
