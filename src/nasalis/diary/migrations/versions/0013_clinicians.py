"""Clinicians: an account's role, the grants people give them, one-time codes, the audit log

Revision ID: 0013
Revises: 0012

Issue 22 item 3. `accounts.role` is `person` or `clinician` (a clinician has no diary of
their own). `clinic_grants` says which clinician may read which person's diary and which
scopes; revoking sets `revoked_at`, and every clinician request reads it. `clinic_codes` holds
the SHA-256 of each one-time code a clinician makes (never the code), its expiry and when it
was used. `clinic_audit` is every clinician view and score entry, for the person to read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the role column and the three tables."""
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("role", sa.String(20), nullable=False, server_default="person"))
    people = sa.ForeignKey("people.id", ondelete="CASCADE")
    op.create_table(
        "clinic_grants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), people, nullable=False),
        sa.Column(
            "clinician_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_clinic_grants_person_id", "clinic_grants", ["person_id"])
    op.create_index("ix_clinic_grants_clinician_id", "clinic_grants", ["clinician_id"])
    op.create_table(
        "clinic_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "clinician_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "clinic_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "clinician_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("clinician_name", sa.String(60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("detail", sa.String(200), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_clinic_audit_person_id", "clinic_audit", ["person_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_clinic_audit_person_id", "clinic_audit")
    op.drop_table("clinic_audit")
    op.drop_table("clinic_codes")
    op.drop_index("ix_clinic_grants_clinician_id", "clinic_grants")
    op.drop_index("ix_clinic_grants_person_id", "clinic_grants")
    op.drop_table("clinic_grants")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("role")
