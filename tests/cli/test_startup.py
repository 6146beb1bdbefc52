"""The CLI starts light: `--help` loads no heavy library, `log` only what writing a twitch needs.

Not timed (a shared machine makes timings flaky; bench/cli_bench.py measures them): a real
`python -m nasalis` process runs the command and then reports which modules it had loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nasalis.diary import local_dates
from nasalis.diary.models import Episode
from nasalis.diary.store import open_store
from tests.cli.runner import SRC

HEAVY = frozenset(
    {
        "sqlalchemy",
        "alembic",
        "fastapi",
        "starlette",
        "uvicorn",
        "pydantic",
        "pydantic_settings",
        "numpy",
        "pandas",
        "scipy",
        "statsmodels",
        "matplotlib",
        "cv2",
        "mediapipe",
        "weasyprint",
        "jinja2",
        "yaml",
        "fhir",
        "rich",
    }
)
"""Libraries that take tens or hundreds of milliseconds to import."""

TYPER_NEEDS = frozenset({"pydantic"})
"""Typer checks every option value with a pydantic TypeAdapter (even a group's unset --help), so
every command line but a bare `nasalis --help` loads pydantic itself (not our models, nor
pydantic_settings)."""

LOG_NEEDS = TYPER_NEEDS | {"sqlalchemy"}
"""What `nasalis log` cannot do without: Typer's own needs, and the diary, which is SQLAlchemy."""

_REPORT = """
import atexit, json, sys
report = sys.argv.pop(1)
def _report():
    with open(report, "w") as out:
        json.dump(sorted({name.split(".")[0] for name in sys.modules}), out)
atexit.register(_report)
sys.argv[0] = "nasalis"
import runpy
runpy.run_module("nasalis", run_name="__main__", alter_sys=True)
"""
"""`python -m nasalis ARGS`, which writes the top-level packages it loaded to a file as it exits."""


def loaded_by(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> frozenset[str]:
    """The top-level packages a real `nasalis ARGS` process had loaded when it ended (exit 0)."""
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _REPORT, str(report), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, "COLUMNS": "110", **(env or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return frozenset(json.loads(report.read_text()))


def test_help_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert "typer" in loaded, "the report did not see the CLI run"
    assert not loaded & HEAVY, f"nasalis --help loaded {sorted(loaded & HEAVY)}"


@pytest.mark.parametrize(
    "args",
    [("log", "--help"), ("experiment", "--help"), ("day", "--help"), ("serve", "--help"), ("version",)],
)
def test_a_command_help_loads_only_what_typer_itself_needs(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = loaded_by(tmp_path, *args)
    assert "typer" in loaded, "the report did not see the CLI run"
    extra = (loaded & HEAVY) - TYPER_NEEDS
    assert not extra, f"nasalis {' '.join(args)} loaded {sorted(extra)}"


def test_log_writes_the_twitch_loading_only_what_it_needs(tmp_path: Path) -> None:
    db = tmp_path / "diary.db"
    env = {"NASALIS_DB_URL": f"sqlite:///{db}"}
    subprocess.run(  # the first run creates the schema (Alembic); the next is the everyday case
        [sys.executable, "-m", "nasalis", "log", "--intensity", "2"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, **env},
        check=True,
        capture_output=True,
        timeout=120,
    )
    loaded = loaded_by(tmp_path, "log", "--intensity", "7", "--areas", "nose,cheek", env=env)
    assert not (loaded & HEAVY) - LOG_NEEDS, f"nasalis log loaded {sorted((loaded & HEAVY) - LOG_NEEDS)}"

    assert [(e.intensity, e.areas) for e in _episodes(db)] == [(2, None), (7, ["nose", "cheek"])]
    undone = subprocess.run(  # written through the change journal, as always: undo takes it back
        [sys.executable, "-m", "nasalis", "undo"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, **env},
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Nothing to undo" not in undone.stdout
    assert [e.intensity for e in _episodes(db)] == [2]


def _episodes(db: Path) -> list[Episode]:
    store = open_store(f"sqlite:///{db}")
    try:
        with store.read() as session:
            return local_dates.episodes_on(session, store.person_id())
    finally:
        store.close()


def test_log_refuses_a_bad_value_as_before_without_loading_the_diary(tmp_path: Path) -> None:
    env = {"NASALIS_DB_URL": f"sqlite:///{tmp_path / 'diary.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "nasalis", "log", "--intensity", "11"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, "COLUMNS": "110", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "--intensity" in done.stderr
    assert not (tmp_path / "diary.db").exists()  # refused before the diary was opened
