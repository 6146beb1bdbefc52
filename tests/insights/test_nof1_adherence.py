"""Adherence: one yes/no on each change day, stored on both backends, with undo."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from nasalis.diary import experiments as stored
from nasalis.diary import journal
from nasalis.diary.store import open_store
from nasalis.insights import running


def test_kept_answers_round_trip_replace_and_undo_on_both_backends(db_url: str) -> None:
    store = open_store(db_url)
    today = dt.date.today()
    first = today - dt.timedelta(days=4)  # block 0 (B) covers today-4 .. today-2; block 1 (A) from today-1
    try:
        with store.write() as session:
            person = store.person_id()
            stored.save(session, person, "no coffee", first, 3, 1, ["B", "A", "A", "B"], 0.3)
        with store.write() as session:
            running.record_kept(session, person, first, True, today)
            running.record_kept(session, person, first + dt.timedelta(days=1), False, today)
        with store.write() as session:
            running.record_kept(session, person, first, False, today)  # answering again replaces
        with store.read() as session:
            (e,) = stored.all_of(session, person)
            assert e.adherence == {
                first.isoformat(): False,
                (first + dt.timedelta(days=1)).isoformat(): False,
            }
            assert e.planned_change == 0.3
            (result,) = running.load_results(session, person, today)
        assert result["adherence"] == {"answered": 2, "kept": 0}
        assert result["planned_change"] == 0.3
        with store.write() as session:
            assert journal.undo_last(session, person) is not None
        with store.read() as session:
            (e,) = stored.all_of(session, person)
            assert e.adherence == {first.isoformat(): True, (first + dt.timedelta(days=1)).isoformat(): False}
        for day, said in (
            (today - dt.timedelta(days=1), "is a usual day (A)"),
            (today + dt.timedelta(days=1), "has not come yet"),
            (first - dt.timedelta(days=1), "is not a day of any experiment"),
        ):
            with (
                pytest.raises(running.ExperimentError, match=re.escape(said)) as refused,
                store.write() as session,
            ):
                running.record_kept(session, person, day, True, today)
            assert refused.value.field == "date"
        with store.read() as session:  # nothing changed by the refusals
            assert len(stored.all_of(session, person)[0].adherence or {}) == 2
    finally:
        store.close()
