"""Data functions on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from nasalis.diary import entries, episode_writer, journal, local_dates
from nasalis.diary.records import build_day, build_episode
from nasalis.diary.store import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


def ep(when: str, **more: object) -> object:
    return build_episode({"started_at": when, **more}, text=False)


def test_log_edit_delete_and_undo_each(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        first = episode_writer.log_episode(s, me, ep("2026-03-02T08:15:00+01:00", intensity=4))  # type: ignore[arg-type]
    with store.write() as s:
        entries.update_episode(s, me, first.id, ep("2026-03-02T08:15:00+01:00", intensity=9))  # type: ignore[arg-type]
    with store.write() as s:
        entries.delete_episode(s, me, first.id)
    with store.read() as s:
        assert local_dates.episodes_on(s, me) == []
    with store.write() as s:
        assert journal.undo_last(s, me) == "undid: twitch at 2026-03-02 08:15 deleted"  # its own local time
    with store.read() as s:
        assert [e.intensity for e in local_dates.episodes_on(s, me)] == [9]
    with store.write() as s:
        journal.undo_last(s, me)
    with store.read() as s:
        assert [e.intensity for e in local_dates.episodes_on(s, me)] == [4]
    with store.write() as s:
        journal.undo_last(s, me)
        assert journal.undo_last(s, me) is None
    with store.read() as s:
        assert local_dates.episodes_on(s, me) == []


def test_offset_and_instant_survive(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        episode_writer.log_episode(s, me, ep("2026-03-02T23:30:00.250000-05:30"))  # type: ignore[arg-type]
    with store.read() as s:
        (stored,) = local_dates.episodes_on(s, me)
        assert entries.local_instant(stored).isoformat() == "2026-03-02T23:30:00.250000-05:30"
        assert stored.started_at_utc == dt.datetime(2026, 3, 3, 5, 0, 0, 250000)


def test_check_in_merges_and_undo_restores(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        entries.save_day(
            s, me, build_day({"date": "2026-03-02", "sleep_hours": 6.5, "pollen": 2}, text=False)
        )
    with store.write() as s:
        entries.save_day(s, me, build_day({"date": "2026-03-02", "stress": 8, "cheese": 1}, text=False))
    with store.read() as s:
        (day,) = entries.days_between(s, me)
        assert (day.sleep_hours, day.stress, day.factors) == (
            6.5,
            8,
            {"pollen": 2.0, "cheese": 1.0},
        )
    with store.write() as s:
        journal.undo_last(s, me)
    with store.read() as s:
        (day,) = entries.days_between(s, me)
        assert (day.sleep_hours, day.stress, day.factors) == (6.5, None, {"pollen": 2.0})


def test_medicines_are_matched_and_dates_checked(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        med = entries.add_medication(s, me, "Ventolin", "2 puffs", dt.date(2026, 1, 1))
        other = entries.add_medication(s, me, "Grandma's tonic")
    assert (med.matched, med.drug_class) == ("salbutamol", "beta_agonist")
    assert other.matched is None
    with pytest.raises(ValueError, match="before the start"), store.write() as s:
        entries.add_medication(s, me, "x", started_on=dt.date(2026, 2, 1), stopped_on=dt.date(2026, 1, 1))
    with store.read() as s:
        assert [m.name for m in entries.medications_of(s, me)] == ["Grandma's tonic", "Ventolin"]


def test_one_person_cannot_touch_anothers_entries(store: Store) -> None:
    me, them = store.person_id("me"), store.person_id("them")
    with store.write() as s:
        theirs = episode_writer.log_episode(s, them, ep("2026-03-02T08:15:00Z"))  # type: ignore[arg-type]
    with pytest.raises(entries.NotFoundError), store.write() as s:
        entries.delete_episode(s, me, theirs.id)
    with pytest.raises(entries.NotFoundError), store.write() as s:
        entries.update_episode(s, me, theirs.id, ep("2026-03-02T09:00:00Z"))  # type: ignore[arg-type]
    with store.write() as s:
        assert journal.undo_last(s, me) is None
    with store.read() as s:
        assert local_dates.episodes_on(s, me) == []
        assert len(local_dates.episodes_on(s, them)) == 1


def test_a_failed_write_changes_nothing(store: Store) -> None:
    me = store.person_id()

    def crash_midway() -> None:
        with store.write() as s:
            episode_writer.log_episode(s, me, ep("2026-03-02T08:15:00Z"))  # type: ignore[arg-type]
            raise RuntimeError("crash in the middle")

    with pytest.raises(RuntimeError):
        crash_midway()
    with store.read() as s:
        assert local_dates.episodes_on(s, me) == []


def test_lists_filter_and_count_in_each_episodes_own_local_date(store: Store) -> None:
    person = store.person_id()
    with store.write() as session:
        for when, side, areas, strength in [
            ("2026-03-01T23:30:00-02:00", "left", "nose", 3),  # 01:30 UTC on 2 March, local 1 March
            ("2026-03-02T00:30:00+02:00", "right", "nose;cheek", 8),  # 22:30 UTC on 1 March, local 2 March
            ("2026-03-02T09:00:00+00:00", "left", "eyelid", 9),
        ]:
            values = {"started_at": when, "side": side, "areas": areas, "intensity": str(strength)}
            episode_writer.log_episode(session, person, build_episode(values, text=True))
    everything = local_dates.EpisodeFilter()
    with store.read() as session:
        counts = local_dates.counts_by_local_date(session, person, everything)
        assert counts == {dt.date(2026, 3, 1): 1, dt.date(2026, 3, 2): 2}
        newest = local_dates.episode_lines(session, person, everything, limit=2)
        assert [e.started_at.hour for e in newest] == [9, 23]  # newest first, local hours
        strong_left = local_dates.EpisodeFilter(side="left", min_intensity=5)
        assert [e.intensity for e in local_dates.episode_lines(session, person, strong_left)] == [9]
        nose = local_dates.EpisodeFilter(area="nose")
        assert local_dates.count_episodes(session, person, nose) == 2
        assert local_dates.count_episodes(session, person + 1000, everything) == 0  # someone else's: none
