"""A copy of the repository with nothing beside it: the seed tests skip (or, in CI, fail) saying why."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS_ENV
from tests.knowledge.test_seed_coverage import CASES

SEED_TESTS = "tests/knowledge/test_seed_coverage.py"
SEED_READERS = len(CASES) + 2
"""The tests in SEED_TESTS that read the seed articles (every case, the file list, the quotes)."""
UNTRACKED = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.pyc", ".*_cache", ".hypothesis")


def _repo_files() -> list[str]:
    """What a clone would hold, plus the work not yet committed (git's own list when it has one)."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        return []
    return [name for name in listed.stdout.decode().split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository copied to <tmp>/alone/nasalis: no shared/ folder beside it."""
    target = tmp_path_factory.mktemp("alone") / "nasalis"
    files = _repo_files()
    if not files:  # not a git checkout (an unpacked archive): copy the tree as it is
        shutil.copytree(REPO, target, ignore=UNTRACKED)
        return target
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    assert not (target.parent / "shared").exists()
    return target


def _pytest_in(copy: Path, basetemp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the seed tests in `copy` with its own src, with `env` and without CI or the seeds' variable."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", SEEDS_ENV, "PYTEST_ADDOPTS")}
    clean.update(env, PYTHONPATH=f"{copy / 'src'}{os.pathsep}{copy}")
    # Its own basetemp: a nested run must not prune the outer session's temporary folders.
    command = [sys.executable, "-m", "pytest", SEED_TESTS, "-q", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, f"--basetemp={basetemp}"],
        cwd=copy,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def basetemp(tmp_path: Path) -> Path:
    """A temporary folder for one nested pytest run."""
    return tmp_path / "nested"


def _said(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout + run.stderr


def test_a_lone_copy_skips_the_seed_tests_and_says_why(alone: Path, basetemp: Path) -> None:
    run = _pytest_in(alone, basetemp)
    out = _said(run)
    assert run.returncode == 0, out
    assert re.search(rf"\b1 passed, {SEED_READERS} skipped\b", out), out
    assert f"the seed articles are not here: set {SEEDS_ENV}" in out, out
    assert str(alone.parent / "shared" / "seeds") in out  # the copy's own neighbour, not this checkout's


def test_in_ci_a_lone_copy_fails_for_want_of_the_seeds(alone: Path, basetemp: Path) -> None:
    run = _pytest_in(alone, basetemp, CI="true")
    out = _said(run)
    assert run.returncode != 0, out
    assert re.search(rf"\b1 passed, {SEED_READERS} errors?\b", out), out
    assert "the seed coverage tests must run here" in out


def test_a_seeds_variable_naming_no_folder_fails(alone: Path, basetemp: Path) -> None:
    run = _pytest_in(alone, basetemp, **{SEEDS_ENV: str(alone / "no-such-folder")})
    out = _said(run)
    assert run.returncode != 0, out
    assert f"{SEEDS_ENV}={alone / 'no-such-folder'} is not a folder" in out


def test_a_lone_copy_runs_the_seed_tests_from_the_variable(
    alone: Path, basetemp: Path, seeds_dir: Path
) -> None:
    run = _pytest_in(alone, basetemp, **{SEEDS_ENV: str(seeds_dir)})
    out = _said(run)
    assert run.returncode == 0, out
    assert re.search(rf"\b{SEED_READERS + 1} passed\b", out), out
    assert "skipped" not in out
