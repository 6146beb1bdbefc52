"""One episode writer, one conflict policy: the same episode logged, imported or attached twice
is one row (a log replaces, an import or a clip keeps what is there), and an import that fails
part-way leaves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from nasalis.diary import journal, local_dates, videos
from nasalis.diary.bundle import Bundle
from nasalis.diary.episode_writer import log_episode
from nasalis.diary.importer import import_bundle
from nasalis.diary.models import Episode, Video
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store, open_store

AT = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)
SAME_INSTANT = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # BST


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def _episodes(store: Store) -> list[tuple[dt.datetime, int, str | None, str]]:
    with store.read() as s:
        return [
            (e.started_at_utc, e.utc_offset_min, e.note, e.source)
            for e in local_dates.episodes_on(s, store.person_id())
        ]


def test_a_log_retried_is_one_row_and_a_new_log_of_the_same_instant_replaces(store: Store) -> None:
    me = store.person_id()
    for _ in range(2):  # a retried request
        with store.write() as s:
            log_episode(s, me, EpisodeRecord(started_at=AT, intensity=4, note="first"))
    assert _episodes(store) == [(AT.replace(tzinfo=None), 0, "first", "manual")]
    with store.write() as s:  # the same instant told in summer time: the same episode
        log_episode(s, me, EpisodeRecord(started_at=SAME_INSTANT, note="corrected"))
    assert _episodes(store) == [(AT.replace(tzinfo=None), 60, "corrected", "manual")]
    with store.write() as s:
        journal.undo_last(s, me)
    assert [note for *_, note, _ in _episodes(store)] == ["first"]


def test_an_import_retried_is_one_row_each_and_keeps_what_the_diary_has(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        log_episode(s, me, EpisodeRecord(started_at=AT, note="mine"))
    offered = [
        EpisodeRecord(started_at=SAME_INSTANT, note="from the file"),
        EpisodeRecord(started_at=AT + dt.timedelta(hours=1), note="new"),
    ]
    first = import_bundle(store, me, Bundle(episodes=offered, episode_lines=["a", "b"]))
    again = import_bundle(store, me, Bundle(episodes=offered, episode_lines=["a", "b"]))
    assert (first.episodes_added, first.episodes_skipped) == (1, 1)
    assert (again.episodes_added, again.episodes_skipped) == (0, 2)
    assert [note for *_, note, _ in _episodes(store)] == ["mine", "new"]


def test_a_clip_attached_twice_adds_its_twitches_once(store: Store) -> None:
    me = store.person_id()
    result = {
        "duration_s": 10.0,
        "events": [
            {"start_s": 1.0, "end_s": 1.4, "side": "left", "region": "nose", "amplitude": 2.0},
            {"start_s": 5.0, "end_s": 5.3, "side": "right", "region": "eyelid", "amplitude": 1.5},
        ],
    }
    with store.write() as s:
        clip = videos.create(s, me, "clip.mp4", b"x", recorded_at=AT)
        first = videos.finish(s, clip.id, result, [])
    with store.write() as s:  # the job run again after a crash
        stored = s.get(Video, clip.id)
        assert stored is not None
        again = videos.attach(s, stored)
    assert len(first) == 2
    assert again == []
    assert [src for *_, src in _episodes(store)] == ["video", "video"]
    with store.write() as s:
        assert journal.undo_last(s, me) is not None
    assert _episodes(store) == []


def _refuse_days(store: Store) -> None:
    """A real database refusal in the middle of an import: days cannot be inserted."""
    with store.write() as s:
        if s.get_bind().dialect.name == "sqlite":
            s.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON days BEGIN SELECT RAISE(ABORT, 'no'); END")
            )
        else:
            s.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'no'; END $$"
                )
            )
            s.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON days FOR EACH ROW EXECUTE FUNCTION refuse()")
            )


def test_an_import_that_fails_after_its_episodes_leaves_nothing(store: Store) -> None:
    me = store.person_id()
    _refuse_days(store)
    bundle = Bundle(
        episodes=[EpisodeRecord(started_at=AT, note="a")],
        episode_lines=["a"],
        days=[DayRecord(date=dt.date(2026, 3, 29), stress=3)],
        day_lines=["b"],
    )
    with pytest.raises(Exception, match="no"):
        import_bundle(store, me, bundle)
    with store.read() as s:
        assert s.scalar(select(func.count(Episode.id))) == 0


def test_an_imported_episode_logged_again_is_still_one_row(store: Store) -> None:
    # The import's fast insert once wrote SQLite times as "00:30:00" where every query compares
    # "00:30:00.000000": the same instant then looked new, and a log doubled it.
    me = store.person_id()
    import_bundle(
        store, me, Bundle(episodes=[EpisodeRecord(started_at=AT, note="file")], episode_lines=["a"])
    )
    with store.write() as s:
        log_episode(s, me, EpisodeRecord(started_at=AT, note="typed"))
    assert [note for *_, note, _ in _episodes(store)] == ["typed"]
    with store.read() as s:
        assert [e.note for e in local_dates.episodes_on(s, me, AT.date(), AT.date())] == ["typed"]
