"""The first round's trigger analysis, frozen for comparison (issue 19's independent bench).

A FROZEN COPY, not the product: the statistics of `src/nasalis/insights/triggers.py`,
`countmodel.py` and `fdr.py` as they were at git commit c315023 (before issue 19's rewrite),
made self-contained so that the product's rewrite cannot change it. The bench runs it beside
the product's current `analyse` on the same diaries ("first round"). Only the words and notes
were left out (they do not change a verdict); the within-day outcome columns that
`daily_frame` gained after c315023 are not factors and are skipped, as the product skips them.
Do not "fix" this file: its job is to stay what was shipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

FloatArray = npt.NDArray[np.float64]

TAG_PREFIX = "tag:"
OUTCOME_COLUMNS = frozenset({"episodes", "after_morning", "before_morning", "morning_share"})
"""The count and the within-day outcome columns of `daily_frame`: never tested as factors."""
MIN_DAYS = 21
MIN_GROUP = 5
Q_LEVEL = 0.10
P_LEVEL = 0.05
JOINT_MIN_DF = 30
SCALE = {"exercise_minutes": 10.0}
"""The day factors' insights steps at c315023 other than 1 (exercise per 10 minutes)."""
_MAX_ITER = 50
MAX_LOG_RATIO = 30.0


@dataclass(frozen=True)
class Estimate:
    """The rate ratio per unit of one column, its 95% interval and p-value, and its basis."""

    rate_ratio: float
    ci_low: float
    ci_high: float
    p: float
    n: int
    se_log: float


@dataclass
class FactorResult:
    """One test: a factor at a lag, and what it shows."""

    factor: str
    lag_days: int
    kind: str
    days_with_data: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    q: float | None = None
    verdict: str = "not_enough_data"


@dataclass
class Insights:
    """The whole analysis (verdicts only)."""

    days_analysed: int
    factors: list[FactorResult] = field(default_factory=list)


def lagged(frame: pd.DataFrame, column: str, lag: int) -> pd.Series:
    """The factor as it was `lag` calendar days earlier (NaN when that day is unknown)."""
    series = frame[column]
    if lag == 0:
        return series
    shifted = series.copy()
    shifted.index = shifted.index + pd.Timedelta(days=lag)
    return shifted.reindex(frame.index)


def bh_adjust(pvalues: Sequence[float]) -> list[float]:
    """BH-adjusted p-values (q-values), in the order given."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


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


def fit_many(y: FloatArray, x: FloatArray, alpha: float | None = None) -> list[Estimate | None]:
    """NB2 fit of log E[y] = a + x @ b; one Estimate per column of x (None if it cannot)."""
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


def _is_binary(values: pd.Series) -> bool:
    return bool(set(values.dropna().unique()) <= {0.0, 1.0})


def factor_columns(frame: pd.DataFrame) -> list[str]:
    """The factors to test: day factors and custom columns, then tags seen often enough."""
    columns = [c for c in frame.columns if c not in OUTCOME_COLUMNS and not c.startswith(TAG_PREFIX)]
    tags = sorted(c for c in frame.columns if c.startswith(TAG_PREFIX) and frame[c].sum() >= MIN_GROUP)
    return columns + tags


def _test(
    frame: pd.DataFrame,
    column: str,
    lag: int,
    x: pd.Series,
    adjust: FloatArray | None,
    shared: Estimate | None = None,
) -> FactorResult:
    """Test one factor at one lag, adjusted for the others by `adjust` (or `shared`, the joint fit)."""
    known = x.notna().to_numpy()
    y = frame["episodes"].to_numpy(float)[known]
    values = x.to_numpy(float)[known]
    binary = _is_binary(x)
    n = int(known.sum())
    scale = SCALE.get(column, 1.0)
    result = FactorResult(
        factor=column, lag_days=lag, kind="binary" if binary else "numeric", days_with_data=n
    )
    present = int(values.sum()) if binary else n
    absent = n - present if binary else n
    if n > 0 and len(set(values.tolist())) == 1 and binary:
        return result
    if n < MIN_DAYS or (binary and min(present, absent) < MIN_GROUP):
        return result
    if shared is not None and known.all():
        estimate: Estimate | None = shared
    else:
        columns = [values / scale] if adjust is None else [values / scale, *adjust[known].T]
        estimate = fit_many(y, np.column_stack(columns))[0]
    if estimate is None:
        result.verdict = "no_evidence"
        return result
    result.estimate, result.ci_low, result.ci_high, result.p = (
        estimate.rate_ratio,
        estimate.ci_low,
        estimate.ci_high,
        estimate.p,
    )
    return result


def _joint_estimates(
    frame: pd.DataFrame,
    series: dict[tuple[str, int], pd.Series],
    covariates: dict[tuple[str, int], FloatArray],
) -> dict[tuple[str, int], Estimate]:
    """All factors in one model, on the days where every one of them is known."""
    keys = list(covariates)
    complete = np.ones(len(frame), dtype=bool)
    for key in keys:
        complete &= series[key].notna().to_numpy()
    if not keys or complete.sum() - len(keys) - 1 < JOINT_MIN_DF:
        return {}
    x = np.column_stack([covariates[key][complete] for key in keys])
    estimates = fit_many(frame["episodes"].to_numpy(float)[complete], x)
    return {key: est for key, est in zip(keys, estimates, strict=True) if est is not None}


def _covariates(series: dict[tuple[str, int], pd.Series]) -> dict[tuple[str, int], FloatArray]:
    """Each testable factor-at-lag as a column, blanks filled with the factor's mean."""
    out: dict[tuple[str, int], FloatArray] = {}
    for (column, lag), x in series.items():
        if x.notna().sum() >= MIN_DAYS and x.nunique() > 1:
            out[(column, lag)] = (x.fillna(x.mean()) / SCALE.get(column, 1.0)).to_numpy(float)
    return out


def analyse(frame: pd.DataFrame) -> Insights:
    """Test every factor at lag 0 and 1, control the false discovery rate, give verdicts."""
    insights = Insights(days_analysed=len(frame))
    tests = [(column, lag) for column in factor_columns(frame) for lag in (0, 1)]
    series = {(column, lag): lagged(frame, column, lag) for column, lag in tests}
    covariates = _covariates(series)
    joint = len(frame) - len(covariates) - 1 >= JOINT_MIN_DF
    shared = _joint_estimates(frame, series, covariates) if joint else {}
    for column, lag in tests:
        others = [v for key, v in covariates.items() if key != (column, lag)]
        adjust = np.column_stack(others) if joint and others else None
        insights.factors.append(
            _test(frame, column, lag, series[(column, lag)], adjust, shared.get((column, lag)))
        )
    tested = [f for f in insights.factors if f.p is not None]
    for result, q in zip(tested, bh_adjust([f.p for f in tested if f.p is not None]), strict=True):
        result.q = q
        if q <= Q_LEVEL:
            result.verdict = "likely_trigger" if (result.estimate or 1) > 1 else "likely_protective"
        elif result.p is not None and result.p <= P_LEVEL:
            result.verdict = "possible"
        else:
            result.verdict = "no_evidence"
    return insights
