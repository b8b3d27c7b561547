"""Episodes, exercise sessions and the change history behind `undo`.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from spasmlog.db.migrations.column_types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tracked() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "exercise_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=80), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("intensity", sa.String(length=10), nullable=True),
        sa.Column("muscles", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_sessions")),
    )
    op.create_index(
        op.f("ix_exercise_sessions_started_at"), "exercise_sessions", ["started_at"], unique=False
    )
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("muscle", sa.String(length=40), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=True),
        sa.Column("severity", sa.Integer(), nullable=True),
        sa.Column("woke", sa.Boolean(), nullable=True),
        sa.Column("fluid_ml_24h", sa.Integer(), nullable=True),
        sa.Column("exercise_session_id", sa.Integer(), nullable=True),
        sa.Column("relief", sa.JSON(), nullable=False),
        sa.Column("relief_score", sa.Integer(), nullable=True),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("medications", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["exercise_session_id"],
            ["exercise_sessions.id"],
            name=op.f("fk_episodes_exercise_session_id_exercise_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
    )
    op.create_index(op.f("ix_episodes_started_at"), "episodes", ["started_at"], unique=False)
    op.create_index(
        "ix_episodes_started_at_muscle", "episodes", ["started_at", "muscle"], unique=False
    )
    op.create_index(
        op.f("ix_episodes_exercise_session_id"), "episodes", ["exercise_session_id"], unique=False
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("undone_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_undone_at"), "changes", ["undone_at"], unique=False)
    op.create_table(
        "change_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_change_rows_change_id_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_rows")),
    )
    op.create_index(op.f("ix_change_rows_change_id"), "change_rows", ["change_id"], unique=False)


def downgrade() -> None:
    for table in ("change_rows", "changes", "episodes", "exercise_sessions"):
        op.drop_table(table)
