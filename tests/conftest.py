"""Shared fixtures: real files and real processes, no mocks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed articles (shared/seeds beside the repository, or NASALIS_SEEDS_DIR)."""
    path = Path(os.environ.get("NASALIS_SEEDS_DIR", REPO.parent / "shared" / "seeds"))
    assert path.is_dir(), f"seed articles not found at {path}; set NASALIS_SEEDS_DIR"
    return path


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test's default data folder out of the real user's home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("NASALIS_DB_URL", raising=False)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test hides a missing part, and a run with no passing test proves nothing."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    stats = reporter.stats if reporter is not None else {}
    skipped, passed = len(stats.get("skipped", [])), len(stats.get("passed", []))
    if skipped or passed == 0:
        print(f"\nCI: {skipped} skipped and {passed} passed — failing the run.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
