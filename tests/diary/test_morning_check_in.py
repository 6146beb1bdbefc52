"""The morning check-in and "no twitches today": records, undo, import and export, FHIR, insights."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from nasalis.diary import entries, journal, local_dates
from nasalis.diary.bundle import InterchangeError
from nasalis.diary.csv_files import write_folder
from nasalis.diary.episode_writer import log_episode
from nasalis.diary.factors import BY_NAME, EVENING_CHECK_IN, MORNING_CHECK_IN
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import read_any
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord, FieldError, build_day
from nasalis.diary.store import Store, open_store
from nasalis.insights.analysis import load_report
from nasalis.insights.frames import AFTER_MORNING, BEFORE_MORNING
from nasalis.report.fhir import _Builder

DAY = dt.date(2026, 3, 2)
PLUS1 = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


def _day(store: Store, person: int, date: dt.date = DAY) -> DayRecord | None:
    with store.read() as s:
        found = entries.day_on(s, person, date)
        return entries.day_record(found) if found else None


def test_the_morning_asks_the_night_and_the_morning_and_the_evening_the_rest() -> None:
    assert [f.name for f in MORNING_CHECK_IN] == ["sleep_hours", "morning_stress", "morning_caffeine"]
    assert "stress" in [f.name for f in EVENING_CHECK_IN]
    assert not set(MORNING_CHECK_IN) & set(EVENING_CHECK_IN)
    assert BY_NAME["morning_stress"].recorded == BY_NAME["morning_caffeine"].recorded == "morning"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("7", "HH:MM"), ("25:00", "HH:MM"), ("07:30+01:00", "HH:MM"), ("0730", "HH:MM"), ("soon", "HH:MM")],
)
def test_a_bad_morning_time_names_the_field(raw: str, problem: str) -> None:
    with pytest.raises(FieldError) as caught:
        build_day({"date": "2026-03-02", "morning_at": raw}, text=True)
    assert caught.value.field == "morning_at"
    assert problem in caught.value.message


def test_a_morning_time_later_than_the_persons_clock_today_is_refused() -> None:
    now = dt.datetime(2026, 3, 2, 7, 0, tzinfo=PLUS1)
    with pytest.raises(FieldError) as caught:
        build_day({"date": "2026-03-02", "morning_at": "09:00"}, text=True, local_now=now, now=now)
    assert caught.value.field == "morning_at"
    assert "future" in caught.value.message
    ok = build_day({"date": "2026-03-02", "morning_at": "6:55"}, text=True, local_now=now, now=now)
    assert ok.morning_at == dt.time(6, 55)
    yesterday = build_day({"date": "2026-03-01", "morning_at": "09:00"}, text=True, local_now=now, now=now)
    assert yesterday.morning_at == dt.time(9, 0)


def test_the_marks_are_not_custom_factors() -> None:
    rec = build_day({"date": "2026-03-02", "morning_at": "07:30", "no_twitches": "1"}, text=True)
    assert (rec.morning_at, rec.no_twitches, rec.factors) == (dt.time(7, 30), True, {})
    with pytest.raises(FieldError) as caught:
        build_day({"date": "2026-03-02"}, text=False, factors={"morning_at": 3})
    assert caught.value.field == "morning_at"


def test_a_morning_check_in_then_the_evening_keeps_both_and_undo_restores_the_time(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        entries.save_day(
            s, me, DayRecord(date=DAY, sleep_hours=6.5, morning_stress=3, morning_at=dt.time(7, 20))
        )
    with store.write() as s:
        entries.save_day(s, me, DayRecord(date=DAY, stress=7, caffeine_drinks=4, morning_at=dt.time(6, 50)))
    day = _day(store, me)
    assert day is not None
    assert (day.sleep_hours, day.morning_stress, day.stress, day.morning_at) == (6.5, 3, 7, dt.time(6, 50))
    with store.write() as s:
        assert journal.undo_last(s, me) == f"undid: check-in for {DAY} changed"
    day = _day(store, me)
    assert day is not None
    assert (day.morning_at, day.stress, day.morning_stress) == (dt.time(7, 20), None, 3)


def test_no_twitches_creates_the_day_keeps_its_values_and_undoes(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        entries.confirm_no_twitches(s, me, DAY)
    day = _day(store, me)
    assert day is not None
    assert day.no_twitches is True
    with store.write() as s:
        assert journal.undo_last(s, me) == f"undid: 'no twitches' on {DAY}"
    assert _day(store, me) is None  # the day is unknown again, as before the tap

    with store.write() as s:
        entries.save_day(s, me, DayRecord(date=DAY, stress=2, morning_at=dt.time(7, 0)))
        entries.confirm_no_twitches(s, me, DAY)
    day = _day(store, me)
    assert day is not None
    assert (day.no_twitches, day.stress, day.morning_at) == (True, 2, dt.time(7, 0))
    with store.write() as s:
        journal.undo_last(s, me)
    day = _day(store, me)
    assert day is not None
    assert (day.no_twitches, day.stress) == (None, 2)


def test_no_twitches_is_refused_on_a_day_with_twitches_and_nothing_changes(store: Store) -> None:
    me = store.person_id()
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # 3 March in UTC
    with store.write() as s:
        log_episode(s, me, EpisodeRecord(started_at=late))

    def tap(s: Session) -> object:
        return entries.confirm_no_twitches(s, me, DAY)

    def check_in(s: Session) -> object:
        return entries.save_day(s, me, DayRecord(date=DAY, stress=4, no_twitches=True))

    for attempt in (tap, check_in):
        with pytest.raises(entries.TwitchesLoggedError, match="1 twitch is logged"), store.write() as s:
            attempt(s)
        assert _day(store, me) is None
    with store.write() as s:  # 3 March is the twitch's UTC date, not its own local one
        entries.confirm_no_twitches(s, me, dt.date(2026, 3, 3))


def test_a_twitch_logged_later_clears_no_twitches_and_two_undos_put_it_back(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        entries.confirm_no_twitches(s, me, DAY)
    with store.write() as s:
        log_episode(s, me, EpisodeRecord(started_at=dt.datetime(2026, 3, 2, 18, 0, tzinfo=PLUS1)))
    day = _day(store, me)
    assert day is not None
    assert day.no_twitches is None  # cleared in the twitch's own transaction
    with store.write() as s:
        assert journal.undo_last(s, me) == "undid: twitch at 2026-03-02 18:00"
        assert "taken off by a twitch" in (journal.undo_last(s, me) or "")
    day = _day(store, me)
    assert day is not None
    assert day.no_twitches is True


def _marked_diary(store: Store, me: int) -> None:
    with store.write() as s:
        entries.save_day(
            s,
            me,
            DayRecord(
                date=DAY,
                sleep_hours=7.0,
                morning_stress=2,
                morning_caffeine=1.0,
                stress=5,
                morning_at=dt.time(7, 45),
            ),
        )
        entries.confirm_no_twitches(s, me, DAY)
        entries.save_day(s, me, DayRecord(date=DAY + dt.timedelta(days=1), stress=3))
        log_episode(s, me, EpisodeRecord(started_at=dt.datetime(2026, 3, 3, 9, 0, tzinfo=PLUS1)))


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_then_import_keeps_the_morning_and_no_twitches(
    store: Store, tmp_path: Path, kind: str
) -> None:
    me, other = store.person_id(), store.person_id("other")
    _marked_diary(store, me)
    with store.read() as s:
        days = [entries.day_record(d) for d in entries.days_between(s, me)]
        episodes = [entries.episode_record(e) for e in local_dates.episodes_on(s, me)]
    target = tmp_path / ("out" if kind == "csv" else "diary.json")
    if kind == "csv":
        write_folder(target, episodes, days)
        header = (target / "days.csv").read_text("utf-8").splitlines()[0]
        assert "morning_stress,morning_caffeine,tags,morning_at,no_twitches" in header
    else:
        write_bundle(target, episodes, days)
        first = json.loads(target.read_text("utf-8"))["days"][0]
        assert (first["morning_at"], first["no_twitches"], first["morning_stress"]) == ("07:45", True, 2)
    import_bundle(store, other, read_any(target))
    with store.read() as s:
        again = [entries.day_record(d) for d in entries.days_between(s, other)]
    assert again == days


def test_an_old_days_csv_without_the_new_columns_imports_unchanged(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "days.csv").write_text(
        "date,sleep_hours,stress,tags,pollen\n2026-03-02,6.5,7,cheese,3\n", "utf-8"
    )
    me = store.person_id()
    import_bundle(store, me, read_any(folder))
    assert _day(store, me) == DayRecord(
        date=DAY, sleep_hours=6.5, stress=7, tags=("cheese",), factors={"pollen": 3.0}
    )
    written = tmp_path / "again"
    write_folder(written, [], [DayRecord(date=DAY, stress=7)])
    assert "morning_at" not in (written / "days.csv").read_text("utf-8")  # an older reader stays happy


def test_an_import_drops_no_twitches_from_a_day_with_twitches(store: Store, tmp_path: Path) -> None:
    me = store.person_id()
    bundle = tmp_path / "b.json"
    bundle.write_text(
        json.dumps(
            {
                "schema": "nasalis.diary/1",
                "days": [
                    {"date": "2026-03-02", "no_twitches": True, "stress": 1},
                    {"date": "2026-03-04", "no_twitches": 1},
                ],
                "episodes": [{"started_at": "2026-03-02T10:00:00+01:00"}],
            }
        ),
        "utf-8",
    )
    import_bundle(store, me, read_any(bundle))
    first, second = _day(store, me), _day(store, me, dt.date(2026, 3, 4))
    assert first is not None
    assert (first.no_twitches, first.stress) == (None, 1)
    assert second is not None
    assert second.no_twitches is True


def test_a_bad_morning_time_in_a_file_rejects_it_naming_line_and_column(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "days.csv").write_text("date,morning_at\n2026-03-01,07:30\n2026-03-02,7h30\n", "utf-8")
    with pytest.raises(InterchangeError, match=r"days.csv, line 3, column 2 \(morning_at\)"):
        read_any(folder)


def test_fhir_sends_the_morning_factors_with_the_check_in_time(store: Store) -> None:
    me = store.person_id()
    _marked_diary(store, me)
    with store.read() as s:
        day = entries.day_on(s, me, DAY)
        assert day is not None
        sent = list(_Builder(me).day(day, twitches=0))
    by_text = {o["code"]["text"]: o for o in sent}
    morning = by_text[BY_NAME["morning_stress"].fhir_text]
    assert morning["valueQuantity"]["value"] == 2
    assert "07:45" in morning["note"][0]["text"]
    assert "note" not in by_text[BY_NAME["stress"].fhir_text]
    assert "confirmed" in by_text["Twitches recorded that day"]["note"][0]["text"]


def test_the_insights_frame_counts_twitches_after_the_morning_check_in(store: Store) -> None:
    me = store.person_id()
    with store.write() as s:
        entries.save_day(s, me, DayRecord(date=DAY, morning_stress=4, morning_at=dt.time(8, 0)))
        for hour in (7, 9, 13):  # one before the check-in, two after, in its own offset
            log_episode(s, me, EpisodeRecord(started_at=dt.datetime(2026, 3, 2, hour, 0, tzinfo=PLUS1)))
    with store.read() as s:
        frame = load_report(s, me, today=DAY).frame
    row = frame.iloc[0]
    assert len(frame) == 1
    assert (row["episodes"], row[AFTER_MORNING], row[BEFORE_MORNING]) == (3.0, 2.0, 1.0)
    assert row["morning_stress"] == 4.0
