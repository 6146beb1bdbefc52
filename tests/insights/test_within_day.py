"""A value recorded in the morning check-in is tested against the twitches after it."""

from __future__ import annotations

import datetime as dt

import numpy as np

from nasalis.diary.records import DayRecord
from nasalis.insights.frames import AFTER_MORNING, MORNING_SHARE, daily_frame
from nasalis.insights.triggers import analyse

START = dt.date(2026, 1, 5)


def _diary(morning: bool, seed: int = 4) -> tuple[list[DayRecord], list[dt.datetime]]:
    """120 days where each hour less sleep means 1.5x the twitches later that day."""
    rng = np.random.default_rng(seed)
    days: list[DayRecord] = []
    starts: list[dt.datetime] = []
    for i in range(120):
        date = START + dt.timedelta(days=i)
        sleep = float(np.clip(np.round(rng.normal(7, 1) * 2) / 2, 3, 10))
        at = dt.time(7 + int(rng.integers(0, 3)), int(rng.integers(0, 60)))
        days.append(
            DayRecord(
                date=date,
                sleep_hours=sleep,
                stress=int(rng.integers(0, 10)),
                morning_at=at if morning else None,
            )
        )
        for _ in range(int(rng.negative_binomial(4, 4 / (4 + 6 * 1.5 ** (7 - sleep))))):
            minute = int(rng.integers(at.hour * 60 + at.minute + 1, 23 * 60))
            starts.append(dt.datetime.combine(date, dt.time(minute // 60, minute % 60)))
    return days, starts


def test_the_frame_counts_the_twitches_after_the_morning_check_in() -> None:
    days, starts = _diary(morning=True)
    frame = daily_frame(days, starts)
    assert (frame[AFTER_MORNING] == frame["episodes"]).all()  # all of them came after it here
    assert frame[MORNING_SHARE].between(0.1, 1).all()
    assert AFTER_MORNING not in daily_frame(days, [s.date() for s in starts])  # dates alone: no times


def test_sleep_from_the_morning_check_in_can_be_a_finding_and_from_the_evening_cannot() -> None:
    days, starts = _diary(morning=True)
    morning = {(f.factor, f.lag_days): f for f in analyse(daily_frame(days, starts)).factors}
    assert morning[("sleep_hours", 0)].within_day
    assert morning[("sleep_hours", 0)].verdict == "likely_protective"
    assert morning[("sleep_hours", 0)].to_json()["within_day"] is True

    evening_days, _ = _diary(morning=False)
    evening = {(f.factor, f.lag_days): f for f in analyse(daily_frame(evening_days, starts)).factors}
    assert not evening[("sleep_hours", 0)].within_day
    assert evening[("sleep_hours", 0)].verdict == "same_day_either_way"
    assert morning[("stress", 0)].verdict in ("no_evidence", "possible")


def _yesterdays_coffee_diary(seed: int) -> tuple[list[DayRecord], list[dt.datetime]]:
    """150 days where yesterday's coffee raises today's twitches (1.6x a drink) and the morning's
    coffee, which causes nothing, is drunk mostly after days of little coffee."""
    rng = np.random.default_rng(seed)
    days: list[DayRecord] = []
    starts: list[dt.datetime] = []
    yesterday = 2.0
    for i in range(150):
        date = START + dt.timedelta(days=i)
        coffee = float(rng.integers(0, 5))
        morning = float(max(0, round(4 - yesterday + rng.normal(0, 0.5))))
        at = dt.time(8, int(rng.integers(0, 60)))
        days.append(DayRecord(date=date, caffeine_drinks=coffee, morning_caffeine=morning, morning_at=at))
        mean = 2.0 * 1.6 ** (yesterday - 2)
        for _ in range(int(rng.negative_binomial(5, 5 / (5 + mean)))):
            minute = int(rng.integers(9 * 60, 23 * 60))
            starts.append(dt.datetime.combine(date, dt.time(minute // 60, minute % 60)))
        yesterday = coffee
    return days, starts


def test_a_cause_the_day_before_does_not_speak_through_the_morning_check_in() -> None:
    # The morning's test holds yesterday's factors: they too were known by the morning. Without
    # them, yesterday's coffee made the morning's (its mirror here) look protective.
    wrong = 0
    for seed in range(6):
        days, starts = _yesterdays_coffee_diary(seed)
        found = {(f.factor, f.lag_days): f for f in analyse(daily_frame(days, starts)).factors}
        assert found[("caffeine_drinks", 1)].verdict == "likely_trigger"
        morning = found[("morning_caffeine", 0)]
        assert morning.within_day
        wrong += morning.verdict.startswith("likely_") or morning.verdict == "possible"
    assert wrong <= 1
