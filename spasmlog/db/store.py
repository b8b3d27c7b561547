"""Opening a diary: checks, creation, upgrades, and the engine every command uses.

A diary file is created 0600 in a 0700 folder, runs in WAL mode with foreign keys on, and every
connection waits (busy timeout) rather than failing when another spasmlog process is writing.
Writes take the write lock up front (BEGIN IMMEDIATE) so that two writers queue instead of
deadlocking. Opening takes an exclusive `flock` on the file while it checks the schema revision,
so that two first runs do not both create the tables and an upgrade happens once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from spasmlog.core.errors import DiaryUnreadable, SchemaTooNew, StorageError
from spasmlog.core.paths import create_private_file
from spasmlog.db import migrate
from spasmlog.db.sqlite import SQLITE_HEADER, explain, sqlite_uri

BUSY_TIMEOUT_MS = 30_000


class Store:
    """An open diary file: hands out read and write sessions."""

    def __init__(
        self, path: Path, engine: Engine, upgraded: migrate.Upgraded | None = None
    ) -> None:
        self.path = path
        self.engine = engine
        self.identity = _identity(path)  # the file opened, whatever later takes its name
        self.upgraded = upgraded  # set when opening it upgraded an older diary

    @contextlib.contextmanager
    def explained(self) -> Iterator[None]:
        """SQLite's failures (damage, a full disk, a read-only file, a lock held too long) as the
        one-line SpasmlogError that says what they mean here."""
        try:
            yield
        except DBAPIError as error:
            raise explain(error.orig or error, self.path) from None

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction holding the write lock; commits on success, rolls back on any error.

        SQLite writes to the file it opened: had that file been removed, or replaced by another
        under its name (`db restore` in another window), the commit would land where nobody
        looks. Such a write is refused instead.
        """
        with (
            self.explained(),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
            yield session
            now = _identity(self.path)
            if now is None:
                raise StorageError(
                    f"The diary {self.path} disappeared (its folder was moved or removed). "
                    "Nothing was saved."
                )
            if now != self.identity:
                raise StorageError(
                    f"The diary {self.path} was replaced by another file while this command ran "
                    "(a `spasmlog db restore`?). Nothing was saved; run the command again."
                )

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A consistent snapshot for reports and listings; never blocks writers."""
        with (
            self.explained(),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction on a bare connection, for reading many rows at once (reports)."""
        with self.explained(), self.engine.connect() as connection, connection.begin():
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file `path` names now (device, inode); None when it names none."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _configure(engine: Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine


def make_engine(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    url = URL.create("sqlite", database=sqlite_uri(path), query={"uri": "true"})
    # hide_parameters: an error's text (and a --debug traceback) must not carry the notes.
    engine = create_engine(
        url, connect_args={"timeout": busy_timeout_ms / 1000}, hide_parameters=True
    )
    return _configure(engine, busy_timeout_ms)


def read_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the file; None for a file with no spasmlog tables yet."""
    _check_header(path)
    try:
        connection = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, timeout=30)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            row = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is not None:
                return str(row[0])
            if tables - {"alembic_version"}:
                raise DiaryUnreadable(
                    f"{path} is a SQLite database but not a spasmlog diary; it was left untouched."
                )
            return None
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise explain(error, path) from None


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StorageError(f"Cannot open the diary at {path}: {error.strerror}.") from None
    if header and header != SQLITE_HEADER:
        raise DiaryUnreadable(
            f"{path} is not a spasmlog diary (not a SQLite database); it was left untouched."
        )


def open_store(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
    """Open (creating or upgrading as needed) the diary at `path`. A write waits up to
    `busy_timeout_ms` for another process's write lock, then fails with DiaryBusy (the web app
    waits less than a command, so that a page says "busy, try again" instead of hanging)."""
    try:
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
        else:
            fd = create_private_file(path)
    except OSError as error:
        raise StorageError(f"Cannot open the diary at {path}: {error.strerror}.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        upgraded = _bring_to_head(path)
    finally:
        os.close(fd)  # releases the flock; no SQLite connection is open on the file here
    return Store(path, make_engine(path, busy_timeout_ms), upgraded)


def _bring_to_head(path: Path) -> migrate.Upgraded | None:
    revision = read_revision(path)
    if revision == migrate.HEAD:
        return None
    if revision is not None and revision not in migrate.REVISIONS:
        raise SchemaTooNew(
            f"{path} was written by a newer spasmlog (schema {revision}); this is spasmlog with "
            f"schema {migrate.HEAD}. Upgrade spasmlog to open it. The diary was left untouched."
        )
    engine = make_engine(path)
    try:
        if revision is None:
            with contextlib.closing(sqlite3.connect(path)) as connection:
                connection.execute("PRAGMA journal_mode = WAL")  # persistent, set once
            migrate.create_new(engine)
            return None
        return migrate.upgrade(path, engine, revision)
    finally:
        engine.dispose()
