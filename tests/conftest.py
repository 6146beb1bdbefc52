"""Shared fixtures: real files and real processes, no mocks."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.support.postgres import create_database, postgres_server
from sqlalchemy import create_engine

REPO = Path(__file__).resolve().parents[1]

# Starlette's TestClient (and schemathesis) send `Host: testserver`. Production answers only the
# hosts it is configured for, so the apps tests build say so explicitly. Set at import, before any
# test module builds an app at collection time (test_api_fuzz does), with a data folder for the
# app's secret that is not the real user's.
os.environ.setdefault("NASALIS_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="nasalis-tests-data-"))


SEEDS_ENV = "NASALIS_SEEDS_DIR"
"""Where the seed articles are, when not in shared/seeds beside the repository."""


def find_seeds() -> tuple[Path | None, str]:
    """The seed articles' folder (None when absent) and, when absent, why."""
    named = os.environ.get(SEEDS_ENV)
    path = Path(named) if named else REPO.parent / "shared" / "seeds"
    if path.is_dir():
        return path, ""
    if named:
        return None, f"{SEEDS_ENV}={named} is not a folder"
    return None, f"the seed articles are not here: set {SEEDS_ENV}, or put them in {path}"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed articles (NASALIS_SEEDS_DIR, or shared/seeds beside the repository).

    A clone on its own has none: outside CI the tests that read them skip, saying why; in CI
    (CI=true) they fail, so a missing folder never passes for a checked knowledge base.
    """
    path, why = find_seeds()
    if path is not None:
        return path
    if os.environ.get("CI") == "true" or os.environ.get(SEEDS_ENV):
        pytest.fail(f"{why} (the seed coverage tests must run here)", pytrace=False)
    pytest.skip(why)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's default data folder out of the real user's home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("NASALIS_DB_URL", raising=False)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test hides a missing part, and a run with no passing test proves nothing."""
    if os.environ.get("CI") != "true" or hasattr(session.config, "workerinput"):
        return  # a worker sees only its share: the controller counts the whole run
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    stats = reporter.stats if reporter is not None else {}
    skipped, passed = len(stats.get("skipped", [])), len(stats.get("passed", []))
    if skipped or passed == 0:
        print(f"\nCI: {skipped} skipped and {passed} passed — failing the run.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A real PostgreSQL server for this test session (see bench/support/postgres.py)."""
    with postgres_server() as url:
        yield url


_DB_COUNTER = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty diary database: a temp SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'diary.db'}"
        return
    yield from _fresh_pg(request.getfixturevalue("pg_admin_url"))


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (for what only PostgreSQL does: server mode's queue)."""
    yield from _fresh_pg(pg_admin_url)


@pytest.fixture
def other_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second, empty diary of the same kind as db_url (to restore or copy into)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
    else:
        yield from _fresh_pg(request.getfixturevalue("pg_admin_url"))


def _fresh_pg(admin_url: str) -> Iterator[str]:
    name = f"t{os.getpid()}_{next(_DB_COUNTER)}"
    url = create_database(admin_url, name)
    try:
        yield url
    finally:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
