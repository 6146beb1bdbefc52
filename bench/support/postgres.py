"""A throwaway PostgreSQL server from Debian's `postgresql` package, for the tests and benchmarks."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: `apt-get install postgresql` (scripts/test does this as root)"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(argv: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; run them as the package's `postgres` user.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class PostgresServer:
    """A private server on a free loopback port, which a test may stop and start again."""

    def __init__(self) -> None:
        self.bin_dir = _binaries()
        self.root = Path(tempfile.mkdtemp(prefix="nasalis-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        subprocess.run(
            _as_owner(
                [
                    str(self.bin_dir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "nasalis",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )

    @property
    def url(self) -> str:
        """The admin URL (database `postgres`)."""
        return f"postgresql+psycopg://nasalis@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start it and wait until it accepts connections."""
        self.process = subprocess.Popen(
            _as_owner(
                [
                    str(self.bin_dir / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    str(self.root),
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=200",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start within 30 s")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as when the database server goes down."""
        if self.process is not None:
            subprocess.run(
                _as_owner([str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w"]),
                capture_output=True,
                check=False,
            )
            self.process.wait(timeout=30)
            self.process = None

    def remove(self) -> None:
        """Stop it and delete its files."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """Create an empty database on the server of `admin_url`; its URL."""
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a private server on a free loopback port; yield its admin URL; stop it after."""
    server = PostgresServer()
    try:
        server.start()
        yield server.url
    finally:
        server.remove()
