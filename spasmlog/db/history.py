"""The change history that makes every change undoable.

Each user-visible change writes one `changes` row and, per row it touches, the row's state before
(NULL when the change created it). `undo` walks back the newest change not yet undone: created rows
are soft-deleted, changed rows get their old values back. Nothing is ever removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm import Session

from spasmlog.db.models import USER_TABLES, Change, ChangeRow, Tracked

_BOOKKEEPING = {"id", "created_at"}


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _from_json(value: Any, python_type: type) -> Any:
    if value is None:
        return None
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    return value


def snapshot(row: Tracked) -> dict[str, Any]:
    """A JSON-safe copy of a row's column values."""
    mapper = inspect(type(row))
    return {attr.key: _to_json(getattr(row, attr.key)) for attr in mapper.column_attrs}


def start_change(session: Session, action: str, summary: str, now: dt.datetime) -> Change:
    change = Change(made_at=now, action=action, summary=summary[:200])
    session.add(change)
    session.flush()
    return change


def remember_before(session: Session, change: Change, row: Tracked) -> None:
    """Call before modifying `row` in `change`."""
    session.add(
        ChangeRow(
            change_id=change.id,
            table_name=row.__tablename__,
            row_id=row.id,
            before=snapshot(row),
        )
    )


def remember_created(session: Session, change: Change, row: Tracked) -> None:
    """Call after `row` was added (and flushed) in `change`."""
    session.add(
        ChangeRow(
            change_id=change.id,
            table_name=row.__tablename__,
            row_id=row.id,
            before=None,
        )
    )


def remember_created_ids(session: Session, change: Change, table: str, ids: list[int]) -> None:
    """Bulk form of remember_created, for imports."""
    session.execute(
        insert(ChangeRow),
        [
            {"change_id": change.id, "table_name": table, "row_id": row_id, "before": None}
            for row_id in ids
        ],
    )


def last_change(session: Session) -> Change | None:
    return session.scalars(
        select(Change).where(Change.undone_at.is_(None)).order_by(Change.id.desc()).limit(1)
    ).first()


def revert(session: Session, change: Change, now: dt.datetime) -> int:
    """Undo `change`; returns how many rows it touched."""
    rows = session.scalars(
        select(ChangeRow).where(ChangeRow.change_id == change.id).order_by(ChangeRow.id.desc())
    ).all()
    created: dict[str, list[int]] = {}
    changed: dict[str, list[int]] = {}
    for entry in rows:
        (created if entry.before is None else changed).setdefault(entry.table_name, []).append(
            entry.row_id
        )
    loaded: dict[tuple[str, int], Tracked] = {}  # in bulk: one query per 500 rows, not per row
    for table, ids in changed.items():
        model = USER_TABLES[table]
        for chunk in range(0, len(ids), 500):
            found = session.scalars(select(model).where(model.id.in_(ids[chunk : chunk + 500])))
            loaded.update(((table, row.id), row) for row in found)
    for entry in rows:
        model = USER_TABLES[entry.table_name]
        row = loaded.get((entry.table_name, entry.row_id))
        if entry.before is None or row is None:
            continue
        mapper = inspect(model)
        for attr in mapper.column_attrs:
            if attr.key in _BOOKKEEPING or attr.key not in entry.before:
                continue
            column = attr.columns[0]
            setattr(row, attr.key, _from_json(entry.before[attr.key], column.type.python_type))
    for table, ids in created.items():
        model = USER_TABLES[table]
        for chunk in range(0, len(ids), 500):
            session.execute(
                update(model)
                .where(model.id.in_(ids[chunk : chunk + 500]))
                .values(deleted_at=now, updated_at=now)
            )
    change.undone_at = now
    session.flush()
    return len(rows)
