"""The simulated morning check-in and the day's clock do what bench/support/real_diaries.py says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from bench.support.real_diaries import Departures, Effect, RealDiary, simulate_diary

from nasalis.insights.frames import daily_frame

REVERSE_MORNING = Departures().only("reverse").only("morning")


def _frame(diary: RealDiary) -> pd.DataFrame:
    frame: pd.DataFrame = daily_frame(diary.days, diary.episode_times)
    return frame


def _corr(a: pd.Series, b: pd.Series) -> float:
    both = pd.concat([a, b], axis=1).dropna()
    return float(np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1])


def test_a_morning_check_in_on_about_70_percent_of_days_between_0630_and_1000() -> None:
    diaries = [simulate_diary(365, (), Departures().only("morning"), s) for s in range(3)]
    shares = [np.mean([d.morning_at is not None for d in diary.days]) for diary in diaries]
    assert np.mean(shares) == pytest.approx(0.70, abs=0.03)
    times = [d.morning_at for diary in diaries for d in diary.days if d.morning_at is not None]
    assert min(t.hour * 60 + t.minute for t in times) >= 6 * 60 + 30
    assert max(t.hour * 60 + t.minute for t in times) <= 10 * 60
    frame = _frame(diaries[0])
    morning = frame["morning_caffeine"].notna()
    assert morning.mean() == pytest.approx(shares[0])
    # Coffees before the check-in are some of the day's coffees, and usually the first one.
    assert (frame["morning_caffeine"][morning] <= frame["caffeine_drinks"][morning]).all()
    assert frame["morning_caffeine"][morning & (frame["caffeine_drinks"] > 0)].mean() > 0.5
    assert _frame(simulate_diary(60, seed=1))["morning_stress"].isna().all()  # no check-in, no value


def test_without_reverse_morning_stress_is_the_days_stress_and_ignores_the_twitching() -> None:
    frame = _frame(simulate_diary(2000, (), Departures().only("morning"), 2))
    assert _corr(frame["morning_stress"], frame["stress"]) > 0.8
    assert abs(_corr(frame["morning_stress"], np.log1p(frame["episodes"].shift(1)))) < 0.06


def test_reverse_raises_evening_stress_with_the_day_but_morning_stress_only_with_what_came_before() -> None:
    frame = _frame(simulate_diary(3000, (), REVERSE_MORNING, 3))
    log_day = np.log1p(frame["episodes"])
    assert _corr(frame["stress"], log_day) > 0.25
    # The morning check-in never sees the day's later twitches...
    assert abs(_corr(frame["morning_stress"], np.log1p(frame["after_morning"]))) < 0.05
    # ...but yesterday's twitching, and twitches felt before the check-in, raise it.
    yesterday = np.log1p(frame["episodes"]).shift(1)
    assert _corr(frame["morning_stress"], yesterday) > 0.1
    morning = frame["morning_stress"].notna()
    felt = frame["before_morning"] > 0
    lift = frame["morning_stress"][morning & felt].mean() - frame["morning_stress"][morning & ~felt].mean()
    assert lift > 0.4
    calm = _frame(simulate_diary(3000, (), Departures().only("morning"), 3))
    assert abs(_corr(calm["morning_stress"], np.log1p(calm["episodes"]).shift(1))) < 0.05


def test_twitches_come_over_the_waking_day_more_in_the_evening() -> None:
    diary = simulate_diary(365, seed=4)
    hours = np.concatenate(diary.twitch_hours)
    assert len(hours) == diary.counts.sum()
    assert hours.min() >= 5.0
    assert hours.max() < 24.0
    evening = np.mean((hours >= 18) & (hours < 23)) / 5
    morning = np.mean((hours >= 8) & (hours < 11)) / 3
    assert evening > 1.4 * morning


def _share_within_3h_of_a_coffee(diary: RealDiary) -> float:
    near = total = 0
    for coffee, twitches in zip(diary.coffee_hours, diary.twitch_hours, strict=True):
        if len(coffee) == 0:
            continue
        after = twitches[:, None] - coffee[None, :]
        near += int(np.sum(((after >= 0) & (after < 3)).any(axis=1)))
        total += len(twitches)
    return near / total


def test_a_same_day_caffeine_effect_comes_in_the_hours_after_each_coffee() -> None:
    effect = simulate_diary(1000, [Effect("caffeine_drinks", 1.3, 0)], seed=5)
    null = simulate_diary(1000, (), seed=5)
    day_before = simulate_diary(1000, [Effect("caffeine_drinks", 1.3, 1)], seed=5)
    assert _share_within_3h_of_a_coffee(effect) > _share_within_3h_of_a_coffee(null) + 0.05
    assert _share_within_3h_of_a_coffee(day_before) == pytest.approx(
        _share_within_3h_of_a_coffee(null), abs=0.02
    )
    assert all(len(c) == n for c, n in zip(effect.coffee_hours, effect.truth["caffeine_drinks"], strict=True))


@pytest.mark.parametrize(("rate_ratio", "low", "high"), [(1.3, 1.15, 1.5), (1.0, 0.93, 1.07)])
def test_coffee_before_the_morning_check_in_raises_the_twitching_after_it(
    rate_ratio: float, low: float, high: float
) -> None:
    diary = simulate_diary(3000, [Effect("caffeine_drinks", rate_ratio, 0)], Departures().only("morning"), 6)
    frame = _frame(diary).dropna(subset=["morning_caffeine"])
    x = sm.add_constant(frame[["morning_caffeine"]])
    fit = sm.GLM(
        frame["after_morning"], x, family=sm.families.Poisson(), offset=np.log(frame["morning_share"])
    ).fit()
    assert low < np.exp(fit.params["morning_caffeine"]) < high
