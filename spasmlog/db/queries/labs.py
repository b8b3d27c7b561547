"""The selects of lab results."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.db.models import LabResult


def list_labs(session: Session, test: str | None = None) -> Sequence[LabResult]:
    """Live lab results, newest first."""
    query = select(LabResult).where(LabResult.deleted_at.is_(None))
    if test is not None:
        query = query.where(LabResult.test == test)
    return session.scalars(query.order_by(LabResult.taken_on.desc(), LabResult.id.desc())).all()
