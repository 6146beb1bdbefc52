"""The /progress comparison: the last four weeks against the four before, and when it cannot be made."""

from __future__ import annotations

import datetime as dt

from nasalis.report.data import weekly
from nasalis.report.progress import MIN_CHECK_INS, WINDOW_DAYS, progress

TODAY = dt.date(2026, 11, 23)  # a Monday


def _days(first: int, last: int) -> list[dt.date]:
    """The dates `first` to `last` days before TODAY, both included."""
    return [TODAY - dt.timedelta(days=n) for n in range(last, first - 1, -1)]


def test_the_direction_follows_the_two_rates() -> None:
    dates = _days(0, 2 * WINDOW_DAYS - 1)
    for recent, before, said in ((3, 5, "fewer"), (5, 3, "more"), (20, 21, "about the same")):
        counts = {d: recent if (TODAY - d).days < WINDOW_DAYS else before for d in dates}
        found = progress(counts, dates, TODAY)
        assert (found.recent.per_day, found.before.per_day) == (recent, before)
        assert found.days_needed == 0
        assert found.direction == said


def test_days_without_a_check_in_count_their_twitches_but_not_the_rate() -> None:
    checked = _days(8, 14)  # the week of 9 November; the next week has twitches and no check-in
    counts = dict.fromkeys(_days(1, 14), 2)
    weeks = weekly(counts, set(checked))
    assert [w.monday for w in weeks] == [dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert [(w.episodes, w.check_ins, w.per_day) for w in weeks] == [(14, 7, 2.0), (14, 0, None)]


def test_the_days_needed_assume_a_check_in_every_day_from_today() -> None:
    # Nothing yet: the earlier window must hold MIN_CHECK_INS of the new days, so its last
    # day is MIN_CHECK_INS - 1 days after today, and the recent window ends WINDOW_DAYS later.
    assert progress({}, [], TODAY).days_needed == MIN_CHECK_INS + WINDOW_DAYS
    assert progress({}, [], TODAY).direction is None
    # Enough before, three in the last four weeks: four more days (today included) fill it.
    dates = _days(WINDOW_DAYS, 2 * WINDOW_DAYS - 1) + _days(1, 3)
    found = progress(dict.fromkeys(dates, 1), dates, TODAY)
    assert found.days_needed == MIN_CHECK_INS - 3
    assert found.direction is None
    assert found.recent.per_day == 1
