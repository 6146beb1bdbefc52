"""Did a medicine change go with a change in twitching? An interrupted time series per change.

For each start, stop or dose change, the logged days up to 8 weeks before and 8 weeks after are
grouped into weeks counted from the change, and least squares on the weeks' log means fits a
step at the change, with the trend before it when the weeks before show one. The step's
interval uses Student's t, widened for the weeks' lag-1 autocorrelation (day-level errors,
robust or model-based, were anti-conservative at diary sizes: issue 19 and this bench). The
week just before a change is never its "before" (a change is often made in a bad week, which
falls back by itself); a clear peak there also gets the regression-to-the-mean warning. The
verdict reports what followed the change, never advice: any change to a medicine is for the
prescriber. Method and figures: docs/insights.md, docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WINDOW_DAYS = 56
MIN_DAYS = 14
"""Fewer logged days than this before or after the change: not enough data."""
PEAK_DAYS = 7
PEAK_RATIO = 1.5
PEAK_P = 0.05
"""The last week before a change counts as a peak when its mean is 1.5 times the weeks before it
and a one-sided Welch test on days agrees at 5%."""
PEAK_WARNINGS = {
    change: f"{done} at a peak: part of the fall may be regression to the mean"
    for change, done in (("start", "started"), ("stop", "stopped"), ("dose_change", "dose changed"))
}
"""Said only when twitching fell after the change: a flare falls back by itself, so a fall after
one overstates the change's part; a rise after one, if anything, understates it."""
MIN_WEEK_DAYS = 3
"""A week with fewer logged days is left out of the weekly means."""
RHO_FLOOR = 0.2
TREND_P = 0.2
"""The trend before a change is kept in the model when the weeks before show one at p < 0.2;
without one, a trend term only doubles the interval (a step and a slope are nearly confounded
over a few weeks). Chosen on the bench: type I error held, power up (docs/benchmarks.md)."""
SETTLE_DAYS = 7
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


def _peak(before_t: IntArray, before_y: FloatArray) -> bool:
    last = before_y[before_t >= -PEAK_DAYS]
    earlier = before_y[before_t < -PEAK_DAYS]
    if len(last) < 3 or len(earlier) < MIN_DAYS:
        return False
    if last.mean() < PEAK_RATIO * max(earlier.mean(), 1e-9):
        return False
    test = stats.ttest_ind(last, earlier, equal_var=False, alternative="greater")
    return bool(test.pvalue < PEAK_P)


def _weekly_fit(t: IntArray, y: FloatArray) -> tuple[float, float, int, float | None] | None:
    """Level change (log), its standard error and df, and the slope change, from weekly means.

    Each week (7 days from the change, before and after) with at least MIN_WEEK_DAYS logged days
    is one point, log((sum + 1/2) / days); least squares on a trend and a step. Weekly means
    carry the day-to-day spells inside them, so the points are close to independent, and the
    t interval on few points stays honest where day-level errors did not.
    """
    week = np.floor(t / 7.0).astype(np.int64)
    points: list[tuple[float, float]] = []
    for w in np.unique(week):
        inside = week == w
        if inside.sum() >= MIN_WEEK_DAYS:
            points.append((float(w), math.log((float(y[inside].sum()) + 0.5) / float(inside.sum()))))
    if len(points) < 6:
        return None
    w_arr = np.array([p[0] for p in points]) + 0.5
    z = np.array([p[1] for p in points])
    after = (w_arr > 0).astype(np.float64)
    if after.sum() < 2 or (1 - after).sum() < 2:
        return None
    design = np.column_stack([np.ones(len(z)), w_arr, after])
    if not _trending(w_arr[after == 0], z[after == 0]):
        design = design[:, [0, 2]]  # no trend before the change that the weeks can tell: a step alone
    coef, se, df = _ols(design, z, design.shape[1] - 1)
    resid = z - design @ np.linalg.lstsq(design, z, rcond=None)[0]
    rho = _lag_one(resid, w_arr)
    se *= math.sqrt((1 + rho) / (1 - rho))
    slope = None
    if after.sum() >= 3 and (1 - after).sum() >= 3:
        slope = _ols(np.column_stack([np.ones(len(z)), w_arr, after, after * w_arr]), z, 3)[0]
    return coef, se, df, slope


def _trending(week: FloatArray, z: FloatArray) -> bool:
    """Whether the weeks before the change show a trend (two-sided p < TREND_P on their own)."""
    if len(z) < 4:
        return True  # too few weeks to rule a trend out: keep it in the model
    design = np.column_stack([np.ones(len(z)), week])
    slope, se, df = _ols(design, z, 1)
    return bool(2 * stats.t.sf(abs(slope / se), df) < TREND_P)


def _lag_one(resid: FloatArray, week: FloatArray) -> float:
    """The residuals' lag-1 autocorrelation between neighbouring weeks, bias-corrected, in [0, 0.8].

    The raw estimate from a dozen points is biased low by about (1 + 3 rho) / n; it is never let
    below 0, so the interval only widens.
    """
    pairs = np.nonzero(np.diff(week) == 1)[0]
    if len(pairs) < 3:
        return RHO_FLOOR
    scale = float(resid @ resid) / len(resid)
    raw = float(np.sum(resid[pairs] * resid[pairs + 1])) / len(pairs) / max(scale, 1e-12)
    return min(0.8, max(RHO_FLOOR, raw + (1 + 3 * max(raw, 0.0)) / len(resid)))


def _ols(design: FloatArray, z: FloatArray, column: int) -> tuple[float, float, int]:
    """One coefficient of a least-squares fit, its standard error and residual df."""
    beta, *_ = np.linalg.lstsq(design, z, rcond=None)
    df = len(z) - design.shape[1]
    resid = z - design @ beta
    sigma2 = float(resid @ resid) / max(df, 1)
    cov = np.linalg.pinv(design.T @ design) * sigma2
    return float(beta[column]), math.sqrt(max(float(cov[column, column]), 1e-12)), df


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
    peak = _peak(t[before], y[before])
    # The week before a change is never its "before": a change is often made because that week was
    # bad, and a peak too small to flag still falls back by itself afterwards.
    keep = (t < -PEAK_DAYS) | (t >= (SETTLE_DAYS if peak else 0))
    t, y = t[keep], y[keep]
    before = t < 0
    out.days_before, out.days_after = int(before.sum()), int((~before).sum())
    if out.days_before < MIN_DAYS or out.days_after < MIN_DAYS or y.sum() == 0:
        return out
    fitted = _weekly_fit(t, y)
    if fitted is None:
        return out
    b, se, df, slope = fitted
    tq = float(stats.t.ppf(0.975, df))
    out.rate_ratio = round(math.exp(b), 3)
    out.ci = (round(math.exp(b - tq * se), 3), round(math.exp(b + tq * se), 3))
    out.slope_change_per_week = None if slope is None else round(math.exp(slope), 3)
    if peak and out.rate_ratio < 1:
        out.warnings.append(PEAK_WARNINGS[change.change])
    # The verdict always speaks of the medicine, never of the change: fewer twitches after a
    # stop would otherwise read "stop: helps", advice to stop a medicine that nasalis never gives.
    fewer, more = ("makes it worse", "helps") if change.change == "stop" else ("helps", "makes it worse")
    if out.ci[1] < 1:
        out.verdict = fewer
    elif out.ci[0] > 1:
        out.verdict = more
    else:
        out.verdict = "no clear effect"
    return out
