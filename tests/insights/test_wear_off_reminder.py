"""The calendar feed's heads-up a week before the usual wear-off: from the person's complete cycles only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store, open_store
from nasalis.diary.treatments import TreatmentRecord, add_treatment, list_treatments
from nasalis.insights.calendar_feed import build
from nasalis.insights.cycles_report import CycleOut, load_cycles
from nasalis.insights.wear_off_reminder import HEADS_UP_DAYS, SUMMARY, usual_wear_off_day

FIRST = dt.date(2026, 1, 5)
TODAY = FIRST + dt.timedelta(days=230)
NOW = dt.datetime.combine(TODAY, dt.time(12))


def _cycle(date: str, status: str, wear_off: int | None) -> CycleOut:
    return CycleOut(
        date=dt.date.fromisoformat(date), kind="botulinum_toxin", product=None, days_followed=100,
        baseline_per_day=None, best_per_day=None, relative_change=None, onset_day=None, onset_day_ci=None,
        wear_off_day=wear_off, wear_off_day_ci=None, status=status,
    )  # fmt: skip


def test_the_usual_day_is_the_median_of_complete_cycles_only() -> None:
    cycles = [
        _cycle("2026-01-01", "complete", 70),
        _cycle("2026-04-01", "complete", 84),
        _cycle("2026-07-01", "complete", 77),
        _cycle("2026-10-01", "ongoing", 20),
        _cycle("2026-12-01", "no_clear_effect", None),
    ]
    assert usual_wear_off_day(cycles) == 77
    assert usual_wear_off_day(cycles[3:]) is None


def _three_cycles(store: Store) -> None:
    """10 twitches a day, 2 from about day 10 to 70 after each injection, back to 10 by day 80."""
    me = store.person_id()
    days, episodes = [], []
    for offset in range(-35, (TODAY - FIRST).days + 1):
        day = FIRST + dt.timedelta(days=offset)
        since = offset % 100 if offset >= 0 else 200
        level = 10 if since < 5 or since > 80 else 2 if 10 <= since <= 70 else 6
        days.append(DayRecord(date=day))
        episodes += [
            EpisodeRecord(dt.datetime.combine(day, dt.time(7 + k), tzinfo=dt.UTC)) for k in range(level)
        ]
    import_bundle(store, me, Bundle(episodes=episodes, days=days))
    with store.write() as s:
        for cycle in range(3):
            add_treatment(s, me, TreatmentRecord(FIRST + dt.timedelta(days=100 * cycle), "botulinum_toxin"))


def _events(feed: bytes) -> list[icalendar.cal.Component]:
    return list(icalendar.Calendar.from_ical(feed).walk("VEVENT"))


def test_the_feed_has_the_heads_up_after_the_last_treatment(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    me = store.person_id()
    with store.read() as s:
        assert all(str(e["summary"]) != SUMMARY for e in _events(build(s, me, NOW, "https://x/")))
    _three_cycles(store)
    with store.read() as s:
        usual = usual_wear_off_day(load_cycles(s, me, today=TODAY).cycles)
        last = list_treatments(s, me)[-1]
        feed = build(s, me, NOW, "https://x/")
    store.close()
    assert usual is not None, "two cycles that plainly wore off must give a usual wear-off day"
    (heads_up,) = [e for e in _events(feed) if str(e["summary"]) == SUMMARY]
    assert heads_up.decoded("dtstart") == last.date + dt.timedelta(days=usual - HEADS_UP_DAYS)
    assert f"about day {usual}" in str(heads_up["description"])
    assert last.date.isoformat() not in feed.decode()  # no treatment date leaves for a calendar provider
