"""The change history that makes every change undoable.

Each user-visible change writes one `changes` row and, per row it touches, the row's state before
(NULL when the change created it). `undo` walks back the newest change not yet undone: created rows
are soft-deleted, changed rows get their old values back. Nothing is ever removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, inspect, select, tuple_, update
from sqlalchemy.orm import Session

from spasmlog.db.models import USER_TABLES, Change, ChangeRow, Tracked

_BOOKKEEPING = {"id", "created_at"}
_CHUNK = 5_000  # rows per executemany when undoing


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


def _written_columns(model: type[Tracked]) -> dict[str, type]:
    """The columns a row's state is made of, with their Python types: every column but those
    SQLite computes (local_date), which follow from the others."""
    return {
        attr.key: attr.columns[0].type.python_type
        for attr in inspect(model).column_attrs
        if attr.columns[0].computed is None
    }


def snapshot(row: Tracked) -> dict[str, Any]:
    """A JSON-safe copy of a row's column values."""
    return {key: _to_json(getattr(row, key)) for key in _written_columns(type(row))}


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


def remember_values_before(
    session: Session, change: Change, table: str, rows: list[tuple[int, dict[str, Any]]]
) -> None:
    """Bulk form of remember_before for changes to a few columns: each row's id and the values
    of just those columns before (what `undo` puts back)."""
    if rows:
        session.execute(
            insert(ChangeRow),
            [
                {
                    "change_id": change.id,
                    "table_name": table,
                    "row_id": row_id,
                    "before": {key: _to_json(value) for key, value in values.items()},
                }
                for row_id, values in rows
            ],
        )


def last_change(session: Session) -> Change | None:
    return session.scalars(
        select(Change).where(Change.undone_at.is_(None)).order_by(Change.id.desc()).limit(1)
    ).first()


def recent_changes(session: Session, limit: int) -> list[Change]:
    """The newest changes not undone, newest first."""
    query = select(Change).where(Change.undone_at.is_(None)).order_by(Change.id.desc())
    return list(session.scalars(query.limit(limit)))


def mark(session: Session) -> tuple[int, str]:
    """What changes with every change and every undo: the newest change's id and the newest
    undo's time (both indexed)."""
    newest, undone = session.execute(select(func.max(Change.id), func.max(Change.undone_at))).one()
    return int(newest or 0), str(undone or "")


def change_by_id(session: Session, change_id: int) -> Change | None:
    return session.get(Change, change_id)


def newest_change_id(session: Session) -> int | None:
    """The newest change not undone: inside a write, the one that write just made."""
    change = last_change(session)
    return None if change is None else change.id


def dependents(session: Session, change: Change) -> list[Change]:
    """Later changes, not undone, that touched a row `change` touched: undoing `change` alone
    would throw their work away (an edit of the episode it logged, a check-in updated again)."""
    mine = select(ChangeRow.table_name, ChangeRow.row_id).where(ChangeRow.change_id == change.id)
    later = (
        select(ChangeRow.change_id)
        .where(
            ChangeRow.change_id > change.id,
            tuple_(ChangeRow.table_name, ChangeRow.row_id).in_(mine),
        )
        .distinct()
    )
    return list(
        session.scalars(
            select(Change)
            .where(Change.id.in_(later), Change.undone_at.is_(None))
            .order_by(Change.id)
        )
    )


def revert(session: Session, change: Change, now: dt.datetime) -> int:
    """Undo `change`; returns how many rows it touched.

    Rows it created are soft-deleted; rows it changed get their state before back. A row
    remembered more than once in one change gets its earliest state (the later ones were states
    in between). Both are written in bulk, without loading the rows: an import or a back-filled
    medication can have touched a million.
    """
    entries = session.execute(
        select(ChangeRow.table_name, ChangeRow.row_id, ChangeRow.before)
        .where(ChangeRow.change_id == change.id)
        .order_by(ChangeRow.id.desc())
    ).all()
    created: dict[str, list[int]] = {}
    before: dict[str, dict[int, dict[str, Any]]] = {}
    for table, row_id, values in entries:
        if values is None:
            created.setdefault(table, []).append(row_id)
        else:  # newest first: an earlier state of the same row overwrites a later one
            before.setdefault(table, {}).setdefault(row_id, {}).update(values)
    session.flush()
    for table, rows in before.items():
        model = USER_TABLES[table]
        types = _written_columns(model)
        by_columns: dict[frozenset[str], list[dict[str, Any]]] = {}
        for row_id, values in rows.items():
            restored = {
                key: _from_json(value, types[key])
                for key, value in values.items()
                if key in types and key not in _BOOKKEEPING
            }
            by_columns.setdefault(frozenset(restored), []).append({"id": row_id, **restored})
        for params in by_columns.values():
            for chunk in range(0, len(params), _CHUNK):
                session.execute(update(model), params[chunk : chunk + _CHUNK])
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
    session.expire_all()  # rows loaded before are stale now
    return len(entries)
