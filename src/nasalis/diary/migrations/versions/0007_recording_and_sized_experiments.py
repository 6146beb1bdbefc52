"""Morning check-in and "no twitches today"; experiments' adherence and planned effect; undone index

Revision ID: 0007
Revises: 0006

Issue 19. A morning check-in (`morning_at`, with the night's sleep, stress and coffees so far)
is recorded before the day's twitches, so its values cannot have been caused by them; the
evening check-in keeps the existing columns. `no_twitches` is the one-tap "no twitches today".
An experiment keeps the change-day adherence answers (`adherence`: ISO date -> yes/no) and the
effect the person chose to size it for (`planned_change`, e.g. 0.3 for 30% fewer twitches).
The partial index serves the change journal's "how many are undone" count that keys the
reused Insights and Diary pages.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and the index."""
    with op.batch_alter_table("days") as batch:
        batch.add_column(sa.Column("morning_at", sa.Time(), nullable=True))
        batch.add_column(sa.Column("morning_stress", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("morning_caffeine", sa.Float(), nullable=True))
        batch.add_column(sa.Column("no_twitches", sa.Boolean(), nullable=True))
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("adherence", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("planned_change", sa.Float(), nullable=True))
    op.create_index(
        "ix_changes_person_undone",
        "changes",
        ["person_id"],
        sqlite_where=sa.text("undone = 1"),
        postgresql_where=sa.text("undone"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_changes_person_undone", "changes")
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("planned_change")
        batch.drop_column("adherence")
    with op.batch_alter_table("days") as batch:
        for name in ("no_twitches", "morning_caffeine", "morning_stress", "morning_at"):
            batch.drop_column(name)
