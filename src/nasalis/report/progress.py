"""Is it getting better? The last four weeks against the four before, from the diary alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from nasalis.report.data import Week, weekly

WINDOW_DAYS = 28
"""Each side of the comparison is four weeks: every weekday counted four times."""
MIN_CHECK_INS = 7
"""Check-ins a window needs before its rate is compared (fewer, and one odd day decides it)."""
SAME_WITHIN = 0.10
"""A change of less than a tenth is called "about the same": this describes, it does not test."""

Direction = Literal["fewer", "more", "about the same"]


@dataclass(frozen=True)
class Window:
    """Four weeks of the diary: its check-ins and the twitches on those days."""

    start: dt.date
    end: dt.date
    check_ins: int
    episodes: int
    """Twitches on the days with a check-in (the rate's numerator)."""

    @property
    def per_day(self) -> float | None:
        """Twitches per day with a check-in; None without any."""
        return self.episodes / self.check_ins if self.check_ins else None

    @property
    def enough(self) -> bool:
        """Whether this window has check-ins enough to be compared."""
        return self.check_ins >= MIN_CHECK_INS


@dataclass(frozen=True)
class Progress:
    """The comparison /progress states, and the weeks it draws."""

    today: dt.date
    recent: Window
    before: Window
    weeks: list[Week]
    days_needed: int
    """Days of check-ins, one a day from today, before the two windows can be compared; 0: now."""

    @property
    def direction(self) -> Direction | None:
        """Fewer, more or about the same in the last four weeks; None when it cannot be said yet."""
        recent, before = self.recent.per_day, self.before.per_day
        if self.days_needed or recent is None or before is None:
            return None
        if recent < before * (1 - SAME_WITHIN):
            return "fewer"
        if recent > before * (1 + SAME_WITHIN):
            return "more"
        return "about the same"


def _window(counts: Mapping[dt.date, int], check_ins: Collection[dt.date], end: dt.date) -> Window:
    start = end - dt.timedelta(days=WINDOW_DAYS - 1)
    known = [d for d in check_ins if start <= d <= end]
    return Window(start, end, len(known), sum(counts.get(d, 0) for d in known))


def _days_needed(counts: Mapping[dt.date, int], check_ins: set[dt.date], today: dt.date) -> int:
    """How many days of daily check-ins, starting today, until both windows have enough."""
    for n in range(1, 2 * WINDOW_DAYS + 1):
        end = today + dt.timedelta(days=n - 1)
        future = check_ins | {today + dt.timedelta(days=i) for i in range(n)}
        earlier = end - dt.timedelta(days=WINDOW_DAYS)
        if _window(counts, future, end).enough and _window(counts, future, earlier).enough:
            return n
    return 2 * WINDOW_DAYS  # unreachable: 56 daily check-ins fill both windows


def progress(counts: Mapping[dt.date, int], check_ins: Collection[dt.date], today: dt.date) -> Progress:
    """The last four weeks up to `today` against the four before, and the diary week by week."""
    known = {d for d in check_ins if d <= today}
    recent = _window(counts, known, today)
    before = _window(counts, known, today - dt.timedelta(days=WINDOW_DAYS))
    needed = 0 if recent.enough and before.enough else _days_needed(counts, known, today)
    return Progress(today, recent, before, weekly(counts, known), needed)
