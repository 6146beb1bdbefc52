"""Backups copy the whole store and restore it exactly, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from nasalis.diary import episode_writer
from nasalis.diary.backup import BackupError, backup, restore, row_counts
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import Store, open_store
from tests.report.sample_diaries import ninety_day_diary


def every_row(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows, sorted, as plain tuples: two stores compare equal only if identical."""
    with store.engine.connect() as connection:
        names = sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})
        return {
            name: sorted(
                (tuple(map(str, row)) for row in connection.execute(text(f'select * from "{name}"'))),
            )
            for name in names
        }


def _episode(store: Store, minute: int) -> None:
    at = dt.datetime(2026, 11, 1, 9, minute % 60, tzinfo=dt.UTC) + dt.timedelta(hours=minute // 60)
    with store.write() as session:
        episode_writer.log_episode(session, store.person_id(), EpisodeRecord(started_at=at, intensity=4))


def test_a_backup_restored_into_an_empty_store_holds_the_same_rows(
    db_url: str, other_url: str, tmp_path: Path
) -> None:
    original = ninety_day_diary(db_url)
    made = backup(original, tmp_path / "diary.backup")
    assert made.rows["episodes"] > 100
    assert made.rows["days"] == 90
    done = restore(other_url, tmp_path / "diary.backup")
    restored = open_store(other_url)
    try:
        assert every_row(restored) == every_row(original)
        assert done.rows == row_counts(original)
    finally:
        restored.close()
        original.close()


def test_restore_refuses_a_store_that_is_not_empty_unless_forced(db_url: str, tmp_path: Path) -> None:
    store = ninety_day_diary(db_url)
    try:
        backup(store, tmp_path / "b")
        _episode(store, 7)  # written after the backup
        before = every_row(store)
        with pytest.raises(BackupError, match="not empty"):
            restore(db_url, tmp_path / "b")
        assert every_row(store) == before
        restore(db_url, tmp_path / "b", force=True)
        after = every_row(store)
        assert len(after["episodes"]) == len(before["episodes"]) - 1
    finally:
        store.close()


def test_what_is_not_a_backup_of_this_kind_is_refused_and_nothing_changes(
    db_url: str, tmp_path: Path, pg_admin_url: str
) -> None:
    store = open_store(db_url)
    _episode(store, 1)
    store.close()
    stranger = tmp_path / "notes.txt"
    stranger.write_text("hello")
    with pytest.raises(BackupError, match="not a nasalis backup"):
        restore(db_url, stranger, force=True)
    with pytest.raises(BackupError, match="cannot be read"):
        restore(db_url, tmp_path / "missing.backup", force=True)
    # A backup of the other kind of store is refused, not half-applied.
    if db_url.startswith("sqlite"):
        other = open_store(pg_admin_url.rsplit("/", 1)[0] + "/postgres", upgrade=False)
    else:
        other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        backup(other, tmp_path / "other.backup")
    finally:
        other.close()
    with pytest.raises(BackupError, match="backup and the diary is"):
        restore(db_url, tmp_path / "other.backup", force=True)
    store = open_store(db_url)
    try:
        assert row_counts(store)["episodes"] == 1
    finally:
        store.close()


def test_a_sqlite_file_that_is_not_a_diary_is_refused(tmp_path: Path) -> None:
    import sqlite3

    plain = sqlite3.connect(tmp_path / "plain.db")
    plain.execute("create table t (x)")
    plain.commit()
    plain.close()
    with pytest.raises(BackupError, match="not a nasalis diary"):
        restore(f"sqlite:///{tmp_path / 'diary.db'}", tmp_path / "plain.db")


def test_a_backup_taken_while_someone_writes_is_consistent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    store = open_store(url)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        while not stop.is_set():
            _episode(store, len(written))
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        made = backup(store, tmp_path / "busy.backup")
    finally:
        stop.set()
        thread.join()
    restore(f"sqlite:///{tmp_path / 'copy.db'}", tmp_path / "busy.backup")
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        copied = row_counts(copy)["episodes"]
        assert 20 <= copied <= len(written)
        # Each episode came with its journal entry in one transaction: a snapshot has both or neither.
        assert row_counts(copy)["changes"] == copied
        assert made.kind == "sqlite"
    finally:
        copy.close()
        store.close()
