"""The block-means test of an N-of-1 experiment: one number per block, a t test between arms.

Days of one block share a flare, so they are not independent evidence; blocks far enough apart
nearly are, and the randomised pair order keeps the comparison fair. Each block becomes the log
of its rate, log((twitches + 0.5) / days counted), and the two arms are compared by a pooled
two-sample t test with (blocks - 2) degrees of freedom. The 0.5 keeps a block without twitches
finite and pulls small-count estimates toward no change (the cautious side). The functions work
on many experiments at once (rows), so the power simulation runs the very same test.
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


@dataclass(frozen=True)
class BlockEstimate:
    """B against A: the rate ratio, its 95% interval, P(RR < WORTHWHILE), and the blocks used."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p_worthwhile: float
    blocks_a: int
    blocks_b: int


def compare_rows(
    totals: FloatArray, days: FloatArray, is_b: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per row: the log rate ratio B/A, its standard error and degrees of freedom (NaN: cannot tell).

    `totals` and `days` are twitches and counted days per block (rows x blocks); a block with no
    counted day is left out.
    """
    used = days > 0
    safe_days = np.where(used, days, 1.0)
    rate = np.log((totals + 0.5) / safe_days)
    in_b, in_a = used & is_b, used & ~is_b
    n_b, n_a = in_b.sum(axis=1), in_a.sum(axis=1)
    ok = (n_b >= MIN_BLOCKS_PER_ARM) & (n_a >= MIN_BLOCKS_PER_ARM)
    n_b_safe, n_a_safe = np.maximum(n_b, 1), np.maximum(n_a, 1)
    mean_b = np.where(in_b, rate, 0.0).sum(axis=1) / n_b_safe
    mean_a = np.where(in_a, rate, 0.0).sum(axis=1) / n_a_safe
    residual = np.where(in_b, rate - mean_b[:, None], 0.0) + np.where(in_a, rate - mean_a[:, None], 0.0)
    df = (n_b + n_a - 2).astype(np.float64)
    spread = (residual**2).sum(axis=1) / np.maximum(df, 1.0)
    se = np.sqrt(spread * (1.0 / n_b_safe + 1.0 / n_a_safe))
    ok &= se > 0
    nan = np.full(len(totals), np.nan)
    return np.where(ok, mean_b - mean_a, nan), np.where(ok, se, nan), np.where(ok, df, nan)


def detected(totals: FloatArray, days: FloatArray, is_b: BoolArray) -> BoolArray:
    """Per row: whether the 95% interval excludes no change (a two-sided test at 5%)."""
    log_ratio, se, df = compare_rows(totals, days, is_b)
    ok = np.isfinite(se)
    whole = np.where(ok, df, 1.0).astype(np.int64)
    by_df = np.asarray(stats.t.ppf(0.975, np.arange(whole.max() + 1).clip(1)), dtype=np.float64)
    critical = by_df[whole]  # a few distinct df: one quantile each
    return np.asarray(ok & (np.abs(np.where(ok, log_ratio, 0.0)) > critical * np.where(ok, se, 1.0)))


def compare(totals: list[float], days: list[int], is_b: list[bool]) -> BlockEstimate | None:
    """One experiment's blocks compared (None when either side has too few blocks to tell)."""
    log_ratio, se, df = (
        float(v[0])
        for v in compare_rows(
            np.array([totals], dtype=np.float64),
            np.array([days], dtype=np.float64),
            np.array([is_b], dtype=np.bool_),
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
    )
