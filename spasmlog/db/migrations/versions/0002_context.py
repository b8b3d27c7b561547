"""Context for analysis: daily check-ins, medication periods, conditions, electrolyte labs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from spasmlog.db.migrations.column_types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
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
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("fluid_ml", sa.Integer(), nullable=True),
        sa.Column("sweating", sa.Boolean(), nullable=True),
        sa.Column("vomiting", sa.Boolean(), nullable=True),
        sa.Column("diarrhea", sa.Boolean(), nullable=True),
        sa.Column("fever", sa.Boolean(), nullable=True),
        sa.Column("hot_weather", sa.Boolean(), nullable=True),
        sa.Column("sleep_h", sa.Float(), nullable=True),
        sa.Column("magnesium_mg", sa.Float(), nullable=True),
        sa.Column("alcohol_units", sa.Float(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("date", name=op.f("uq_checkins_date")),
    )
    op.create_table(
        "medications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("generic", sa.String(length=80), nullable=True),
        sa.Column("drug_class", sa.String(length=20), nullable=False),
        sa.Column("atc", sa.String(length=10), nullable=True),
        sa.Column("class_by_hand", sa.Boolean(), nullable=False),
        sa.Column("dose", sa.String(length=60), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medications")),
    )
    op.create_index(op.f("ix_medications_started_on"), "medications", ["started_on"], unique=False)
    op.create_table(
        "conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("group", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conditions")),
    )
    op.create_table(
        "labs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("test", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("value_mmol_l", sa.Float(), nullable=False),
        sa.Column("range_low_mmol_l", sa.Float(), nullable=False),
        sa.Column("range_high_mmol_l", sa.Float(), nullable=False),
        sa.Column("range_source", sa.String(length=10), nullable=False),
        sa.Column("flag", sa.String(length=10), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labs")),
    )
    op.create_index(op.f("ix_labs_taken_on"), "labs", ["taken_on"], unique=False)


def downgrade() -> None:
    for table in ("labs", "conditions", "medications", "checkins"):
        op.drop_table(table)
