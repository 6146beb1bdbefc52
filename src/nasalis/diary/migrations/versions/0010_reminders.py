"""Reminders outside the app: a person's time zone, calendar feed and e-mail; sent reminders; job leases

Revision ID: 0010
Revises: 0009

Issue 21. `reminders` holds one row per person: the IANA time zone the reminder time is read
in, the SHA-256 of the calendar feed's secret (never the secret itself) and the e-mail opt-in.
`reminders_sent` has one row per person and local date, written before a message is sent, so
two workers or a restart never send it twice. `job_leases` says which web worker runs the
reminder job for now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "reminders",
        sa.Column(
            "person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("feed_token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("email_on", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("person_id", "local_date"),
    )
    op.create_index("ix_reminders_sent_person_id", "reminders_sent", ["person_id"])
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("job_leases")
    op.drop_index("ix_reminders_sent_person_id", "reminders_sent")
    op.drop_table("reminders_sent")
    op.drop_table("reminders")
