"""One treatment cycle: the twitch rate by day since the treatment, a fitted curve, onset and wear-off.

The rate on day t after the treatment is modelled as b * (1 - d * e(t)), where e is a rise and a
fall (two logistic steps, at `t_on` and `t_off`, each with a width) and 0 <= d < 1 the depth. The
curve is fitted by quasi-Poisson maximum likelihood over a grid of (t_on, t_off, widths), with b
and d profiled out for each grid point; the scale absorbs over-dispersion and the spells of bad
days (Bartlett's factor of the residuals' autocorrelation). In this model the contract's effect
share (baseline - rate) / (baseline - best) is e(t) / max e, so each grid point has its own onset
and wear-off day; their 95% intervals are the range over the grid points whose scaled deviance is
within the profile threshold of the best. A cycle shows an effect only when the curves, averaged
over the grid, beat "no change": twice the log of the mean over the curves of their scaled
likelihood ratio (a Bayes factor with every curve of the grid equally likely a priori) must pass
`EFFECT_THRESHOLD`; that average runs over the toxin-like curves only (EVIDENCE_MAX_ONSET,
EVIDENCE_MAX_WEAR_OFF), the timing over all of them. The best curve alone (the maximum over
thousands of curves) let the nulls' tail through: a few of them fit a noise fall very well,
while a real effect is fitted well by many neighbouring curves. Both thresholds were set on
development seeds (bench/cycles_bench.py, docs/insights.md, docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from nasalis.insights.serial import autocorrelations

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BASELINE_DAYS = 28
"""The contract's baseline: twitches per logged day in the 28 days before the treatment."""
MIN_BASELINE_DAYS = 3
MIN_FOLLOWED_DAYS = 14
"""Fewer logged days than these before or after the treatment: not enough data. Three days
before are enough because the curve's level is fitted from the days after the wear-off too;
they only set the contract's baseline, which the intervals then carry."""
MAX_FOLLOW = 182
"""A cycle is followed for at most 26 weeks (the longest wear-off reported is about 14)."""
MAX_ONSET = 28
"""The latest onset a curve may have: toxin effects begin within days to two weeks."""
EVIDENCE_MAX_ONSET = 21
EVIDENCE_MAX_WEAR_OFF = 126
"""The evidence for an effect is averaged over the toxin-like curves only: onset by day 21 and
wear-off by day 126 (18 weeks; toxin effects wear off at 8-14). Longer curves are a lasting
level change, the shape a flare in the 28 days before imitates best. Onset, wear-off and their
intervals are still read from every curve of the grid, so the intervals are not cut short by
these bounds (cut, they covered the truth less often on the independent evaluation's seeds)."""
MIN_EFFECT_DAYS = 28
"""Shortest span from onset to wear-off a curve may have: a toxin cycle lasts weeks to months
(typically about 12 weeks), so a dip of a few days is a bad spell's end, not a treatment effect;
leaving those curves out of the scan is what lets EFFECT_THRESHOLD be lower."""
WEAR_OFF_HORIZON = 60
"""How far past the last followed day the fitted wear-off may lie (then: not worn off yet)."""
RISE_WIDTHS = (1.0, 5.0)
"""A quick or a slow rise (a slow ramp reaches half its effect days before it levels off)."""
FALL_WIDTHS = (1.5, 5.0, 12.0)
"""An abrupt, a medium and a gradual wear-off."""
EFFECT_THRESHOLD = 4.5
"""Twice the log of the grid-averaged scaled likelihood ratio over "no change" needed to call a
fall an effect: set on 480 null cycles of development seeds (`python -m bench.cycles_bench --only calibrate`),
where it leaves about 4% of the noisy and 1% of the calm ones called."""
PROFILE_THRESHOLD = 6.0
"""Scaled deviance within which a curve is kept in the 95% intervals: more than chi-square 1 at
95% (3.84), so wider; the bench's coverage figures are for this value."""
MAX_DEPTH = 0.995
_NEWTON_STEPS = 8


@dataclass
class CycleData:
    """What one cycle's fit reads: counts by day relative to the treatment (known days only)."""

    day: IntArray
    """Days since the treatment (negative: before it); only logged days."""
    count: FloatArray
    followed: int
    """Days from the treatment to the end of the cycle (the next treatment or the diary's end)."""
    next_came: bool
    """The cycle was ended by a next treatment, not by the end of the diary."""


@dataclass
class CycleFit:
    """The contract's numbers for one cycle (None where they cannot be estimated)."""

    days_followed: int
    baseline_per_day: float | None
    best_per_day: float | None = None
    relative_change: float | None = None
    onset_day: int | None = None
    onset_day_ci: tuple[int, int] | None = None
    wear_off_day: int | None = None
    wear_off_day_ci: tuple[int, int] | None = None
    status: str = "not_enough_data"
    best_day: int | None = None
    fitted: list[float] = field(default_factory=list)
    """The fitted twitches per day on days 0..days_followed-1 (empty without an effect)."""
    evidence: float | None = None
    """Twice the log of the grid-averaged scaled likelihood ratio over "no change" (`grid_evidence`)."""


def cycle_data(
    counts: dict[dt.date, float], on: dt.date, next_on: dt.date | None, last: dt.date
) -> CycleData:
    """The logged days of one cycle: 28 days before `on` up to the next treatment or `last`."""
    end = min(next_on, last + dt.timedelta(days=1)) if next_on else last + dt.timedelta(days=1)
    end = min(end, on + dt.timedelta(days=MAX_FOLLOW))
    start = on - dt.timedelta(days=BASELINE_DAYS)
    pairs = sorted((d, y) for d, y in counts.items() if start <= d < end)
    day = np.array([(d - on).days for d, _ in pairs], dtype=np.int64)
    count = np.array([y for _, y in pairs], dtype=np.float64)
    return CycleData(day, count, max(0, (end - on).days), next_on is not None and next_on <= last)


def _logistic(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


@functools.cache
def _all_curves() -> tuple[FloatArray, FloatArray]:
    """Every candidate curve's (t_on, t_off, rise, fall) and its shape on days 0..MAX_FOLLOW+H.

    Onsets day by day for two weeks, then every other day to MAX_ONSET; wear-offs every other
    day, at least MIN_EFFECT_DAYS after the onset. Made once
    per process; a cycle uses the rows whose t_off fits its follow-up.
    """
    ons = np.concatenate([np.arange(0, 15), np.arange(16, MAX_ONSET + 1, 2)]).astype(np.float64)
    offs = np.arange(7, MAX_FOLLOW + WEAR_OFF_HORIZON + 1, 2, dtype=np.float64)
    grid = np.array(np.meshgrid(ons, offs, RISE_WIDTHS, FALL_WIDTHS, indexing="ij")).reshape(4, -1).T
    p = grid[grid[:, 1] >= grid[:, 0] + MIN_EFFECT_DAYS]
    t = np.arange(0, MAX_FOLLOW + WEAR_OFF_HORIZON + 1, dtype=np.float64)
    shape = _logistic((t[None, :] - p[:, :1]) / p[:, 2:3]) * _logistic((p[:, 1:2] - t[None, :]) / p[:, 3:4])
    return p, shape


def _grid(followed: int) -> tuple[FloatArray, FloatArray]:
    """The curves that fit a cycle followed for `followed` days."""
    p, shape = _all_curves()
    keep = (p[:, 0] <= followed) & (p[:, 1] <= followed + WEAR_OFF_HORIZON)
    return p[keep], shape[keep]


def _profile_depth(
    y: FloatArray, e: FloatArray, n_pre: int, pre_total: float
) -> tuple[FloatArray, FloatArray]:
    """For each row of `e` (curves on the followed days), the Poisson ML depth d and log-likelihood.

    With the rate b (1 - d e), b is profiled out in closed form (sum y / sum (1 - d e)); d by a
    safeguarded Newton search on [0, MAX_DEPTH]. The days before the treatment (e = 0) enter
    only through their number and their total.
    """
    total, n = float(y.sum()) + pre_total, e.shape[1] + n_pre
    s = e.sum(axis=1)
    ye = y[None, :] * e
    d = np.full(e.shape[0], 0.5)
    for _ in range(_NEWTON_STEPS):
        inv = 1.0 / (1.0 - d[:, None] * e)
        first = ye * inv
        g = -first.sum(axis=1) + total * s / (n - d * s)
        h = -(first * e * inv).sum(axis=1) + total * s**2 / (n - d * s) ** 2
        step = np.where(h < 0, g / np.minimum(h, -1e-12), -np.sign(g) * 0.1)
        d = np.clip(d - step, 0.0, MAX_DEPTH)
    one = 1.0 - d[:, None] * e
    b = total / (one.sum(axis=1) + n_pre)
    ll = (y[None, :] * np.log(np.maximum(one, 1e-300))).sum(axis=1) + total * np.log(b) - total
    return d, ll


def grid_evidence(ll: FloatArray, null_ll: float, scale: float) -> float:
    """Twice the log of the mean over the grid's curves of the scaled likelihood ratio to "no change".

    A Bayes factor with the curves equally likely a priori and each curve's depth at its best: a
    fall only a few curves fit (a noise dip, a spell) counts for less than one that a whole
    neighbourhood of onsets and wear-offs fits, which is what a treatment's effect looks like.
    """
    z = (ll - null_ll) / scale
    top = float(z.max())
    return 2.0 * (top + math.log(float(np.mean(np.exp(z - top)))))


def _scale(y: FloatArray, mu: FloatArray, day: IntArray, params: int) -> float:
    """Quasi-Poisson scale times Bartlett's factor for the residuals' spells (at least 1)."""
    df = max(1, len(y) - params)
    pearson = (y - mu) / np.sqrt(np.maximum(mu, 1e-9))
    dispersion = max(1.0, float(np.sum(pearson**2)) / df)
    rho = autocorrelations(pearson, day)
    return dispersion * max(1.0, 1.0 + 2.0 * float(np.sum(np.clip(rho, 0.0, None))))


def _crossings(rate: FloatArray, baseline: float) -> tuple[IntArray, IntArray, IntArray]:
    """Per fitted curve (rows: rate on days 0..followed-1): onset, best and wear-off day (-1: none).

    The contract's share, (baseline - rate) / (baseline - best), with the contract's baseline
    (the 28 days before), not the curve's own level: after a previous cycle the two differ.
    """
    best = np.argmin(rate, axis=1)
    low = rate.min(axis=1, keepdims=True)
    fall = baseline - low
    share = (baseline - rate) / np.where(fall > 0, fall, np.inf)
    reached = share >= 0.5
    onset = np.where(reached.any(axis=1), np.argmax(reached, axis=1), -1)
    after = (np.arange(rate.shape[1])[None, :] > best[:, None]) & (share < 0.5) & (fall > 0)
    wear = np.where(after.any(axis=1), np.argmax(after, axis=1), -1)
    return onset.astype(np.int64), best.astype(np.int64), wear.astype(np.int64)


_AFTER_END = np.iinfo(np.int64).max
"""Where a curve without the crossing in the followed days (-1) is sorted: after all of them."""


def _weighted_median(days: IntArray, weight: FloatArray) -> int | None:
    """The likelihood-weighted median day over the kept curves; None when it falls past the end.

    The single best curve of a jagged likelihood surface jumps between near-equal neighbours;
    the weighted median of the curves the data cannot tell apart is a steadier point estimate.
    A curve without the crossing in the followed days (-1) counts as crossing after them: when
    those curves hold half the weight, the data do not say the day came before the cycle ended
    (a next injection before the wear-off was given a wear-off day from the crossers alone).
    """
    late = np.where(days >= 0, days, _AFTER_END)
    order = np.argsort(late, kind="stable")
    cum = np.cumsum(weight[order])
    day = int(late[order][int(np.searchsorted(cum, 0.5 * cum[-1]))])
    return None if day == _AFTER_END else day


def _day_and_interval(days: IntArray, weight: FloatArray) -> tuple[int | None, tuple[int, int] | None]:
    """The day's weighted median and its interval over the kept curves (row 0 is the best curve).

    The interval is None when a kept curve has no crossing: it would reach past the follow-up.
    """
    day = _weighted_median(days, weight)
    kept = days[1:]
    if day is None or not (kept >= 0).all():
        return day, None
    return day, (int(kept.min()), int(kept.max()))


def fit_cycle(data: CycleData) -> CycleFit:
    """The contract's numbers for one cycle, with an honest status when the data cannot tell."""
    pre = data.day < 0
    baseline = float(data.count[pre].mean()) if pre.any() else None
    out = CycleFit(data.followed, None if baseline is None else round(baseline, 2))
    post = int((~pre).sum())
    if baseline is None or pre.sum() < MIN_BASELINE_DAYS or post < MIN_FOLLOWED_DAYS:
        return out
    if data.count.sum() == 0 or baseline == 0:
        return out
    p, shape = _grid(data.followed)
    e = shape[:, data.day[~pre]]
    pre_total = float(data.count[pre].sum())
    depth, ll = _profile_depth(data.count[~pre], e, int(pre.sum()), pre_total)
    mean = float(data.count.mean())
    null_ll = float(data.count.sum()) * (math.log(mean) - 1.0)

    def scale_of(row: int) -> float:  # the scale with the residuals of that curve's fit
        one = np.ones(len(data.count))
        one[~pre] = 1.0 - depth[row] * e[row]
        return _scale(data.count, float(data.count.sum()) / float(one.sum()) * one, data.day, 6)

    toxin = np.nonzero((p[:, 0] <= EVIDENCE_MAX_ONSET) & (p[:, 1] <= EVIDENCE_MAX_WEAR_OFF))[0]
    if len(toxin) == 0:  # not reached: every follow-up of 14 days or more has such curves
        out.status = "no_clear_effect"
        return out
    t_best = int(toxin[np.argmax(ll[toxin])])
    t_scale = scale_of(t_best)
    evidence = grid_evidence(ll[toxin], null_ll, t_scale)
    best = int(np.argmax(ll))
    scale = t_scale if best == t_best else scale_of(best)  # most often the same curve
    out.evidence = round(evidence, 2)
    if evidence < EFFECT_THRESHOLD:
        out.status = "no_clear_effect"
        return out
    kept = np.nonzero(2.0 * (float(ll[best]) - ll) / scale <= PROFILE_THRESHOLD)[0]
    rows = np.concatenate([[best], kept])
    weight = np.exp(-(float(ll[best]) - ll[rows]) / scale)
    weight[0] = 0.0  # the best curve is in `kept` too
    n_pre = int(pre.sum())
    level = float(data.count.sum()) / ((1.0 - depth[rows, None] * e[rows]).sum(axis=1) + n_pre)
    rates = level[:, None] * (1.0 - depth[rows, None] * shape[rows, : data.followed])
    onset, best_day, wear = _crossings(rates, baseline)
    curve = rates[0]
    if onset[0] < 0:  # the fitted fall never gets halfway below the contract's baseline
        out.status = "no_clear_effect"
        return out
    out.fitted = [round(float(v), 3) for v in curve]
    out.best_day = int(best_day[0])
    out.best_per_day = round(float(curve.min()), 2)
    out.relative_change = round(out.best_per_day / baseline - 1.0, 3)
    out.onset_day, out.onset_day_ci = _day_and_interval(onset, weight)
    out.wear_off_day, out.wear_off_day_ci = _day_and_interval(wear, weight)
    out.status = "complete" if out.wear_off_day is not None or data.next_came else "ongoing"
    return out


def compare(fits: list[CycleFit]) -> str | None:
    """A plain sentence comparing the cycles' wear-off days (None with fewer than two)."""
    worn = [f.wear_off_day for f in fits if f.wear_off_day is not None]
    if len(worn) < 2:
        return None
    last = worn[-3:]
    words = {2: "two", 3: "three"}[len(last)]
    days = ", ".join(str(d) for d in last[:-1]) + f" and {last[-1]}"
    weeks = ", ".join(str(math.floor(d / 7)) for d in last[:-1]) + f" and {math.floor(last[-1] / 7)}"
    return f"The last {words} cycles wore off at day {days} (week {weeks})."
