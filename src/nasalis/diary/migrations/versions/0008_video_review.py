"""Review before the diary: a clip's stills around its least certain events, and the person's decisions

Revision ID: 0008
Revises: 0007

Issue 20. The clip is deleted once measured, so the stills around each event the person is
asked about (`review_stills`: event index -> [time s, JPEG data: URI] pairs) are kept instead;
`review_decisions` (event index -> keep or drop) is what the person decided, changeable until
the twitches are added to the diary.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two columns."""
    with op.batch_alter_table("videos") as batch:
        batch.add_column(sa.Column("review_stills", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("review_decisions", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("videos") as batch:
        batch.drop_column("review_decisions")
        batch.drop_column("review_stills")
