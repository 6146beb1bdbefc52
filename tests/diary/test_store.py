"""Opening the diary: URL resolution, schema upgrade, SQLite settings, one person per handle."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from nasalis.diary import store as store_module
from nasalis.diary.store import StoreError, open_store, resolve_url


def test_schema_is_created_by_migration_and_upgrade_is_idempotent(db_url: str) -> None:
    store = open_store(db_url)
    open_store(db_url).close()
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "people",
        "episodes",
        "days",
        "medications",
        "notes",
        "changes",
        "alembic_version",
    } <= tables
    with store.engine.connect() as conn:
        assert (
            conn.execute(text("select version_num from alembic_version")).scalar() == store_module.SCHEMA_HEAD
        )
    store.close()


def test_every_migrated_table_is_in_the_models_metadata(db_url: str) -> None:
    # The tables live in several modules; Alembic's env and the journal read Base.metadata through
    # nasalis.diary.models, so a part it forgot to import would be invisible to both.
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nasalis.diary.models import Base

    store = open_store(db_url)
    try:
        with store.engine.connect() as conn:
            migrated = set(inspect(conn).get_table_names()) - {"alembic_version"}
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        store.close()
    assert migrated == set(Base.metadata.tables)
    assert differences == []


def test_schema_head_constant_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(store_module.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == store_module.SCHEMA_HEAD


def test_person_is_created_once(db_url: str) -> None:
    store = open_store(db_url)
    first = store.person_id()
    assert store.person_id() == first
    assert store.person_id("someone-else") != first
    store.close()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'sub' / 'diary.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_url_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resolve_url("sqlite:///flag.db") == "sqlite:///flag.db"
    monkeypatch.setenv("NASALIS_DB_URL", "sqlite:///env.db")
    assert resolve_url(None) == "sqlite:///env.db"
    monkeypatch.delenv("NASALIS_DB_URL")
    assert resolve_url(None).endswith("nasalis/nasalis.db")
    assert resolve_url(None).startswith("sqlite:///")


def test_bad_urls_are_explained() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("no such thing")
    with pytest.raises(StoreError, match="cannot use"):
        open_store("nosuchdb://x/y")
