"""The trend, weekday and yesterday columns every trigger test holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nasalis.insights.baseline import (
    SPLINE_FROM_DAYS,
    TREND_FROM_DAYS,
    base_design,
    season_columns,
    trend_columns,
    weekday_columns,
    yesterday_columns,
)


def _days(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2026-01-05", periods=n, name="date")


def test_the_trend_grows_with_the_diary() -> None:
    assert trend_columns(_days(TREND_FROM_DAYS - 1)).shape[1] == 0
    assert trend_columns(_days(SPLINE_FROM_DAYS - 1)).shape[1] == 1
    widths = [trend_columns(_days(n)).shape[1] for n in (120, 180, 365, 3650)]
    assert widths == sorted(widths)
    assert widths[0] > 1
    assert widths[-1] <= 24  # capped: a ten-year diary stays cheap to fit
    hats = trend_columns(_days(365))
    assert np.all(hats >= 0)
    assert np.all(hats <= 1)


def test_weekdays_wait_until_each_is_seen_eight_times() -> None:
    assert weekday_columns(_days(55)).shape[1] == 0
    columns = weekday_columns(_days(56))
    assert columns.shape == (56, 6)
    assert columns.sum(axis=1).max() == 1  # Monday is the reference: no column


def test_yesterday_is_the_count_before_with_a_marker_after_a_gap() -> None:
    index = pd.DatetimeIndex(["2026-01-05", "2026-01-06", "2026-01-08"], name="date")
    frame = pd.DataFrame({"episodes": [3.0, 1.0, 7.0]}, index=index)
    columns = yesterday_columns(frame)
    assert columns.shape == (3, 2)
    assert columns[1, 0] == np.log1p(3.0)
    assert list(columns[:, 1]) == [1.0, 0.0, 1.0]  # the first day and the day after the gap
    assert base_design(frame).shape == (3, 0)  # too short for a trend, weekdays or seasons; no yesterday


def test_seasons_come_in_once_the_diary_spans_a_year() -> None:
    assert season_columns(_days(364)).shape[1] == 0
    year = season_columns(_days(730))
    assert year.shape == (730, 4)
    assert np.allclose(year[0], year[365], atol=0.02)  # a year later, the same season
