"""Run `nasalis` as a real process, as a person would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nasalis

SRC = str(Path(nasalis.__file__).resolve().parents[1])
"""The tree under test: the child runs it too, not whichever copy is installed in the venv."""


def nasalis_process(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m nasalis ARGS` with a fixed terminal width and a clean environment."""
    return subprocess.run(
        [sys.executable, "-m", "nasalis", *args],
        input=stdin,
        text=True,
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "110", "PYTHONPATH": SRC, **(env or {})},
    )
