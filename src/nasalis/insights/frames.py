"""Turn diary records into one row per known day: the episode count and every factor.

Only days with a check-in are known days; a day without one is unknown, never zero. When the
episodes come with their local times and a day has a morning check-in, the row also says how
many twitches came after that check-in (`AFTER_MORNING`) and before it (`BEFORE_MORNING`), and
what share of the person's twitches usually fall after that time of day (`MORNING_SHARE`): the
within-day analysis compares what the morning check-in recorded with what came after it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from nasalis.diary.factors import FACTORS
from nasalis.diary.records import DayRecord

TAG_PREFIX = "tag:"
AFTER_MORNING, BEFORE_MORNING, MORNING_SHARE = "after_morning", "before_morning", "morning_share"
WITHIN_DAY = (AFTER_MORNING, BEFORE_MORNING, MORNING_SHARE)
"""Columns of the within-day analysis, never factors themselves."""


def _share_after(minutes: npt.NDArray[np.int64], at: dt.time) -> float:
    """The share of the person's twitches that usually come after `at` (a tenth at the least)."""
    if not len(minutes):
        return float("nan")
    after = float(np.mean(minutes > at.hour * 60 + at.minute))
    return max(after, 0.1)  # a check-in late at night still leaves an evening's outcome window


def daily_frame(days: Iterable[DayRecord], episodes: Iterable[dt.date | dt.datetime]) -> pd.DataFrame:
    """A frame indexed by date (known days only) with `episodes` and one column per factor.

    `episodes` are the twitches' local dates, or better their local start times (wall clock
    where they happened), which add the within-day columns on days with a morning check-in.
    Tags become 0/1 columns named `tag:LABEL`; custom factors keep their names. A factor left
    blank on a day is NaN there (unknown), except tags: a day's tags are all it had.
    """
    times = list(episodes)
    counts = Counter(t.date() if isinstance(t, dt.datetime) else t for t in times)
    by_day: dict[dt.date, list[dt.time]] = {}
    for t in times:
        if isinstance(t, dt.datetime):
            by_day.setdefault(t.date(), []).append(t.time())
    minutes = np.array([m.hour * 60 + m.minute for ms in by_day.values() for m in ms], dtype=np.int64)
    rows: list[dict[str, float]] = []
    index: list[dt.date] = []
    for d in days:
        row: dict[str, float] = {"episodes": float(counts.get(d.date, 0))}
        if d.morning_at is not None and by_day:
            at = d.morning_at
            row[AFTER_MORNING] = float(sum(t > at for t in by_day.get(d.date, ())))
            row[BEFORE_MORNING] = row["episodes"] - row[AFTER_MORNING]
            row[MORNING_SHARE] = _share_after(minutes, at)
        for f in FACTORS:  # a yes/no factor is 0/1
            value = getattr(d, f.name)
            row[f.name] = np.nan if value is None else float(value)
        for tag in d.tags or ():
            row[TAG_PREFIX + tag] = 1.0
        row.update({k: float(v) for k, v in d.factors.items()})
        rows.append(row)
        index.append(d.date)
    frame = pd.DataFrame(rows, index=pd.DatetimeIndex(index, name="date"))
    if frame.empty:
        return pd.DataFrame({"episodes": pd.Series(dtype=float)}, index=pd.DatetimeIndex([], name="date"))
    tags = [c for c in frame.columns if c.startswith(TAG_PREFIX)]
    frame[tags] = frame[tags].fillna(0.0)
    return frame.sort_index()


def lagged(frame: pd.DataFrame, column: str, lag: int) -> pd.Series:
    """The factor as it was `lag` calendar days earlier (NaN when that day is unknown)."""
    series = frame[column]
    if lag == 0:
        return series
    shifted = series.copy()
    shifted.index = shifted.index + pd.Timedelta(days=lag)
    return shifted.reindex(frame.index)
