"""Treatments in the diary: validation, add, list, delete, undo, isolation, the schema upgrade."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from nasalis.diary import journal
from nasalis.diary import store as store_module
from nasalis.diary.entries import NotFoundError
from nasalis.diary.records import FieldError
from nasalis.diary.store import open_store
from nasalis.diary.treatments import (
    DuplicateTreatmentError,
    TreatmentRecord,
    add_treatment,
    build_treatment,
    delete_treatment,
    list_treatments,
)

NOW = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)


def test_build_reads_every_field_and_names_the_bad_one() -> None:
    rec = build_treatment(
        {
            "date": "2026-01-10",
            "kind": "botulinum_toxin",
            "product": " Botox ",
            "units": "25",
            "sites": "Eyelid; orbicularis oculi",
            "side": "left",
            "note": "",
        },
        text=True,
        now=NOW,
    )
    assert rec == TreatmentRecord(
        dt.date(2026, 1, 10), "botulinum_toxin", "Botox", 25.0, ("eyelid", "orbicularis oculi"), "left"
    )
    for values, field in (
        ({"date": "2026-01-10", "kind": "pill"}, "kind"),
        ({"date": "10/01/2026", "kind": "other"}, "date"),
        ({"date": "2026-01-10", "kind": "other", "units": "-3"}, "units"),
        ({"date": "2026-01-10", "kind": "other", "side": "top"}, "side"),
        ({"date": "2026-05-10", "kind": "other"}, "date"),  # after NOW: the future
        ({"date": "2026-01-10", "kind": "other", "colour": "red"}, "colour"),
    ):
        with pytest.raises(FieldError) as caught:
            build_treatment(values, text=True, now=NOW)
        assert caught.value.field == field


def test_add_list_delete_undo_and_isolation(db_url: str) -> None:
    store = open_store(db_url)
    me, other = store.person_id(), store.person_id("other")
    first = TreatmentRecord(dt.date(2026, 1, 10), "botulinum_toxin", "Botox", 20.0, ("eyelid",), "both")
    second = TreatmentRecord(dt.date(2026, 4, 2), "botulinum_toxin", "Botox", 25.0)
    with store.write() as s:
        added = add_treatment(s, me, second)
        add_treatment(s, me, first)
        add_treatment(s, other, TreatmentRecord(dt.date(2026, 2, 1), "procedure"))
    with store.read() as s:
        mine = list_treatments(s, me)
        assert [t.record for t in mine] == [first, second]  # oldest first
        assert [t.date for t in list_treatments(s, me, since=dt.date(2026, 2, 1))] == [second.date]
        assert [t.kind for t in list_treatments(s, other)] == ["procedure"]
    with store.write() as s, pytest.raises(DuplicateTreatmentError):
        add_treatment(s, me, TreatmentRecord(first.date, first.kind, "botox"))
    with store.write() as s:
        with pytest.raises(NotFoundError):
            delete_treatment(s, other, added.id)  # not theirs
        delete_treatment(s, me, added.id)
    with store.read() as s:
        assert [t.record for t in list_treatments(s, me)] == [first]
    with store.write() as s:
        assert (
            journal.undo_last(s, me) == f"undid: treatment botulinum toxin (Botox) on {second.date} deleted"
        )
    with store.read() as s:
        assert [t.record for t in list_treatments(s, me)] == [first, second]
    with store.write() as s:
        assert journal.undo_last(s, me) == f"undid: treatment botulinum toxin (Botox) on {first.date}"
    with store.read() as s:
        assert [t.record for t in list_treatments(s, me)] == [second]
        assert len(list_treatments(s, other)) == 1
    store.close()


def test_upgrade_from_0010_adds_the_table(db_url: str) -> None:
    store = open_store(db_url, upgrade=False)
    config = Config()
    config.set_main_option("script_location", str(Path(store_module.__file__).parent / "migrations"))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
    assert "treatments" not in inspect(store.engine).get_table_names()
    store.close()
    upgraded = open_store(db_url)
    assert "treatments" in inspect(upgraded.engine).get_table_names()
    assert store_module.schema_version(upgraded) == store_module.SCHEMA_HEAD
    with upgraded.write() as s:
        add_treatment(s, upgraded.person_id(), TreatmentRecord(dt.date(2026, 1, 1), "other"))
    upgraded.close()
