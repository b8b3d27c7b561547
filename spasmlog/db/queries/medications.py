"""The selects of the medication list: its live periods, current ones, one drug's periods."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.db.models import Medication


def live_medications(session: Session) -> Sequence[Medication]:
    """Every live medication period, in the order they started."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    return session.scalars(query.order_by(Medication.started_on, Medication.id)).all()


def list_medications(session: Session, include_stopped: bool = False) -> Sequence[Medication]:
    """Live medication periods, current ones by default; oldest start first."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    if not include_stopped:
        query = query.where(Medication.stopped_on.is_(None))
    return session.scalars(query.order_by(Medication.started_on, Medication.id)).all()


def medication_periods(session: Session, generic: str | None, name: str) -> Sequence[Medication]:
    """Every live period of one drug: the same generic, or (when unknown) the same name."""
    query = select(Medication).where(Medication.deleted_at.is_(None))
    if generic is not None:
        query = query.where(Medication.generic == generic)
    else:
        query = query.where(Medication.generic.is_(None))
    rows = session.scalars(query.order_by(Medication.started_on, Medication.id)).all()
    if generic is not None:
        return rows
    wanted = " ".join(name.lower().split())
    return [row for row in rows if " ".join(row.name.lower().split()) == wanted]
