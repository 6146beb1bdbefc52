"""A count model of daily episodes: negative-binomial (NB2) regression, small-sample t tests.

Daily counts are over-dispersed with a variance that grows with the square of the mean, so
observations are weighted by mu / (1 + alpha * mu), with alpha estimated by the method of
moments; a Pearson scale (never below 1) absorbs what is left. p-values and intervals use
Student's t on the residual degrees of freedom. On simulated null diaries the p-values stay
uniform (tests/insights/test_countmodel.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from nasalis.insights.serial import autocorrelations

_MAX_ITER = 50

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """The rate ratio per unit of one column, its 95% interval and p-value, and its basis."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p: float
    n: int
    se_log: float


def _irls(y: FloatArray, design: FloatArray, alpha: float, beta: FloatArray) -> FloatArray | None:
    for _ in range(_MAX_ITER):
        eta = np.clip(design @ beta, -30, 30)
        mu = np.exp(eta)
        weight = mu / (1 + alpha * mu)
        z = eta + (y - mu) / mu
        weighted = design * weight[:, None]
        try:
            new: FloatArray = np.asarray(
                np.linalg.solve(design.T @ weighted, weighted.T @ z), dtype=np.float64
            )
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(new)):
            return None
        if np.max(np.abs(new - beta)) < 1e-8:
            return new
        beta = new
    return beta


MAX_LOG_RATIO = 30.0
"""An interval reaching a rate ratio of e^30 means the factor separates the data (e.g. present on
one day, with no twitches that day): nothing can be estimated. Found by the soak benchmark, where
exp() of such an interval overflowed into a 500 on the Insights page."""


def fit_many(y: FloatArray, x: FloatArray, alpha: float | None = None) -> list[Estimate | None]:
    """Fit log E[y] = a + x @ b jointly; one Estimate per column of x (None if it cannot).

    `alpha` fixes the NB2 dispersion; by default it is estimated from the data.
    """
    n, k = x.shape
    df = n - k - 1
    if df < 3 or y.sum() == 0:
        return [None] * k
    varying = np.ptp(x, axis=0) > 0
    design = np.column_stack([np.ones(n), x[:, varying]])
    beta = np.zeros(design.shape[1])
    beta[0] = math.log(y.mean())
    fixed = alpha is not None
    alpha = alpha or 0.0
    for _ in range(1 if fixed else 3):  # alternate: coefficients given alpha, alpha given means
        fitted = _irls(y, design, alpha, beta)
        if fitted is None:
            return [None] * k
        beta = fitted
        if not fixed:
            mu = np.exp(np.clip(design @ beta, -30, 30))
            alpha = max(0.0, float(np.sum(((y - mu) ** 2 - y) / mu**2)) / df)
    mu = np.exp(np.clip(design @ beta, -30, 30))
    variance = mu + alpha * mu**2
    scale = max(1.0, float(np.sum((y - mu) ** 2 / variance)) / df)
    try:
        cov = np.linalg.inv(design.T @ (design * (mu / (1 + alpha * mu))[:, None])) * scale
    except np.linalg.LinAlgError:
        return [None] * k
    tq = float(stats.t.ppf(0.975, df))
    out: list[Estimate | None] = []
    column = 0
    for j in range(k):
        if not varying[j]:
            out.append(None)
            continue
        column += 1
        b, se = float(beta[column]), math.sqrt(max(cov[column, column], 0.0))
        if not math.isfinite(se) or se == 0 or abs(b) + tq * se > MAX_LOG_RATIO:
            out.append(None)
            continue
        p = float(2 * stats.t.sf(abs(b / se), df))
        out.append(Estimate(math.exp(b), math.exp(b - tq * se), math.exp(b + tq * se), p, n, se))
    return out


def fit(y: FloatArray, x: FloatArray) -> Estimate | None:
    """Fit log E[y] = a + b*x for one factor."""
    return fit_many(y, x.reshape(-1, 1))[0]


RIDGE_DAYS = 10.0
"""The adjusting columns' penalty: as if each had ten days' worth of evidence for no effect, so a
diary with more columns than it can hold shrinks their part instead of dropping the adjustment."""


@dataclass(frozen=True)
class Baseline:
    """The shared part of every test: the base design, its fit and the dispersion it gives."""

    design: FloatArray
    """Intercept first, then the base columns (trend, weekday, yesterday)."""
    beta: FloatArray
    alpha: float
    residual_rho: FloatArray
    """Autocorrelations of the base fit's Pearson residuals at calendar lags 1..serial.MAX_LAG."""


def fit_baseline(y: FloatArray, base: FloatArray, day: npt.NDArray[np.int64]) -> Baseline | None:
    """Fit log E[y] = a + base @ c (NB2, dispersion by moments); None when nothing can be fitted.

    `day` numbers the rows' calendar days (for the residuals' autocorrelation).
    """
    n = len(y)
    design = np.column_stack([np.ones(n), base])
    df = n - design.shape[1]
    if df < 3 or y.sum() == 0:
        return None
    beta = np.zeros(design.shape[1])
    beta[0] = math.log(y.mean())
    alpha = 0.0
    for _ in range(3):
        fitted = _irls(y, design, alpha, beta)
        if fitted is None:
            return None
        beta = fitted
        mu = np.exp(np.clip(design @ beta, -30, 30))
        alpha = max(0.0, float(np.sum(((y - mu) ** 2 - y) / mu**2)) / df)
    mu = np.exp(np.clip(design @ beta, -30, 30))
    pearson = (y - mu) / np.sqrt(mu + alpha * mu**2)
    return Baseline(design, beta, alpha, autocorrelations(pearson, day))


def _ridge_irls(
    y: FloatArray,
    design: FloatArray,
    first_penalised: int,
    alpha: float,
    beta: FloatArray,
    offset: FloatArray,
    tol: float,
) -> tuple[FloatArray, FloatArray] | None:
    """IRLS for NB2 with `alpha` fixed and the columns from `first_penalised` on ridge-penalised.

    Returns the coefficients and the penalty's diagonal (RIDGE_DAYS times the mean weight: in
    days of evidence, whatever the twitch rate); None when the fit breaks down.
    """
    penalty = np.zeros(design.shape[1])
    for _ in range(_MAX_ITER):
        eta = np.clip(offset + design @ beta, -30, 30)
        mu = np.exp(eta)
        weight = mu / (1 + alpha * mu)
        penalty[first_penalised:] = RIDGE_DAYS * float(weight.mean())
        weighted = design * weight[:, None]
        z = eta - offset + (y - mu) / mu
        try:
            new = np.linalg.solve(design.T @ weighted + np.diag(penalty), weighted.T @ z)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(new)):
            return None
        done = np.max(np.abs(new - beta)) < tol
        beta = new
        if done:
            break
    return beta, penalty


def fit_factor(
    y: FloatArray,
    x: FloatArray,
    fixed: FloatArray,
    start: FloatArray,
    alpha: float,
    adjust: FloatArray | None = None,
    offset: FloatArray | None = None,
) -> tuple[float, float, int] | None:
    """The log rate ratio per unit of `x`, its standard error and the residual df.

    The model is log E[y] = offset + fixed @ c + b x + adjust @ d with the NB2 dispersion
    `alpha` fixed; `fixed` holds the intercept first; `start` are its coefficients to begin
    from. The adjusting columns are standardised and ridge-penalised (RIDGE_DAYS); `x` and
    `fixed` are not.
    """
    n = len(y)
    adjust = np.empty((n, 0)) if adjust is None else adjust[:, np.ptp(adjust, axis=0) > 0]
    if adjust.shape[1]:
        adjust = (adjust - adjust.mean(axis=0)) / adjust.std(axis=0)
    keep = np.ptp(fixed, axis=0) > 0
    keep[0] = True  # the intercept; a base column constant on these days (a marker never set) goes
    fixed, start = fixed[:, keep], start[keep]
    design = np.column_stack([fixed, x, adjust])
    k_fixed = fixed.shape[1]
    df = n - design.shape[1]
    if df < 3 or y.sum() == 0 or np.ptp(x) == 0:
        return None
    off = np.zeros(n) if offset is None else offset
    start_all = np.concatenate([start, np.zeros(1 + adjust.shape[1])])
    fitted = _ridge_irls(y, design, k_fixed + 1, alpha, start_all, off, 1e-7)
    if fitted is None:
        return None
    beta, penalty = fitted
    mu = np.exp(np.clip(off + design @ beta, -30, 30))
    weight = mu / (1 + alpha * mu)
    scale = max(1.0, float(np.sum((y - mu) ** 2 / (mu + alpha * mu**2))) / df)
    try:
        cov = np.linalg.inv(design.T @ (design * weight[:, None]) + np.diag(penalty)) * scale
    except np.linalg.LinAlgError:
        return None
    b, variance = float(beta[k_fixed]), float(cov[k_fixed, k_fixed])
    if not math.isfinite(variance) or variance <= 0:
        return None
    return b, math.sqrt(variance), df


def fit_residual(
    y: FloatArray, fixed: FloatArray, start: FloatArray, columns: FloatArray, alpha: float
) -> tuple[float, FloatArray] | None:
    """The NB2 dispersion and Pearson residuals left once `columns` (penalised) are in the model.

    A dispersion estimated without the factors counts their effects as noise (a 2x cheese effect
    on a quarter of the days is a lot of "over-dispersion"), and that made every test several
    times weaker than it should be. So the dispersion and the residuals' autocorrelation come
    from the model with every day factor and tag in it, ridge-penalised like the adjusters.
    """
    n = len(y)
    columns = columns[:, np.ptp(columns, axis=0) > 0] if columns.size else np.empty((n, 0))
    if columns.shape[1]:
        columns = (columns - columns.mean(axis=0)) / columns.std(axis=0)
    design = np.column_stack([fixed, columns])
    k = fixed.shape[1]
    df = n - k
    if df < 3:
        return None
    beta = np.concatenate([start, np.zeros(columns.shape[1])])
    for _ in range(3):  # alternate: coefficients given alpha, alpha given means
        fitted = _ridge_irls(y, design, k, alpha, beta, np.zeros(n), 1e-6)
        if fitted is None:
            return None
        beta = fitted[0]
        mu = np.exp(np.clip(design @ beta, -30, 30))
        alpha = max(0.0, float(np.sum(((y - mu) ** 2 - y) / mu**2)) / df)
    mu = np.exp(np.clip(design @ beta, -30, 30))
    return alpha, (y - mu) / np.sqrt(mu + alpha * mu**2)
