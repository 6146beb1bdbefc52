"""Experiments in the store, and the schema upgrade that added them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, inspect

from nasalis.diary import experiments, journal
from nasalis.diary import store as store_module
from nasalis.diary.entries import episode_row
from nasalis.diary.models import Episode, utcnow
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import open_store


def test_upgrade_from_the_first_schema_keeps_the_data(db_url: str) -> None:
    store = open_store(db_url, upgrade=False)
    config = Config()
    config.set_main_option("script_location", str(Path(store_module.__file__).parent / "migrations"))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    assert "experiments" not in inspect(store.engine).get_table_names()
    me = store.person_id()
    with store.write() as s:  # today's writer also reads days' columns the 0001 schema lacks
        row = episode_row(me, EpisodeRecord(started_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)))
        s.execute(insert(Episode), [{**row, "created_at": utcnow()}])
    store.close()
    upgraded = open_store(db_url)
    assert "experiments" in inspect(upgraded.engine).get_table_names()
    assert store_module.schema_version(upgraded) == store_module.SCHEMA_HEAD
    with upgraded.read() as s:
        from nasalis.diary.local_dates import episodes_on

        assert len(episodes_on(s, me)) == 1
    upgraded.close()


def test_save_find_stop_and_undo(db_url: str) -> None:
    store = open_store(db_url)
    me, other = store.person_id(), store.person_id("other")
    start = dt.date(2026, 3, 2)
    with store.write() as s:
        e = experiments.save(s, me, "no coffee", start, 7, 2, ["A", "B", "B", "A"])
    assert experiments.end_of(e) == dt.date(2026, 3, 29)
    with store.read() as s:
        assert experiments.current(s, me, dt.date(2026, 3, 10)) is not None
        assert experiments.current(s, me, dt.date(2026, 3, 30)) is None
        assert experiments.current(s, other, dt.date(2026, 3, 10)) is None
    with store.write() as s:
        experiments.stop(s, me, experiments.all_of(s, me)[0], dt.date(2026, 3, 10))
    with store.read() as s:
        assert experiments.current(s, me, dt.date(2026, 3, 11)) is None
    with store.write() as s:
        assert journal.undo_last(s, me) == "undid: stopped: no coffee"
    with store.read() as s:
        assert experiments.current(s, me, dt.date(2026, 3, 11)) is not None
    store.close()
