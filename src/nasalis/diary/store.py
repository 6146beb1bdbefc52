"""Where the diary lives: engine, sessions, schema upgrades, and the person it belongs to.

SQLite gets WAL (readers never block the writer), foreign keys, a busy timeout, and
`BEGIN IMMEDIATE` for write transactions so two processes writing at once queue instead of
failing. PostgreSQL needs none of that.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from nasalis.diary import idempotency
from nasalis.diary.models import Person
from nasalis.folders import default_db_url

SCHEMA_HEAD = "0014"
"""The newest migration; a test checks it is Alembic's head, so it cannot drift."""

LOCAL_HANDLE = "local"
"""The one person of personal mode."""

_BUSY_TIMEOUT_MS = 30_000


class StoreError(RuntimeError):
    """The diary cannot be opened; the message says why and what to do."""


def is_disk_full(exc: BaseException) -> bool:
    """Whether a database error says the disk is full (SQLite SQLITE_FULL, PostgreSQL 53100)."""
    orig = getattr(exc, "orig", exc)
    return (
        getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
        or getattr(orig, "sqlstate", None) == "53100"
    )


def resolve_url(flag: str | None = None) -> str:
    """--db, else NASALIS_DB_URL, else the SQLite file in the user's data folder."""
    return flag or os.environ.get("NASALIS_DB_URL") or default_db_url()


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below choose the BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable in WAL except on power loss
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


@dataclass
class Store:
    """An open diary database."""

    engine: Engine
    _reader: sessionmaker[Session]
    _writer: sessionmaker[Session]
    _people: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self._writer() as session:
            stamped = False
            try:
                with session.begin():
                    # First, so a second request with the same key waits here on the unique
                    # key and fails before it writes anything; the key commits with the write.
                    stamped = idempotency.stamp(session)
                    yield session
            except BaseException:
                if stamped:
                    idempotency.unstamp()  # rolled back: a later write of this request carries it
                raise

    def person_id(self, handle: str = LOCAL_HANDLE) -> int:
        """The id of the person with this handle, created on first use (cached: ids never change)."""
        if handle not in self._people:
            self._people[handle] = self._find_or_create_person(handle)
        return self._people[handle]

    def _find_or_create_person(self, handle: str) -> int:
        with self.read() as session:
            found = session.scalar(select(Person.id).where(Person.handle == handle))
        if found is not None:
            return found
        try:
            with self.write() as session:
                person = Person(handle=handle)
                session.add(person)
                session.flush()
                return person.id
        except IntegrityError:
            # Another process created this person between our read and our insert.
            with self.read() as session:
                return session.scalars(select(Person.id).where(Person.handle == handle)).one()

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open (creating if needed) the diary at `url` and bring its schema up to date."""
    url = resolve_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}") from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {"timeout": _BUSY_TIMEOUT_MS / 1000} if is_sqlite else {}
    try:
        engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=not is_sqlite)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use {parsed.render_as_string()}: {exc}") from None
    if is_sqlite:
        _sqlite_setup(engine)
    writer_engine = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE") if is_sqlite else engine
    store = Store(
        engine=engine,
        _reader=sessionmaker(engine, expire_on_commit=False),
        _writer=sessionmaker(writer_engine, expire_on_commit=False),
    )
    if upgrade:
        upgrade_schema(store)
    return store


def schema_version(store: Store) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with store.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("select version_num from alembic_version")).scalar()


def upgrade_schema(store: Store) -> None:
    """Run every Alembic migration not yet applied (Alembic loads only when one is due)."""
    if schema_version(store) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
