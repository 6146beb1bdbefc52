"""What every trigger test adjusts for: the diary's own course over time and the week's rhythm.

Real diaries drift (twitching that brought someone to a diary tends to settle over weeks),
come in bouts (a bad day follows a bad day) and follow the week (weekends differ). A factor
that drifts, clusters or follows the week too would otherwise look like a cause. So each
test's model holds, besides the factor:

- a trend in time that grows with the diary: nothing under `TREND_FROM_DAYS` (too short to
  tell a trend from the factors), a straight line up to `SPLINE_FROM_DAYS`, then a piecewise
  linear curve with a knot about every `KNOT_DAYS` days (capped at `MAX_KNOTS`);
- the day of the week, once each weekday has been seen `WEEKDAY_MIN` times;
- from a year on, the seasons (a yearly sine and cosine and their second harmonic): a ten-year
  diary's knots are too far apart to follow them, and hay-fever months would pass for an
  allergy effect otherwise;
- for the tests of values a bad yesterday can raise (evening stress, this morning's stress...),
  yesterday's count (log 1 + count; a day after an unknown day gets the diary's mean and a
  marker). Only for those: holding yesterday's count fixed for a factor with a real same-day
  effect makes it look opposite the next day (a collider), so other factors go without it.

The design is built once per analysis and shared by every test (docs/insights.md).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

TREND_FROM_DAYS = 42
SPLINE_FROM_DAYS = 91
KNOT_DAYS = 35
MAX_KNOTS = 24
"""A ten-year diary gets a knot every ~5 months: enough to follow its course, cheap to fit."""
WEEKDAY_MIN = 8
SEASONS_FROM_DAYS = 365
YEAR_DAYS = 365.25


def _hats(t: FloatArray, knots: FloatArray) -> FloatArray:
    """Piecewise-linear basis (one tent per knot but the first, which the intercept holds)."""
    columns = []
    for i in range(1, len(knots)):
        left = knots[i - 1]
        right = knots[i + 1] if i + 1 < len(knots) else None
        up = np.clip((t - left) / (knots[i] - left), 0, 1)
        down = np.ones_like(t) if right is None else np.clip((right - t) / (right - knots[i]), 0, 1)
        columns.append(np.minimum(up, down))
    return np.column_stack(columns)


def trend_columns(dates: pd.DatetimeIndex) -> FloatArray:
    """The time-trend columns for these known days (possibly none)."""
    if len(dates) == 0:
        return np.empty((0, 0))
    t = ((dates - dates[0]).days).to_numpy(float)
    span = float(t[-1] - t[0]) + 1
    if span < TREND_FROM_DAYS:
        return np.empty((len(t), 0))
    if span < SPLINE_FROM_DAYS:
        return np.asarray(((t - t.mean()) / max(t.std(), 1.0)).reshape(-1, 1), dtype=np.float64)
    count = min(MAX_KNOTS, 2 + int((span - SPLINE_FROM_DAYS) // KNOT_DAYS) + 1)
    return _hats(t, np.linspace(t[0], t[-1], count))


def weekday_columns(dates: pd.DatetimeIndex) -> FloatArray:
    """Six weekday markers (Monday is the reference) once every weekday is seen often enough."""
    weekday = dates.weekday.to_numpy()
    seen = np.bincount(weekday, minlength=7)
    if len(dates) == 0 or seen.min() < WEEKDAY_MIN:
        return np.empty((len(dates), 0))
    return np.column_stack([(weekday == d).astype(float) for d in range(1, 7)])


def yesterday_columns(frame: pd.DataFrame, outcome: str = "episodes") -> FloatArray:
    """Log(1 + yesterday's count), and a marker where yesterday is unknown (filled with the mean)."""
    if frame.empty:
        return np.empty((0, 0))
    counts = frame[outcome]
    before = counts.copy()
    before.index = before.index + pd.Timedelta(days=1)
    previous = np.log1p(before.reindex(frame.index).to_numpy(float))
    unknown = np.isnan(previous)
    if unknown.all():
        return np.empty((len(frame), 0))
    previous[unknown] = np.nanmean(previous)
    if not unknown.any():
        return np.asarray(previous.reshape(-1, 1), dtype=np.float64)
    return np.column_stack([previous, unknown.astype(float)])


def season_columns(dates: pd.DatetimeIndex) -> FloatArray:
    """Yearly sine and cosine (and their second harmonic) once the diary spans a year."""
    if len(dates) == 0 or (dates[-1] - dates[0]).days + 1 < SEASONS_FROM_DAYS:
        return np.empty((len(dates), 0))
    angle = 2 * np.pi * dates.dayofyear.to_numpy(float) / YEAR_DAYS
    return np.column_stack([np.sin(angle), np.cos(angle), np.sin(2 * angle), np.cos(2 * angle)])


def base_design(frame: pd.DataFrame) -> FloatArray:
    """Trend, weekday and season for every known day of the frame (no intercept)."""
    index = pd.DatetimeIndex(frame.index)
    parts = [trend_columns(index), weekday_columns(index), season_columns(index)]
    parts = [p for p in parts if p.size]
    return np.column_stack(parts) if parts else np.empty((len(frame), 0))
