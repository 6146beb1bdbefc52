"""A real `nasalis serve` process on a free loopback port, for browser and end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.cli.runner import nasalis_process
from tests.web.conftest import PASSWORD

STARTUP_S = 180
"""How long a server may take to answer its first request: seconds alone, a minute or more when the
suite's other workers and the machine's other jobs share two cores."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_process(command: list[str], port: int, ready: str, log: Path | None = None) -> Iterator[str]:
    """Run a web server process until the block ends; yields its base URL once `ready` answers."""
    with running(command, port, ready, log) as (base, _process):
        yield base


@contextmanager
def running(
    command: list[str], port: int, ready: str, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like live_process, and also yields the process (a test may kill it)."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        command,
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base}{ready}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[:4]} did not start within {STARTUP_S} s") from None
                time.sleep(0.2)
        yield base, process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass  # the test killed it already
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log and out is not subprocess.DEVNULL:
            out.close()  # type: ignore[union-attr]


@contextmanager
def live_server(db_url: str, *args: str, log: Path | None = None) -> Iterator[str]:
    """Run `nasalis serve --db URL ARGS` until the block ends; yields its base URL."""
    with serving(db_url, *args, log=log) as (base, _process):
        yield base


@contextmanager
def serving(
    db_url: str, *args: str, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like live_server, and also yields the server process."""
    port = free_port()
    command = [sys.executable, "-m", "nasalis", "serve", "--port", str(port), "--db", db_url, *args]
    with running(command, port, "/static/style.css", log) as live:
        yield live


def add_clinician(db_url: str, username: str, password: str = PASSWORD) -> None:
    """Make a clinician account the way an administrator does (`nasalis admin clinician add`)."""
    added = nasalis_process(
        "admin", "clinician", "add", username, "--password-stdin", "--db", db_url, stdin=password + "\n"
    )
    assert added.returncode == 0, added.stderr
