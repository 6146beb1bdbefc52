"""A real `nasalis serve` process on a free loopback port, for the web benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

READY = "/static/style.css"
"""A path that answers as soon as the app is up, without touching the diary."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Poll READY until it answers; RuntimeError if the server dies or takes too long."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"nasalis serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + READY, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nasalis serve did not start within {seconds:.0f} s") from None
            time.sleep(0.2)


@contextmanager
def nasalis_serve(db_url: str, *args: str, log: Path | None = None) -> Iterator[tuple[str, int]]:
    """Run `nasalis serve --db URL ARGS` until the block ends; yields (base URL, server pid).

    The server's output goes to `log` when given, else nowhere.
    """
    port = free_port()
    command = [sys.executable, "-m", "nasalis", "serve", "--port", str(port), "--db", db_url, *args]
    with ExitStack() as files:
        out = files.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=os.environ
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield base, process.pid
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # its own session: the server and nothing else
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
