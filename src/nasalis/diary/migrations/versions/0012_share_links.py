"""Share links to a person's report, and each opening of one

Revision ID: 0012
Revises: 0011

Issue 22. `share_links` holds a person's read-only links to their report: the SHA-256 of the
link's secret (never the secret), a label, the period and sections shown, when it was made,
when it expires and when it was revoked. `share_openings` logs each opening: the time, the
browser family and the client's network (/24 or /48), never the full address or the secret.
New tables only: nothing existing is altered, so SQLite needs no batch mode.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("sections", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_share_links_person_id", "share_links", ["person_id"])
    op.create_table(
        "share_openings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "link_id", sa.Integer(), sa.ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("browser", sa.String(40), nullable=False),
        sa.Column("network", sa.String(50), nullable=False),
    )
    op.create_index("ix_share_openings_link_id", "share_openings", ["link_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_share_openings_link_id", "share_openings")
    op.drop_table("share_openings")
    op.drop_index("ix_share_links_person_id", "share_links")
    op.drop_table("share_links")
