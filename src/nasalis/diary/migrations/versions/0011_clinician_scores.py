"""Clinician-entered scores: a rating scale's value as a clinician wrote it

Revision ID: 0011
Revises: 0010

Issue 22. One row per score: the scale's name, the value as written (and as a number when it
is one), the date rated, who rated it, whether it came from the clinic or from a letter, and
the clinician account that entered it (None when the person did). nasalis never computes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "clinician_scores",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scale", sa.String(120), nullable=False),
        sa.Column("value_text", sa.String(60), nullable=False),
        sa.Column("value_number", sa.Float(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("rated_by", sa.String(200), nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "entered_by_account",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("person_id", "scale", "rated_on", "value_text"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_clinician_scores_person_id", "clinician_scores", ["person_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_clinician_scores_person_id", "clinician_scores")
    op.drop_table("clinician_scores")
