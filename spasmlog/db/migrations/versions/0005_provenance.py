"""Provenance of imported values (which app's export wrote each one, and when it was exported),
and two facts about episodes imported from other apps: a date without a clock time, and a
severity converted from another scale.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from spasmlog.db.migrations.column_types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("episodes", sa.Column("time_known", sa.Boolean(), nullable=True))
    op.add_column("episodes", sa.Column("severity_scale", sa.String(length=10), nullable=True))
    op.create_table(
        "provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("exported_at", UTCDateTime(), nullable=True),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provenance")),
    )
    op.create_index(
        "ix_provenance_table_name_row_id", "provenance", ["table_name", "row_id"], unique=False
    )
    op.create_index("ix_provenance_source_key", "provenance", ["source", "key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_provenance_source_key", table_name="provenance")
    op.drop_index("ix_provenance_table_name_row_id", table_name="provenance")
    op.drop_table("provenance")
    with op.batch_alter_table("episodes") as batch:
        batch.drop_column("severity_scale")
        batch.drop_column("time_known")
