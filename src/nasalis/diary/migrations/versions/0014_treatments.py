"""Treatments: botulinum toxin injections and procedures, the start of each cycle

Revision ID: 0014
Revises: 0013

Issue 23. One row per treatment a person had on a day; `sites` is a JSON list of areas.
AUTOINCREMENT on SQLite, so undo and the journal never name a reused id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the treatments table."""
    op.create_table(
        "treatments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("product", sa.String(200), nullable=True),
        sa.Column("units", sa.Float(), nullable=True),
        sa.Column("sites", sa.JSON(), nullable=True),
        sa.Column("side", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_treatments_person_id", "treatments", ["person_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_treatments_person_id", "treatments")
    op.drop_table("treatments")
