"""Randomised single-person trials of a remedy (`spasmlog trial`), and the check-in's answer to
"did you take it that night?".

The column types are this revision's own (plain SQLAlchemy types give the same DDL as the models'
UTC datetimes), so later changes to the models cannot change what it does.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("checkins", sa.Column("trial_taken", sa.Boolean(), nullable=True))
    op.create_table(
        "trials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remedy", sa.String(length=120), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("ignore_days", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("open_label", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("protocol_hash", sa.String(length=64), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trials")),
    )


def downgrade() -> None:
    op.drop_table("trials")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("trial_taken")
