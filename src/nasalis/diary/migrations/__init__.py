"""Alembic migrations of the diary schema (run by the app on start)."""
