"""The insights contract's JSON from diary inputs: triggers plus the time-of-day profile."""

from __future__ import annotations

import datetime as dt

from nasalis.diary.records import DayRecord
from nasalis.insights.frames import daily_frame
from nasalis.insights.timeofday import profile
from nasalis.insights.triggers import analyse


def insights_json(days: list[DayRecord], starts: list[dt.datetime]) -> dict[str, object]:
    """nasalis.insights/1 with the optional `time_of_day` field."""
    result = analyse(daily_frame(days, [s.date() for s in starts]))
    return {**result.to_json(), "time_of_day": profile(starts)}
