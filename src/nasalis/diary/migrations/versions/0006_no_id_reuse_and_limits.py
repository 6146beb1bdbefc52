"""No id reuse on SQLite; per-client attempt counts; session idle time

Revision ID: 0006
Revises: 0005

SQLite hands a deleted row's id to the next insert unless the table is AUTOINCREMENT, and
that can only be set by rebuilding the table (batch "recreate", which copies every row with
its id). The counter then starts past the highest id the journal names too, so a row that
undo may still bring back never has its id given to anyone else. PostgreSQL's sequences never
reuse an id, so there only the new columns are added.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REBUILT = ("episodes", "days", "medications", "notes", "changes", "experiments", "assessments", "videos")
"""The tables whose ids undo, links or the journal name (models.NO_ID_REUSE)."""


def upgrade() -> None:
    """Rebuild the SQLite tables as AUTOINCREMENT; add the attempt and session columns."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in REBUILT:
            with op.batch_alter_table(name, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass
        _start_counters_past_the_journal(bind)
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="login"))
        batch.add_column(sa.Column("client", sa.String(length=64), nullable=False, server_default=""))
        batch.create_index("ix_login_failures_client", ["client"])
        batch.create_index("ix_login_failures_at", ["at"])
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE web_sessions SET last_seen_at = created_at")
    with op.batch_alter_table("web_sessions") as batch:
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(), nullable=False)


def _start_counters_past_the_journal(bind: Any) -> None:
    """Set each table's AUTOINCREMENT counter past every id a journal entry names."""
    highest = dict.fromkeys(REBUILT, 0)
    for table_name, row_ids, before in bind.execute(
        sa.text("SELECT table_name, row_ids, before FROM changes")
    ):
        for table, row_id in _named_ids(table_name, _json(row_ids), _json(before)):
            if table in highest and isinstance(row_id, int):
                highest[table] = max(highest[table], row_id)
    for name in REBUILT:
        top = bind.execute(sa.text(f"SELECT max(id) FROM {name}")).scalar() or 0  # name is one of REBUILT
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :n"), {"n": name})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:n, :s)"),
            {"n": name, "s": max(top, highest[name])},
        )


def _named_ids(table_name: str, row_ids: list[Any], before: list[Any]) -> list[tuple[str, Any]]:
    """(table, id) of each row a journal entry names: its rows, the rows it kept, an import's spans."""
    named = [(table_name, row_id) for row_id in row_ids]
    for item in before:
        if not isinstance(item, dict):
            continue
        if "id" in item:
            named.append((table_name, item["id"]))
        else:  # an import: {table: {"from": id, "to": id}}
            named += [(t, span.get("to")) for t, span in item.items() if isinstance(span, dict)]
    return named


def _json(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, list) else []


def downgrade() -> None:
    """Drop the new columns (the tables stay AUTOINCREMENT: that loses nothing)."""
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("last_seen_at")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index("ix_login_failures_at")
        batch.drop_index("ix_login_failures_client")
        batch.drop_column("client")
        batch.drop_column("kind")
