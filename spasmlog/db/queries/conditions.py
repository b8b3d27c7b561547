"""The selects of conditions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.core.errors import NotFound
from spasmlog.db.models import Condition


def list_conditions(session: Session) -> Sequence[Condition]:
    """Live conditions, current ones first, then by when they began."""
    query = select(Condition).where(Condition.deleted_at.is_(None))
    order = (Condition.until.is_not(None), Condition.since, Condition.id)
    return session.scalars(query.order_by(*order)).all()


def get_condition(session: Session, condition_id: int) -> Condition:
    row = session.get(Condition, condition_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"No condition with ID {condition_id}. See `spasmlog conditions list`.")
    return row
