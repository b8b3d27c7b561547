"""Inserting many rows at once inside a change: what an import of a million rows needs.

One Core `insert()` per table, run as a DBAPI executemany of values already in the diary's storage
form (dates as ISO text, lists as JSON text): skipping SQLAlchemy's per-value processing is the
point, it would cost more than all the rest of a 100,000-row import. The new ids are recorded as
created in the change history the same way, so `spasmlog undo` reverts them all.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.orm import Session

from spasmlog.db import history
from spasmlog.db.models import ChangeRow, Tracked

CHUNK = 10_000  # rows per executemany, so that progress can move
CACHE_KIB = 65_536  # SQLite's page cache for a bulk write (default 2 MiB): fewer spills
Progress = Callable[[int], None]  # rows written so far


def prepare(session: Session) -> None:
    """A bigger page cache for the rest of this transaction's connection."""
    session.connection().exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


def _new_ids(connection: Connection, table: Table, last: int, count: int) -> list[int]:
    """The ids of the `count` rows just inserted after id `last`, in order.

    SQLite gives a new row of an INTEGER PRIMARY KEY table the largest id plus one, and the
    write lock is held, so they are last+1 .. last+count: checked with one aggregate rather than
    read back one by one (reading 100,000 ids through the ORM's result objects takes longer than
    inserting them). Should the check ever fail, they are read back.
    """
    newer = select(func.count(), func.max(table.c.id)).where(table.c.id > last)
    found, highest = connection.execute(newer).one()
    if (found, highest) == (count, last + count):
        return list(range(last + 1, last + count + 1))
    query = select(table.c.id).where(table.c.id > last).order_by(table.c.id)
    return list(connection.execute(query).scalars())


def _executemany(
    connection: Connection, table: Table, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """A Core insert() of `columns`, run as one DBAPI executemany of values already as stored."""
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    order = list(compiled.positiontup or ())
    if order != columns:
        reorder = itemgetter(*(columns.index(name) for name in order))
        rows = [reorder(row) for row in rows]
    connection.exec_driver_sql(str(compiled), rows)


def insert_rows(
    session: Session,
    change: history.Change,
    model: type[Tracked],
    columns: list[str],
    rows: Iterable[tuple[Any, ...]],
    progress: Progress | None = None,
) -> list[int]:
    """New rows given as tuples of `columns` (values as stored), made chunk by chunk so that a
    million of them never sit in memory twice; returns their ids in order, recorded in `change`
    as created."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    change_rows: Table = ChangeRow.__table__  # type: ignore[assignment]
    connection = session.connection()
    ids: list[int] = []
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK)):
        last = connection.scalar(select(func.max(table.c.id))) or 0
        _executemany(connection, table, columns, chunk)
        made = _new_ids(connection, table, last, len(chunk))
        _executemany(
            connection,
            change_rows,
            ["change_id", "table_name", "row_id", "before"],
            [(change.id, table.name, row_id, None) for row_id in made],
        )
        ids += made
        if progress is not None:
            progress(len(ids))
    return ids
