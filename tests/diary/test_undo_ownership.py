"""Undo only ever touches the journal's own person's rows, and SQLite no longer reuses ids.

The attack (issue 17, item 3): A adds and deletes a twitch, B logs one (SQLite gave B the
deleted id), A presses undo, and B's twitch is overwritten with A's. The web version of the
same sequence, through a real server with two accounts, is in tests/web/test_attack_accounts.py.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select, text

from nasalis.diary import journal
from nasalis.diary import store as store_module
from nasalis.diary.entries import delete_day, delete_episode, episode_row, save_day
from nasalis.diary.episode_writer import log_episode
from nasalis.diary.models import Change, Day, Episode
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import open_store

WHEN = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)


def _episodes(store: store_module.Store) -> list[tuple[int, int, str | None]]:
    with store.read() as s:
        return [(e.id, e.person_id, e.note) for e in s.scalars(select(Episode).order_by(Episode.id))]


def test_deleted_ids_are_never_handed_to_another_person(db_url: str) -> None:
    store = open_store(db_url)
    alice, bob = store.person_id("alice"), store.person_id("bob")
    with store.write() as s:
        gone = log_episode(s, alice, EpisodeRecord(started_at=WHEN, note="alice")).id
        delete_episode(s, alice, gone)
    with store.write() as s:
        bobs = log_episode(s, bob, EpisodeRecord(started_at=WHEN, note="bob")).id
        day = save_day(s, alice, DayRecord(date=DAY, stress=3)).id
        delete_day(s, alice, DAY)
        bobs_day = save_day(s, bob, DayRecord(date=DAY, stress=9)).id
    assert bobs != gone  # SQLite reused it before AUTOINCREMENT
    assert bobs_day != day
    store.close()


def test_undo_of_a_delete_leaves_a_row_now_someone_elses_alone(db_url: str) -> None:
    """Even where an id is now another person's (restored from an old backup, say), undo never writes it."""
    store = open_store(db_url)
    alice, bob = store.person_id("alice"), store.person_id("bob")
    with store.write() as s:
        gone = log_episode(s, alice, EpisodeRecord(started_at=WHEN, note="alice")).id
        delete_episode(s, alice, gone)
        episode_deleted = journal.latest_change_id(s, alice)
        day = save_day(s, alice, DayRecord(date=DAY, stress=3)).id
        delete_day(s, alice, DAY)
        day_deleted = journal.latest_change_id(s, alice)
    with store.write() as s:  # bob's rows under alice's old ids, as SQLite used to hand out
        started = WHEN.replace(tzinfo=None)
        s.add(Episode(id=gone, person_id=bob, started_at_utc=started, utc_offset_min=0, note="bob"))
        s.add(Day(id=day, person_id=bob, date=DAY, stress=9))
    with store.write() as s:
        assert episode_deleted is not None
        assert day_deleted is not None
        assert journal.undo_change(s, alice, episode_deleted) is not None
        assert journal.undo_change(s, alice, day_deleted) is not None
    mine = [(p, n) for i, p, n in _episodes(store) if i == gone]
    assert mine == [(bob, "bob")]  # bob's twitch is untouched
    assert sorted((p, n) for _, p, n in _episodes(store)) == [(alice, "alice"), (bob, "bob")]
    with store.read() as s:
        days = {(d.person_id, d.stress) for d in s.scalars(select(Day))}
        assert days == {(alice, 3), (bob, 9)}
        assert s.get(Day, day).person_id == bob  # type: ignore[union-attr]
    store.close()


def test_undo_never_moves_a_row_to_the_person_a_journal_entry_names(db_url: str) -> None:
    """A journal entry's kept person_id is not trusted: undo restores as the journal's own person."""
    store = open_store(db_url)
    alice, bob = store.person_id("alice"), store.person_id("bob")
    with store.write() as s:
        gone = log_episode(s, alice, EpisodeRecord(started_at=WHEN, note="alice")).id
        delete_episode(s, alice, gone)
        change = s.scalars(select(Change).where(Change.person_id == alice)).all()[-1]
        change.before = [{**change.before[0], "person_id": bob}]  # type: ignore[index]
    with store.write() as s:
        assert journal.undo_last(s, alice) is not None
    assert [(p, n) for _, p, n in _episodes(store)] == [(alice, "alice")]
    store.close()


def _at(path: Path, revision: str) -> store_module.Store:
    store = open_store(f"sqlite:///{path}", upgrade=False)
    config = Config()
    config.set_main_option("script_location", str(Path(store_module.__file__).parent / "migrations"))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return store


def test_upgrade_of_a_real_sqlite_file_keeps_rows_and_stops_id_reuse(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = _at(path, "0005")
    alice = old.person_id("alice")
    with old.write() as s:  # inserted as rows: today's writer also reads days' columns 0005 lacks
        kept = [
            s.execute(
                insert(Episode)
                .values(
                    **episode_row(alice, EpisodeRecord(started_at=WHEN + dt.timedelta(hours=h))),
                    created_at=WHEN,
                )
                .returning(Episode.id)
            ).scalar_one()
            for h in range(3)
        ]
        delete_episode(s, alice, kept[-1])  # the highest id: the old schema would give it out again
    with old.engine.begin() as connection:  # today's model has columns the 0005 schema lacks
        connection.execute(
            text(
                "insert into days (person_id, date, stress, tags, factors, created_at) "
                "values (:p, :d, 4, '[\"cheese\"]', '{}', :at)"
            ),
            {"p": alice, "d": DAY, "at": WHEN},
        )
    old.close()
    raw = sqlite3.connect(path)
    assert (
        "AUTOINCREMENT"
        not in raw.execute("select sql from sqlite_master where name='episodes'").fetchone()[0]
    )
    raw.close()

    upgraded = open_store(f"sqlite:///{path}")
    assert store_module.schema_version(upgraded) == store_module.SCHEMA_HEAD
    assert [i for i, _, _ in _episodes(upgraded)] == kept[:2]
    with upgraded.read() as s:
        day = s.scalars(select(Day)).one()
        assert (day.stress, day.tags) == (4, ["cheese"])
    bob = upgraded.person_id("bob")
    with upgraded.write() as s:
        fresh = log_episode(s, bob, EpisodeRecord(started_at=WHEN)).id
    assert fresh > kept[-1]  # the id undo may still restore is never anyone else's
    with upgraded.write() as s:
        assert journal.undo_last(s, alice) is not None  # alice's delete is still undoable
    assert {(i, p) for i, p, _ in _episodes(upgraded)} == {
        (kept[0], alice),
        (kept[1], alice),
        (kept[2], alice),
        (fresh, bob),
    }
    raw = sqlite3.connect(path)
    for table in (
        "episodes",
        "days",
        "changes",
        "medications",
        "notes",
        "experiments",
        "assessments",
        "videos",
    ):
        sql = raw.execute("select sql from sqlite_master where name=?", (table,)).fetchone()[0]
        assert "AUTOINCREMENT" in sql, table
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    raw.close()
    upgraded.close()
