"""Whole-store backups: SQLite's online backup API, pg_dump and pg_restore for PostgreSQL.

A backup is taken while the app may be running: SQLite's backup API copies a consistent
snapshot page by page, and pg_dump reads one snapshot in a single transaction. A restore is
all or nothing: SQLite's backup API replaces the target inside one transaction, and
pg_restore runs with --single-transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, inspect, select, table

from nasalis.diary.atomic_file import replace_durably
from nasalis.diary.store import Store, open_store

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
KEPT_OUT = {"alembic_version"}
"""Tables whose rows do not make a store 'not empty' (the schema's own bookkeeping)."""


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore moved."""

    path: Path
    kind: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        """Rows over all tables."""
        return sum(self.rows.values())


def row_counts(store: Store) -> dict[str, int]:
    """Rows per table of the diary (schema bookkeeping left out)."""
    with store.engine.connect() as connection:
        names = sorted(set(inspect(connection).get_table_names()) - KEPT_OUT)
        count = select(func.count())
        return {n: int(connection.execute(count.select_from(table(n))).scalar_one()) for n in names}


@contextmanager
def _sqlite(path: Path, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that is closed afterwards (sqlite3's own `with` only commits)."""
    uri = f"file:{quote(str(path))}" + ("?mode=ro" if readonly else "")
    connection = sqlite3.connect(uri, uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_path(store: Store) -> Path | None:
    url = store.engine.url
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory diary cannot be backed up or restored")
    return Path(url.database).expanduser()


def _libpq(store: Store) -> str:
    """The store's URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    """pg_dump/pg_restore: the newest server version's own, else the one on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return on_path


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: " + (detail[-1] if detail else f"exit {done.returncode}"))


def backup(store: Store, out: Path) -> Copied:
    """Copy the whole store to `out`, written whole or not at all."""
    if out.is_dir():
        raise BackupError(f"--out: {out} is a folder; give a file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        source = _sqlite_path(store)
        if source is not None:
            kind = "sqlite"
            with _sqlite(source) as src, _sqlite(tmp) as dst:
                src.backup(dst)
                # Rollback-journal mode: one self-contained file, readable without a -wal beside it.
                dst.execute("PRAGMA journal_mode = DELETE")
        else:
            kind = "postgresql"
            dump = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), _libpq(store)]
            _run(dump, "pg_dump")
        replace_durably(tmp, out)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"the backup could not be written to {out}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return Copied(out, kind, row_counts(store))


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise BackupError(f"{path}: cannot be read ({exc.strerror})") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a nasalis backup (neither a SQLite file nor a pg_dump archive)")


def _check_sqlite_backup(path: Path) -> None:
    try:
        with _sqlite(path, readonly=True) as src:
            if src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{path}: the backup is damaged (integrity check failed)")
            tables = {r[0] for r in src.execute("select name from sqlite_master where type='table'")}
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: the backup cannot be read ({exc})") from None
    if "alembic_version" not in tables:
        raise BackupError(f"{path}: a SQLite file, but not a nasalis diary")


def restore(url: str, path: Path, force: bool = False) -> Copied:
    """Replace the store at `url` with the backup at `path`; refuse a non-empty store unless forced."""
    kind = _kind_of(path)
    store = open_store(url, upgrade=False)
    try:
        target = "sqlite" if store.engine.url.get_backend_name() == "sqlite" else "postgresql"
        if kind != target:
            raise BackupError(
                f"{path} is a {kind} backup and the diary is {target}; restore it into a {kind} store"
                " (to move between the two, use nasalis export and nasalis import)"
            )
        held = row_counts(store)
        if any(held.values()) and not force:
            raise BackupError(
                f"the diary is not empty ({sum(held.values())} rows); nothing was restored."
                " Back it up first, then use --force to replace it"
            )
        if kind == "sqlite":
            _check_sqlite_backup(path)
            destination = _sqlite_path(store)
            assert destination is not None
            store.close()  # our pooled connections would hold the old pages
            with _sqlite(path, readonly=True) as src, _sqlite(destination) as dst:
                src.backup(dst)
        else:
            _run(
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                    _libpq(store),
                    str(path),
                ],
                "pg_restore",
            )
    finally:
        store.close()
    restored = open_store(url)  # which brings a backup from an older version up to date
    try:
        return Copied(path, kind, row_counts(restored))
    finally:
        restored.close()
