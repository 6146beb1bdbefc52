"""Alembic environment: always handed a live connection by nasalis.diary.store."""

from __future__ import annotations

from alembic import context

from nasalis.diary.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs ALTER via copy
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
