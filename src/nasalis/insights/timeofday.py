"""When episodes cluster: hour-of-day and weekday profiles, in each episode's local time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def profile(starts: Iterable[dt.datetime]) -> dict[str, object]:
    """Counts per local hour (0-23) and weekday (Mon-Sun), and the busiest of each."""
    hours = [0] * 24
    weekdays = [0] * 7
    for start in starts:
        hours[start.hour] += 1
        weekdays[start.weekday()] += 1
    total = sum(hours)
    return {
        "episodes": total,
        "by_hour": hours,
        "by_weekday": dict(zip(WEEKDAYS, weekdays, strict=True)),
        "peak_hour": hours.index(max(hours)) if total else None,
        "peak_weekday": WEEKDAYS[weekdays.index(max(weekdays))] if total else None,
    }
