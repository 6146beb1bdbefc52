"""How much spells in the twitching and in a factor widen an estimate's uncertainty.

A diary's days are not independent: bad days come in runs, and so do stress, allergies and
coffee. When both the model's residuals and the factor run in spells, each spell counts less
than its days. The variance of the factor's coefficient grows by about
1 + 2 * sum over k of rho_e(k) * rho_x(k) (Bartlett's formula for regression with serially
correlated errors and regressors), with the autocorrelations measured over calendar lags 1 to
`MAX_LAG`. It is never allowed to shrink the variance. Robust (HAC) errors were tried by the
review of issue 19 and were anti-conservative at diary sizes; this parametric form uses the
factor's own autocorrelation, which is well measured, and the residuals' at a few lags.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_LAG = 7
MIN_PAIRS = 10


def autocorrelations(values: FloatArray, day: IntArray, max_lag: int = MAX_LAG) -> FloatArray:
    """Autocorrelation at calendar lags 1..max_lag over the known days (0 where too few pairs)."""
    out = np.zeros(max_lag)
    if len(values) < MIN_PAIRS:
        return out
    grid = np.full(int(day.max() - day.min()) + 1 + max_lag, np.nan)
    grid[day - day.min()] = values - values.mean()
    scale = float(np.nanmean(grid**2))
    if scale <= 0:
        return out
    for k in range(1, max_lag + 1):
        a, b = grid[k:], grid[:-k]
        both = ~(np.isnan(a) | np.isnan(b))
        if both.sum() >= MIN_PAIRS:
            out[k - 1] = float(np.mean(a[both] * b[both])) / scale
    return out


def variance_factor(residual_rho: FloatArray, x: FloatArray, day: IntArray) -> float:
    """How many times wider the coefficient's variance is for spells in both (at least 1).

    The sum runs over as many lags as `residual_rho` holds.
    """
    return max(1.0, 1.0 + 2.0 * float(np.dot(residual_rho, autocorrelations(x, day, len(residual_rho)))))
