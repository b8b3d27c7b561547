"""The change history that makes every change undoable, and every undo redoable.

Each user-visible change writes one `changes` row and, per row it touches, the row's state before
(NULL when the change created it). `undo` walks back the newest change not yet undone: created rows
are soft-deleted, changed rows get their old values back. Nothing is ever removed.

An undo is itself written down, as a change of action UNDO whose rows hold the state the undone
change had left (what `redo` puts back) and the undone change's own `undone_at` before (NULL), so
that reverting the UNDO change is exactly the redo. UNDO changes are bookkeeping: `undo` never
picks one. A `db restore` leaves a change of action RESTORE in the restored diary: undo stops
there, as the diary before it is a file of its own (spasmlog.db.maintenance.restore).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    String,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from spasmlog.db.models import USER_TABLES, Change, ChangeRow, Tracked

_BOOKKEEPING = {"id", "created_at"}
_CHUNK = 5_000  # rows per executemany when undoing
UNDO = "undo"  # the action of the change that records an undo (what `redo` reverts)
RESTORE = "db restore"  # the action `db restore` writes into the diary it puts in place
KEPT_AS = "; the diary before it is kept as "  # in a RESTORE summary, before the kept file's name
_TABLES: dict[str, type[Any]] = {**USER_TABLES, Change.__tablename__: Change}
_LIVE = '{"deleted_at": null}'  # the state before of a row an undone change had created


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


def _written_columns(model: type[Any]) -> dict[str, type]:
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
    """The newest change not undone, undo bookkeeping aside: what `undo` reverts."""
    query = select(Change).where(Change.undone_at.is_(None), Change.action != UNDO)
    return session.scalars(query.order_by(Change.id.desc()).limit(1)).first()


def last_redoable(session: Session) -> Change | None:
    """The UNDO change that `redo` reverts: the newest one not itself reverted, when no change
    was made after it (a new change ends what can be redone, as in any editor)."""
    newest = last_change(session)
    query = select(Change).where(Change.undone_at.is_(None), Change.action == UNDO)
    if newest is not None:
        query = query.where(Change.id > newest.id)
    return session.scalars(query.order_by(Change.id.desc()).limit(1)).first()


def undone_by(session: Session, undo: Change) -> Change | None:
    """The change an UNDO change reverted."""
    row_id = session.scalar(
        select(ChangeRow.row_id).where(
            ChangeRow.change_id == undo.id, ChangeRow.table_name == Change.__tablename__
        )
    )
    return None if row_id is None else session.get(Change, row_id)


def restore_marker(backup: str, kept: str | None) -> str:
    """The summary of the RESTORE change `db restore` writes (spasmlog.db.maintenance)."""
    return f"restored the diary from {backup}" + (f"{KEPT_AS}{kept}" if kept else "")


def later_changes_to_the_same_rows(session: Session, change: Change) -> list[Change]:
    """Live changes after `change` (undo bookkeeping aside) that touched a row it touched:
    undoing `change` alone would undo part of them too."""
    mine = select(ChangeRow.table_name, ChangeRow.row_id).where(ChangeRow.change_id == change.id)
    later = (
        select(Change)
        .join(ChangeRow, ChangeRow.change_id == Change.id)
        .where(
            Change.id > change.id,
            Change.undone_at.is_(None),
            Change.action != UNDO,
            tuple_(ChangeRow.table_name, ChangeRow.row_id).in_(mine),
        )
        .distinct()
        .order_by(Change.id)
    )
    return list(session.scalars(later).all())


def remember_for_redo(session: Session, undo: Change, change: Change) -> None:
    """Before `change` is reverted in `undo`: the state it left each of its rows in, and its
    own `undone_at` (NULL), so that reverting `undo` is redoing `change`. A row it created was
    live (its undo only marks it deleted), so that is all there is to remember of it; the rows
    it changed are read and written in bulk, a table at a time: an undone import can have
    touched a million rows."""
    created = or_(ChangeRow.before.is_(None), type_coerce(ChangeRow.before, String) == "null")
    session.execute(  # one statement, however many rows: the rows it created were live
        insert(ChangeRow).from_select(
            ["change_id", "table_name", "row_id", "before"],
            select(literal(undo.id), ChangeRow.table_name, ChangeRow.row_id, literal(_LIVE)).where(
                ChangeRow.change_id == change.id, created
            ),
        )
    )
    entries = session.execute(
        select(ChangeRow.table_name, ChangeRow.row_id, ChangeRow.before).where(
            ChangeRow.change_id == change.id, ~created
        )
    ).all()
    columns: dict[str, dict[int, set[str]]] = {}
    for table, row_id, before in entries:
        if before is not None:
            columns.setdefault(table, {}).setdefault(row_id, set()).update(
                set(before) - _BOOKKEEPING
            )
    for table, rows in columns.items():
        model = USER_TABLES[table]
        names = sorted(set().union(*rows.values()) & set(_written_columns(model)))
        ids = list(rows)
        for chunk in range(0, len(ids), 500):
            found = session.execute(
                select(model.id, *(getattr(model, name) for name in names)).where(
                    model.id.in_(ids[chunk : chunk + 500])
                )
            ).all()
            remember_values_before(
                session,
                undo,
                table,
                [
                    (
                        row[0],
                        {n: v for n, v in zip(names, row[1:], strict=True) if n in rows[row[0]]},
                    )
                    for row in found
                ],
            )
    remember_values_before(session, undo, Change.__tablename__, [(change.id, {"undone_at": None})])


def recent_changes(session: Session, limit: int) -> list[Change]:
    """The newest changes not undone, newest first (undo bookkeeping aside)."""
    query = select(Change).where(Change.undone_at.is_(None), Change.action != UNDO)
    query = query.order_by(Change.id.desc())
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
        model = _TABLES[table]
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
            first = {key: value for key, value in params[0].items() if key != "id"}
            if len(params) > 1 and all(
                {key: value for key, value in row.items() if key != "id"} == first for row in params
            ):  # the same values for every row (a redo's rows back to live): one UPDATE a chunk
                ids = [row["id"] for row in params]
                for chunk in range(0, len(ids), 500):
                    session.execute(
                        update(model).where(model.id.in_(ids[chunk : chunk + 500])).values(first)
                    )
                continue
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
