"""Local dates on episodes and exercise sessions, a known "no exercise" on check-ins, and settings
that belong to the diary (when observation started).

`local_date` is a virtual column SQLite computes from the stored UTC start and offset (so existing
rows get theirs at once, with nothing rewritten), indexed for the date filters. The offsets that
older spasmlog versions stored wrongly are repaired after this revision, in spasmlog.db.migrate.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from spasmlog.db.migrations.column_types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule of spasmlog.core.clock.calendar_date, as it stood when this revision was written.
LOCAL_DATE = "date(started_at, printf('%+d minutes', utc_offset_min))"


def upgrade() -> None:
    for table in ("episodes", "exercise_sessions"):
        op.add_column(
            table, sa.Column("local_date", sa.Date(), sa.Computed(LOCAL_DATE, persisted=False))
        )
        op.create_index(op.f(f"ix_{table}_local_date"), table, ["local_date"], unique=False)
    op.add_column("checkins", sa.Column("exercised", sa.Boolean(), nullable=True))
    op.create_table(
        "diary_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_settings")),
        sa.UniqueConstraint("key", name=op.f("uq_diary_settings_key")),
    )


def downgrade() -> None:
    op.drop_table("diary_settings")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("exercised")
    for table in ("exercise_sessions", "episodes"):
        op.drop_index(op.f(f"ix_{table}_local_date"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("local_date")
