"""Run `nasalis` as a real process, as a person would."""

from __future__ import annotations

import subprocess
import sys


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
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "110", **(env or {})},
    )
