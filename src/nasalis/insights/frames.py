"""Turn diary records into one row per known day: the episode count and every factor.

Only days with a check-in are known days; a day without one is unknown, never zero.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from nasalis.diary.factors import FACTORS
from nasalis.diary.records import DayRecord

TAG_PREFIX = "tag:"


def daily_frame(days: Iterable[DayRecord], episode_dates: Iterable[dt.date]) -> pd.DataFrame:
    """A frame indexed by date (known days only) with `episodes` and one column per factor.

    Tags become 0/1 columns named `tag:LABEL`; custom factors keep their names. A factor
    left blank on a day is NaN there (unknown), except tags: a day's tags are all it had.
    """
    counts = Counter(episode_dates)
    rows: list[dict[str, float]] = []
    index: list[dt.date] = []
    for d in days:
        row: dict[str, float] = {"episodes": float(counts.get(d.date, 0))}
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
