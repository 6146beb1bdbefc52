"""The block-means test of an N-of-1 experiment: one number per block, a t test between arms.

Days of one block share a flare, so they are not independent evidence; blocks far enough apart
nearly are, and the randomised pair order keeps the comparison fair. Each block becomes the log
of its rate, log((twitches + 0.5) / days counted), and the two arms are compared by a pooled
two-sample t test with (blocks - 2) degrees of freedom. The 0.5 keeps a block without twitches
finite and pulls small-count estimates toward no change (the cautious side). The functions work
on many experiments at once (rows), so the power simulation runs the very same test.

A short experiment has few blocks, so it knows little about how much blocks differ by themselves
(4 weeks of 7-day blocks: 2 degrees of freedom, a t quantile of 4.3). The diary before the start
knows more: cut into blocks of the same counted length (`before_blocks`), the spread of their log
rates around their own mean is pooled with the experiment's spread, and their degrees of freedom
added. Only the spread comes from before, never the level: the comparison stays within the
randomised experiment. A diary that drifted before the start only widens the interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

WORTHWHILE = 0.8
"""A change is worthwhile when it cuts twitches by at least 20% (rate ratio below 0.8)."""
MIN_BLOCKS_PER_ARM = 2
"""Fewer blocks on a side leave nothing to measure how much blocks differ by themselves."""
BEFORE_BLOCKS = 12
"""At most this many blocks of the diary before the start lend their spread (older ones may not
resemble the experiment's weeks)."""


@dataclass(frozen=True)
class BlockEstimate:
    """B against A: the rate ratio, its 95% interval, P(RR < WORTHWHILE), and the blocks used."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_worthwhile: float
    blocks_a: int
    blocks_b: int
    blocks_before: int = 0
    """Blocks of the diary before the start whose spread was pooled in."""


def _log_rates(totals: FloatArray, days: FloatArray) -> tuple[FloatArray, BoolArray]:
    used = days > 0
    return np.log((totals + 0.5) / np.where(used, days, 1.0)), used


def before_spread(totals: FloatArray, days: FloatArray, length: int) -> tuple[FloatArray, FloatArray]:
    """Per row: the sum of squares of the blocks before the start around their mean, and its df.

    A block of `length` days counts when at least half its days were logged (`days`: logged days
    per block); fewer than two such blocks lend nothing.
    """
    rate, _ = _log_rates(totals, days)
    used = (days > 0) & (days >= length / 2)
    n = used.sum(axis=1)
    mean = np.where(used, rate, 0.0).sum(axis=1) / np.maximum(n, 1)
    ss = np.where(used, rate - mean[:, None], 0.0) ** 2
    return np.where(n >= 2, ss.sum(axis=1), 0.0), np.where(n >= 2, n - 1, 0).astype(np.float64)


def compare_rows(
    totals: FloatArray,
    days: FloatArray,
    is_b: BoolArray,
    before: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per row: the log rate ratio B/A, its standard error and degrees of freedom (NaN: cannot tell).

    `totals` and `days` are twitches and counted days per block (rows x blocks); a block with no
    counted day is left out. `before` is `before_spread` of the diary before the start, pooled in.
    """
    rate, used = _log_rates(totals, days)
    in_b, in_a = used & is_b, used & ~is_b
    n_b, n_a = in_b.sum(axis=1), in_a.sum(axis=1)
    ok = (n_b >= MIN_BLOCKS_PER_ARM) & (n_a >= MIN_BLOCKS_PER_ARM)
    n_b_safe, n_a_safe = np.maximum(n_b, 1), np.maximum(n_a, 1)
    mean_b = np.where(in_b, rate, 0.0).sum(axis=1) / n_b_safe
    mean_a = np.where(in_a, rate, 0.0).sum(axis=1) / n_a_safe
    residual = np.where(in_b, rate - mean_b[:, None], 0.0) + np.where(in_a, rate - mean_a[:, None], 0.0)
    df = (n_b + n_a - 2).astype(np.float64)
    ss = (residual**2).sum(axis=1)
    if before is not None:
        ss, df = ss + before[0], df + before[1]
    spread = ss / np.maximum(df, 1.0)
    se = np.sqrt(spread * (1.0 / n_b_safe + 1.0 / n_a_safe))
    ok &= se > 0
    nan = np.full(len(totals), np.nan)
    return np.where(ok, mean_b - mean_a, nan), np.where(ok, se, nan), np.where(ok, df, nan)


def detected(
    totals: FloatArray, days: FloatArray, is_b: BoolArray, before: tuple[FloatArray, FloatArray] | None = None
) -> BoolArray:
    """Per row: whether the 95% interval excludes no change (a two-sided test at 5%)."""
    log_ratio, se, df = compare_rows(totals, days, is_b, before)
    ok = np.isfinite(se)
    whole = np.where(ok, df, 1.0).astype(np.int64)
    by_df = np.asarray(stats.t.ppf(0.975, np.arange(whole.max() + 1).clip(1)), dtype=np.float64)
    critical = by_df[whole]  # a few distinct df: one quantile each
    return np.asarray(ok & (np.abs(np.where(ok, log_ratio, 0.0)) > critical * np.where(ok, se, 1.0)))


def compare(
    totals: list[float],
    days: list[int],
    is_b: list[bool],
    before_totals: list[float] | None = None,
    before_days: list[int] | None = None,
    before_length: int = 1,
) -> BlockEstimate | None:
    """One experiment's blocks compared (None when either side has too few blocks to tell).

    `before_totals` and `before_days`: the diary's blocks of `before_length` days before the start.
    """
    before = None
    if before_totals:
        before = before_spread(
            np.array([before_totals], dtype=np.float64),
            np.array([before_days], dtype=np.float64),
            before_length,
        )
    log_ratio, se, df = (
        float(v[0])
        for v in compare_rows(
            np.array([totals], dtype=np.float64),
            np.array([days], dtype=np.float64),
            np.array([is_b], dtype=np.bool_),
            before,
        )
    )
    if not math.isfinite(se):
        return None
    critical = float(stats.t.ppf(0.975, df))
    # A flat prior on the log rate ratio: the approximate posterior is the t distribution of the
    # estimate, so P(RR < 0.8) reads off its cumulative distribution.
    p_worthwhile = float(stats.t.cdf((math.log(WORTHWHILE) - log_ratio) / se, df))
    used = [d > 0 for d in days]
    return BlockEstimate(
        math.exp(log_ratio),
        math.exp(log_ratio - critical * se),
        math.exp(log_ratio + critical * se),
        p_worthwhile,
        sum(u and not b for u, b in zip(used, is_b, strict=True)),
        sum(u and b for u, b in zip(used, is_b, strict=True)),
        int(before[1][0]) + 1 if before is not None and before[1][0] > 0 else 0,
    )
