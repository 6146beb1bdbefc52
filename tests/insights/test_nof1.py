"""N-of-1 experiments: randomised balanced schedules, washout, and honest verdicts."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import numpy as np
import pytest
from bench.support.simulator import simulate

from nasalis.insights.frames import daily_frame
from nasalis.insights.nof1 import TOO_FEW, Plan, analyse, plan, where

START = dt.date(2026, 3, 2)


def test_schedule_is_balanced_pairs_in_random_order() -> None:
    orders = Counter(plan("x", START, pairs=3, rng=random.Random(seed)).schedule for seed in range(200))
    for schedule in orders:
        assert len(schedule) == 6
        for i in range(0, 6, 2):
            assert sorted(schedule[i : i + 2]) == ["A", "B"]
    assert len(orders) == 8  # every one of the 2^3 pair orders occurs


def test_where_places_each_day_with_its_washout() -> None:
    p = Plan("no coffee", START, 7, 2, ("B", "A", "A", "B"))
    assert p.end == START + dt.timedelta(days=27)
    first = where(p, START)
    assert first is not None
    assert (first.condition, first.block, first.washout) == ("B", 0, True)
    assert "Do the change: no coffee" in first.instruction
    day10 = where(p, START + dt.timedelta(days=10))
    assert day10 is not None
    assert (day10.condition, day10.block, day10.washout) == ("A", 1, False)
    assert where(p, START - dt.timedelta(days=1)) is None
    assert where(p, p.end + dt.timedelta(days=1)) is None


@pytest.mark.parametrize(("pairs", "block", "washout"), [(0, 7, 2), (2, 2, 0), (2, 7, 6)])
def test_bad_plans_are_refused(pairs: int, block: int, washout: int) -> None:
    with pytest.raises(ValueError, match="pairs"):
        plan("x", START, pairs, block, washout)


def _diary_following(p: Plan, rate_ratio: float, seed: int) -> object:
    diary = simulate((p.end - p.start).days + 1, [], seed=seed, start=p.start)
    rng = np.random.default_rng(seed)
    dates = []
    for d in diary.days:
        place = where(p, d.date)
        effective = place is not None and place.condition == "B" and not place.washout
        mean = 3.0 * (rate_ratio if effective else 1.0)
        dates += [d.date] * int(rng.poisson(rng.gamma(4, mean / 4)))
    return daily_frame(diary.days, dates)


def test_a_change_that_halves_twitches_helps_and_a_null_change_does_not() -> None:
    p = plan("no coffee", START, pairs=3, rng=random.Random(1))
    helps = analyse(p, _diary_following(p, 0.4, seed=2), p.end)  # type: ignore[arg-type]
    assert helps.verdict == "helps"
    assert helps.rate_ratio is not None
    assert helps.ci_high is not None
    assert helps.ci_high < 1
    assert p.schedule == ("A", "B", "A", "B", "B", "A")
    # Settling-in days only after a switch: the first A (usual life goes on) and B after B keep all 7.
    assert helps.days_a == helps.days_b == 7 + 5 + 5
    nulls = Counter(analyse(p, _diary_following(p, 1.0, seed=s), p.end).verdict for s in range(40))  # type: ignore[arg-type]
    assert nulls["no clear effect"] >= 35
    # Six blocks leave 4 degrees of freedom: the block test needs a clear change to be sure.
    worse = analyse(p, _diary_following(p, 4.0, seed=3), p.end)  # type: ignore[arg-type]
    assert worse.verdict == "makes it worse"


def test_before_the_end_it_is_not_finished() -> None:
    p = plan("no coffee", START, pairs=2, rng=random.Random(4))
    midway = analyse(p, _diary_following(p, 0.4, seed=5), START + dt.timedelta(days=16))  # type: ignore[arg-type]
    assert midway.verdict == "not finished"
    assert midway.finished is False


def test_a_stopped_experiment_is_judged_on_the_days_it_ran() -> None:
    p = plan("no coffee", START, pairs=3, rng=random.Random(1))
    frame = _diary_following(p, 0.4, seed=2)
    stop = START + dt.timedelta(days=27)  # two of three pairs lived
    after = p.end + dt.timedelta(days=30)
    stopped = analyse(p, frame, after, stopped_on=stop)  # type: ignore[arg-type]
    assert stopped.verdict == "helps"  # once "not finished" for ever
    assert (stopped.days_a, stopped.days_b) == (7 + 5, 5 + 5)  # the first A block continues usual life
    assert stopped.finished is False
    early = analyse(p, frame, after, stopped_on=START + dt.timedelta(days=3))  # type: ignore[arg-type]
    assert (early.verdict, early.rate_ratio) == (TOO_FEW, None)


def test_an_experiment_that_ended_with_too_few_days_says_so_not_no_effect() -> None:
    p = plan("no coffee", START, pairs=2, rng=random.Random(4))
    empty = daily_frame([], [])
    ended = analyse(p, empty, p.end + dt.timedelta(days=1))
    assert (ended.verdict, ended.days_a, ended.days_b) == (TOO_FEW, 0, 0)  # was "no clear effect"
    assert analyse(p, empty, START - dt.timedelta(days=1)).verdict == "not started"
