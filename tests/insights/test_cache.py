"""The insights cache over a real diary on both backends: reused until the journal moves."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from functools import partial

import pytest
from bench.support.simulator import Effect, simulate
from sqlalchemy.orm import Session

from nasalis.diary import entries, episode_writer, journal
from nasalis.diary.bundle import Bundle
from nasalis.diary.experiments import save
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store, open_store
from nasalis.insights.analysis import Report, load_report
from nasalis.insights.cache import REPORTS, JournalMark, Key, ReportCache, cached_report, journal_mark

START = dt.date(2026, 1, 1)
TODAY = dt.date(2026, 4, 1)
ZONE = dt.timezone(dt.timedelta(hours=2))
UNWRITTEN = JournalMark(None, None, 0)
"""The journal mark of a diary nobody wrote to."""


def _bundle(n_days: int, seed: int) -> Bundle:
    diary = simulate(n_days, [Effect("caffeine_drinks", 1.3)], seed=seed, start=START)
    episodes = [
        EpisodeRecord(started_at=dt.datetime.combine(d, dt.time(9), ZONE) + dt.timedelta(seconds=i))
        for i, d in enumerate(diary.episode_dates)
    ]
    return Bundle(episodes, diary.days)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A diary of 60 simulated days for the local person, and an empty cache."""
    opened = open_store(db_url)
    import_bundle(opened, opened.person_id(), _bundle(60, seed=3))
    REPORTS.clear()
    yield opened
    opened.close()


def _report(store: Store, person_id: int, since: dt.date | None = None, today: dt.date = TODAY) -> Report:
    with store.read() as session:
        return cached_report(session, person_id, since, today)


def _fits_after(store: Store, person_id: int) -> int:
    """How many fits it took to answer once more."""
    before = REPORTS.fits
    _report(store, person_id)
    return REPORTS.fits - before


def test_a_second_request_reuses_the_analysis_and_it_equals_a_fresh_one(store: Store) -> None:
    me = store.person_id()
    first = _report(store, me)
    assert REPORTS.fits == 1
    again = _report(store, me)
    assert again is first
    assert (REPORTS.fits, REPORTS.hits) == (1, 1)
    with store.read() as session:
        assert again.to_json() == load_report(session, me, today=TODAY).to_json()


def test_every_kind_of_write_and_an_undo_makes_the_next_request_refit(store: Store) -> None:
    me = store.person_id()
    assert _fits_after(store, me) == 1
    day = START + dt.timedelta(days=70)
    writes: dict[str, Callable[[Session], object]] = {
        "log": lambda s: episode_writer.log_episode(
            s, me, EpisodeRecord(started_at=dt.datetime.combine(day, dt.time(8), ZONE))
        ),
        "check-in": lambda s: entries.save_day(s, me, DayRecord(date=day, stress=9)),
        "check-in changed": lambda s: entries.save_day(s, me, DayRecord(date=day, stress=2)),
        "experiment": lambda s: save(s, me, "no coffee", TODAY, 7, 2, ["A", "B"]),
        "undo": lambda s: journal.undo_last(s, me),
    }
    for name, write in writes.items():
        with store.write() as session:
            write(session)
        assert _fits_after(store, me) == 1, name
        assert _fits_after(store, me) == 0, name
    import_bundle(store, me, _bundle(90, seed=4))  # days 60-89, but for day 70 logged above
    assert _fits_after(store, me) == 1
    assert _report(store, me).insights.days_analysed == 90  # the refit read them


def test_an_undo_alone_moves_the_key_though_it_adds_no_journal_entry(store: Store) -> None:
    me = store.person_id()
    with store.write() as session:
        entries.save_day(session, me, DayRecord(date=START + dt.timedelta(days=80), stress=5))
    with store.read() as session:
        before = journal_mark(session, me)
    with store.write() as session:
        assert journal.undo_last(session, me)
    with store.read() as session:
        after = journal_mark(session, me)
    assert after.newest_change == before.newest_change
    assert after.undone == before.undone + 1


def test_since_and_the_local_date_are_part_of_the_key(store: Store) -> None:
    me = store.person_id()
    whole = _report(store, me)
    window = _report(store, me, since=START + dt.timedelta(days=31))
    assert (whole.insights.days_analysed, window.insights.days_analysed) == (60, 29)
    _report(store, me, today=TODAY + dt.timedelta(days=1))
    assert REPORTS.fits == 3


def test_two_people_with_the_same_journal_position_never_share_an_entry(store: Store) -> None:
    me, other = store.person_id(), store.person_id("someone-else")
    mine = _report(store, me)
    theirs = _report(store, other)
    assert REPORTS.fits == 2
    assert (mine.insights.days_analysed, theirs.insights.days_analysed) == (60, 0)
    import_bundle(store, other, _bundle(20, seed=9))
    assert _report(store, other).insights.days_analysed == 20
    assert _report(store, me) is mine  # their write does not touch my entry


def test_people_whose_journals_stand_alike_still_get_entries_of_their_own(store: Store) -> None:
    # Two new people have the same (empty) journal mark: only the person in the key tells them apart.
    first, second = store.person_id("new-1"), store.person_id("new-2")
    assert _report(store, first) is not _report(store, second)
    assert REPORTS.fits == 2


def test_many_requests_at_once_on_one_diary_fit_once(store: Store) -> None:
    me = store.person_id()
    got: list[Report] = []
    threads = [threading.Thread(target=lambda: got.append(_report(store, me))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert REPORTS.fits == 1
    assert len(got) == 8
    assert all(report is got[0] for report in got)


def test_the_cache_keeps_at_most_its_size_dropping_the_least_recently_used() -> None:
    cache = ReportCache(size=2)
    made: list[int] = []

    def make(person_id: int) -> Report:
        made.append(person_id)
        return Report.__new__(Report)  # never read: only its identity matters here

    for person_id in (1, 2, 1, 3, 1, 2):
        cache.get(Key("sqlite://", person_id, UNWRITTEN, None, TODAY), partial(make, person_id))
    assert made == [1, 2, 3, 2]  # 1 stayed (used again), 2 was dropped for 3 and made again
    assert len(cache) == 2


def test_a_failed_fit_is_not_kept_and_the_next_request_tries_again() -> None:
    cache = ReportCache()
    key = Key("sqlite://", 1, UNWRITTEN, None, TODAY)

    def broken() -> Report:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        cache.get(key, broken)
    assert (len(cache), cache.fits) == (0, 0)
    made = Report.__new__(Report)
    assert cache.get(key, lambda: made) is made
