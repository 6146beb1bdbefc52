"""Did a medicine change go with a change in twitching? An interrupted time series per change.

For each start, stop or dose change, the logged days up to 8 weeks before and 8 weeks after are
fitted with a negative-binomial model log E[y] = a + trend * t + level * after +
slope * after * t (the trend before the change continues unless the data say otherwise). The
reported `rate_ratio` is the level change with a common trend (the slope change is too noisy at
diary sizes to carry the verdict; it is reported beside it). Its interval uses Student's t with
the model's Pearson scale, widened by Bartlett's factor for spells in the residuals (model-based
errors: HAC errors were anti-conservative at these sizes, issue 19). When the last week before the
change was well above the weeks before it (a peak), that week is left out of the "before": a
change made at a peak looks like it helped as the peak passes by itself (regression to the mean),
and a warning says so. The verdict reports what followed the change, never advice: any change to
a medicine is for the prescriber.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from nasalis.insights.countmodel import fit_baseline, fit_many
from nasalis.insights.serial import variance_factor

WINDOW_DAYS = 56
MIN_DAYS = 14
"""Fewer logged days than this before or after the change: not enough data."""
PEAK_DAYS = 7
PEAK_RATIO = 1.5
PEAK_P = 0.05
"""The last week before a change counts as a peak when its mean is 1.5 times the weeks before it
and a one-sided Welch test on days agrees at 5%."""
PEAK_WARNING = "started at a peak: part of the fall may be regression to the mean"
SETTLE_DAYS = 3
"""Days after a change made at a peak left out too: the flare it was made in is still ending."""


@dataclass(frozen=True)
class MedicineChange:
    """One start, stop or dose change of a medicine, and where its window must end."""

    name: str
    change: str
    """`start`, `stop` or `dose_change`."""
    date: dt.date
    until: dt.date | None
    """The medicine's next change (the window after this one ends the day before it)."""
    since: dt.date | None = None
    """The medicine's previous change (the window before this one starts on it)."""


@dataclass
class ChangeResult:
    """The contract's numbers for one change."""

    name: str
    change: str
    date: dt.date
    rate_ratio: float | None = None
    ci: tuple[float, float] | None = None
    verdict: str = "not enough data"
    warnings: list[str] = field(default_factory=list)
    slope_change_per_week: float | None = None
    """The change in the weekly trend after the change, as a rate ratio per week (optional)."""
    days_before: int = 0
    days_after: int = 0


def _peak(before_t: np.ndarray, before_y: np.ndarray) -> bool:
    last = before_y[before_t >= -PEAK_DAYS]
    earlier = before_y[before_t < -PEAK_DAYS]
    if len(last) < 3 or len(earlier) < MIN_DAYS:
        return False
    if last.mean() < PEAK_RATIO * max(earlier.mean(), 1e-9):
        return False
    test = stats.ttest_ind(last, earlier, equal_var=False, alternative="greater")
    return bool(test.pvalue < PEAK_P)


def analyse_change(counts: dict[dt.date, float], change: MedicineChange, last: dt.date) -> ChangeResult:
    """The interrupted time series around one change (days: logged days' twitch counts)."""
    out = ChangeResult(change.name, change.change, change.date)
    lo = change.date - dt.timedelta(days=WINDOW_DAYS)
    if change.since is not None:
        lo = max(lo, change.since)
    hi = min(change.date + dt.timedelta(days=WINDOW_DAYS - 1), last)
    if change.until is not None:
        hi = min(hi, change.until - dt.timedelta(days=1))
    pairs = sorted((d, y) for d, y in counts.items() if lo <= d <= hi)
    t = np.array([(d - change.date).days for d, _ in pairs], dtype=np.int64)
    y = np.array([v for _, v in pairs], dtype=np.float64)
    before = t < 0
    if _peak(t[before], y[before]):
        out.warnings.append(PEAK_WARNING)
        keep = (t < -PEAK_DAYS) | (t >= SETTLE_DAYS)
        t, y = t[keep], y[keep]
        before = t < 0
    out.days_before, out.days_after = int(before.sum()), int((~before).sum())
    if out.days_before < MIN_DAYS or out.days_after < MIN_DAYS or y.sum() == 0:
        return out
    weeks = t / 7.0
    after = (~before).astype(np.float64)
    x = np.column_stack([weeks, after])
    level = fit_many(y, x)[1]
    base = fit_baseline(y, x, t)
    if level is None or base is None:
        return out
    widen = math.sqrt(variance_factor(base.residual_rho, after, t))
    df = len(y) - 3
    tq = float(stats.t.ppf(0.975, df))
    b, se = math.log(level.rate_ratio), level.se_log * widen
    out.rate_ratio = round(math.exp(b), 3)
    out.ci = (round(math.exp(b - tq * se), 3), round(math.exp(b + tq * se), 3))
    slope = fit_many(y, np.column_stack([weeks, after, after * weeks]))[2]
    if slope is not None:
        out.slope_change_per_week = round(slope.rate_ratio, 3)
    if out.ci[1] < 1:
        out.verdict = "helps"
    elif out.ci[0] > 1:
        out.verdict = "makes it worse"
    else:
        out.verdict = "no clear effect"
    return out
