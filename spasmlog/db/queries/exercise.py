"""The selects of exercise sessions, from every source."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasmlog.core.when import Bound
from spasmlog.db.models import Episode, ExerciseSession
from spasmlog.db.queries.episodes import since_until


def episodes_with_exercise(session: Session, session_id: int) -> Sequence[Episode]:
    """The episodes (deleted ones too) that name an exercise session as logged with them."""
    query = select(Episode).where(Episode.exercise_session_id == session_id)
    return session.scalars(query.order_by(Episode.id)).all()


def list_exercise(
    session: Session, since: Bound | None = None, until: Bound | None = None
) -> Sequence[ExerciseSession]:
    """Live sessions from every source (exercise, log, checkin, import), newest first."""
    query = select(ExerciseSession).where(ExerciseSession.deleted_at.is_(None))
    query = query.where(*since_until(ExerciseSession, since, until))
    order = (ExerciseSession.started_at.desc(), ExerciseSession.id.desc())
    return session.scalars(query.order_by(*order)).all()
