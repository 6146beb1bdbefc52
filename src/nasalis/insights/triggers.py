"""Personal trigger analysis per the insights contract (nasalis.insights/1).

Every day factor, and every tag seen on enough days, is tested at lag 0 (same day) and lag 1
(the day before), each on its own known days, with a negative-binomial (NB2) count model that
also holds the diary's course over time, the weekday and yesterday's count
(nasalis.insights.baseline) and, penalised, the other day factors. What makes a verdict:

- `p` is the usual test of "no effect"; the standard error is widened when the twitching and
  the factor both run in spells (lag-1 autocorrelation of each), as slow bouts otherwise pass
  for effects.
- A finding must be worth having: `q` is Benjamini-Hochberg over tests of "no effect worth
  having" (an effect beyond `WORTHWHILE_SD` per standard deviation of a numeric factor, or
  `WORTHWHILE_PRESENT` for a yes/no one), a stricter procedure than plain BH, so that tiny
  associations a long diary makes certain are not called triggers.
- `likely_*` needs q <= `Q_LEVEL`. On the same day, a factor the twitching itself can change in
  the evening's check-in (`Factor.reverse_possible`: stress, sleep, caffeine) gets
  `same_day_either_way` instead: the data cannot tell which way it runs. A factor recorded in
  the morning check-in (before the day's twitches) is tested against the twitches after it.

The choices and the benchmark that chose them: docs/insights.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from nasalis.diary.factors import BY_NAME, FACTORS, MORNING_CHECK_IN
from nasalis.insights.baseline import base_design, yesterday_columns
from nasalis.insights.countmodel import Baseline, fit_baseline, fit_factor, fit_residual
from nasalis.insights.fdr import bh_adjust
from nasalis.insights.findings import (
    MORNING,
    SCALE,
    UNITS,
    FactorResult,
    Insights,
    write_notes,
)
from nasalis.insights.frames import (
    AFTER_MORNING,
    BEFORE_MORNING,
    MORNING_SHARE,
    TAG_PREFIX,
    WITHIN_DAY,
    lagged,
)
from nasalis.insights.serial import autocorrelations, variance_factor

MIN_DAYS = 21
"""Fewest days with data before a factor is tested at all."""
MIN_GROUP = 5
"""Fewest days with, and without, a yes/no factor."""
Q_LEVEL = 0.10
P_LEVEL = 0.05
WORTHWHILE_SD, WORTHWHILE_PRESENT = 1.05, 1.1
"""The smallest rate ratio worth calling a trigger: per standard deviation of a numeric factor,
and for a yes/no factor's presence."""
TARGET_NUMERIC_RR, TARGET_BINARY_RR = 1.3, 2.0
"""Effects the 'days still needed' estimate aims to detect with 80% power."""
REVERSE_POSSIBLE = frozenset(f.name for f in FACTORS if f.reverse_possible)
KNOWN_BY_MORNING = frozenset(f.name for f in MORNING_CHECK_IN)
"""What the morning check-in records (its own factors and last night's sleep): tested within the day."""
YESTERDAY_HELD = REVERSE_POSSIBLE | MORNING
"""Factors whose tests hold yesterday's count: a bad yesterday can raise what is written today."""
SPELL_LAGS = 21
"""Calendar lags over which spells widen a test's variance (serial.variance_factor): three weeks,
not serial's one, because a diary's slow wander and a factor drifting with it stay correlated for
weeks, and one week let drift pass for effects (docs/insights.md, "Second pass")."""
ADJUSTERS = tuple(f.name for f in FACTORS if f.recorded == "day")
"""The day factors each test is adjusted for (never the tags: ten tags would outrun the days)."""

FloatArray = npt.NDArray[np.float64]


def _is_binary(column: str, values: pd.Series) -> bool:
    """A yes/no factor: declared so, a tag, or a custom column seen only as 0 and 1."""
    if column in BY_NAME:
        return BY_NAME[column].type == "bool"
    return column.startswith(TAG_PREFIX) or bool(set(values.dropna().unique()) <= {0.0, 1.0})


def factor_columns(frame: pd.DataFrame) -> list[str]:
    """The factors to test: day factors and custom columns, then tags seen often enough."""
    columns = [
        c for c in frame.columns if c != "episodes" and c not in WITHIN_DAY and not c.startswith(TAG_PREFIX)
    ]
    tags = sorted(c for c in frame.columns if c.startswith(TAG_PREFIX) and frame[c].sum() >= MIN_GROUP)
    return columns + tags


@dataclass(frozen=True)
class _Shared:
    """What every test of one analysis reads: the base fit, the adjusters, the family's threshold."""

    frame: pd.DataFrame
    base: Baseline
    day: npt.NDArray[np.int64]
    """Each known day's number in the calendar (0 for the first)."""
    yesterday: FloatArray
    """Yesterday's count columns (baseline.yesterday_columns), for the tests of YESTERDAY_HELD."""
    adjusters: dict[tuple[str, int], pd.Series]
    z_first: float
    """The z a test needs to be the first finding of this family (BH's smallest threshold)."""
    known_share: float
    """Known days per calendar day of the diary: more days logged means more calendar days."""


def _worthwhile(binary: bool, values: FloatArray) -> float:
    """The log rate ratio per step below which an effect is not worth a verdict."""
    if binary:
        return math.log(WORTHWHILE_PRESENT)
    sd = float(values.std())
    return math.log(WORTHWHILE_SD) / sd if sd > 0 else math.inf


def _more_days(result: FactorResult, se: float, margin: float, shared: _Shared, binary: bool) -> int:
    """Calendar days more (at this diary's rate of logging) to detect the target effect."""
    target = math.log(TARGET_BINARY_RR if binary else TARGET_NUMERIC_RR) - margin
    n = result.days_with_data
    if target <= 0:
        return 0
    needed_se = target / (shared.z_first + 0.84)
    more_known = n * (se / needed_se) ** 2 - n
    return max(0, math.ceil(more_known / max(shared.known_share, 0.1)))


def _rows(
    shared: _Shared, column: str, lag: int, x: pd.Series
) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray | None, list[FloatArray], bool]:
    """Which days a test uses, its outcome, offset, extra fixed columns and whether within-day."""
    frame = shared.frame
    known = x.notna().to_numpy()
    within = False
    if lag == 0 and AFTER_MORNING in frame and column in KNOWN_BY_MORNING:
        morning = known & frame[AFTER_MORNING].notna().to_numpy()
        if column in MORNING or morning.sum() >= MIN_DAYS:
            known, within = morning, True
    if not within:
        return known, frame["episodes"].to_numpy(float)[known], None, [], False
    y = frame[AFTER_MORNING].to_numpy(float)[known]
    offset = np.log(frame[MORNING_SHARE].to_numpy(float)[known])
    before = np.log1p(frame[BEFORE_MORNING].to_numpy(float)[known])
    return known, y, offset, [before] if len(before) and np.ptp(before) > 0 else [], True


def _test(shared: _Shared, column: str, lag: int, x: pd.Series) -> FactorResult:
    """Test one factor at one lag (`x`, its lagged series)."""
    binary = _is_binary(column, x)
    scale = SCALE.get(column, 1.0)
    known, y, offset, extra, within = _rows(shared, column, lag, x)
    values = x.to_numpy(float)[known]
    result, testable = _opened(column, lag, values, binary, within)
    if not testable:
        return result
    n = result.days_with_data
    present = int(values.sum()) if binary else n
    absent = n - present if binary else n
    base = shared.base
    if column in YESTERDAY_HELD and shared.yesterday.size:
        extra = [*extra, *shared.yesterday[known].T]
    fixed = np.column_stack([base.design[known], *extra]) if extra else base.design[known]
    start = np.concatenate([base.beta, np.zeros(len(extra))])
    if within:  # the morning's own outcome: its level is not the whole day's
        start = start.copy()
        start[0] = math.log(max(y.mean(), 0.1)) - float(np.mean(offset if offset is not None else 0.0))
    if within:  # only what the morning knew: the evening's values may be the day's doing
        others = [
            _filled(shared.frame, c)[known] for c in KNOWN_BY_MORNING if c != column and c in shared.frame
        ]
        # yesterday's factors were known by the morning too, and a real cause the day before
        # (yesterday's coffee) otherwise speaks through whatever the morning recorded beside it;
        # never the factor's own yesterday, as in the whole-day test: a lasting effect is its own
        others += [
            v.to_numpy(float)[known]
            for key, v in shared.adjusters.items()
            if key[1] == 1 and key[0] != column
        ]
    else:
        others = [v.to_numpy(float)[known] for key, v in shared.adjusters.items() if key[0] != column]
    adjust = np.column_stack(others) if others else None
    fitted = fit_factor(y, values / scale, fixed, start, base.alpha, adjust, offset)
    if fitted is None:
        return result  # nothing can be estimated yet (e.g. the same value on every one of these days)
    b, se, df = fitted
    if binary:  # a contrast of few days knows its spread from those few days, not from all of them
        df = min(df, min(present, absent) - 1)
    se *= math.sqrt(variance_factor(base.residual_rho, values, shared.day[known]))
    tq = float(stats.t.ppf(0.975, df))
    if abs(b) + tq * se > 30:
        return result  # the factor separates the data (e.g. no twitch on any of its days): not yet estimable
    margin = _worthwhile(binary, values / scale)
    result.estimate, result.ci_low, result.ci_high = math.exp(b), math.exp(b - tq * se), math.exp(b + tq * se)
    result.p = float(2 * stats.t.sf(abs(b / se), df))
    beyond = abs(b) - margin
    result.p_worthwhile = 1.0 if beyond <= 0 else min(1.0, float(2 * stats.t.sf(beyond / se, df)))
    result.min_detectable_effect = math.exp(margin + (shared.z_first + 0.84) * se)
    result.days_needed = _more_days(result, se, margin, shared, binary)
    return result


def _filled(frame: pd.DataFrame, column: str) -> FloatArray:
    """A factor's column with blanks at its mean, scaled to its insights step."""
    x = frame[column]
    return np.asarray(x.fillna(x.mean()).to_numpy(float) / SCALE.get(column, 1.0), dtype=np.float64)


def _too_few(n: int, binary: bool, present: int) -> int:
    """Roughly how many more days before a test can run at all."""
    if binary and present < MIN_GROUP:
        share = max(present, 1) / max(n, 1)
        return max(0, math.ceil(MIN_GROUP / share) - n, MIN_DAYS - n)
    return max(MIN_DAYS - n, 7)


def _shared(frame: pd.DataFrame, tests: int) -> _Shared | None:
    """Fit the base model once; collect the adjusting day factors at both lags."""
    dates = pd.DatetimeIndex(frame.index)
    day = np.asarray((dates - dates[0]).days, dtype=np.int64)
    base = fit_baseline(frame["episodes"].to_numpy(float), base_design(frame), day)
    if base is None:
        return None
    adjusters: dict[tuple[str, int], pd.Series] = {}
    for name in (c for c in ADJUSTERS if c in frame):
        for lag in (0, 1):
            if lag == 0 and name in REVERSE_POSSIBLE:
                continue  # the day's own twitching moves it: adjusting for it would take real effects away
            x = lagged(frame, name, lag)
            if x.notna().sum() >= MIN_DAYS and x.nunique() > 1:
                adjusters[(name, lag)] = (x.fillna(x.mean()) / SCALE.get(name, 1.0)).astype(float)
    base = _with_factors(frame, base, adjusters, day)
    span = (dates[-1] - dates[0]).days + 1
    z_first = float(stats.norm.isf(Q_LEVEL / (2 * max(tests, 1))))
    return _Shared(frame, base, day, yesterday_columns(frame), adjusters, z_first, len(frame) / span)


def _with_factors(
    frame: pd.DataFrame,
    base: Baseline,
    adjusters: dict[tuple[str, int], pd.Series],
    day: npt.NDArray[np.int64],
) -> Baseline:
    """The base fit with its dispersion and residual spells measured with every factor in the model."""
    columns = [v.to_numpy(float) for v in adjusters.values()]
    columns += [frame[c].to_numpy(float) for c in factor_columns(frame) if c.startswith(TAG_PREFIX)]
    stacked = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    fitted = fit_residual(frame["episodes"].to_numpy(float), base.design, base.beta, stacked, base.alpha)
    if fitted is None:
        return base
    alpha, residuals = fitted
    return replace(base, alpha=alpha, residual_rho=autocorrelations(residuals, day, SPELL_LAGS))


def _verdicts(results: list[FactorResult]) -> list[FactorResult]:
    """q over the worthwhile tests; likely, either way, possible or no evidence."""
    tested = [f for f in results if f.p_worthwhile is not None]
    _one_direction(tested)
    for result, q in zip(tested, bh_adjust([f.p_worthwhile or 1.0 for f in tested]), strict=True):
        result.q = max(q, result.p or 0.0)
        reverse = result.lag_days == 0 and result.factor in YESTERDAY_HELD and not result.within_day
        result.direction_unclear = reverse and (result.p or 1) <= P_LEVEL
        if q <= Q_LEVEL:
            if reverse:
                result.verdict = "same_day_either_way"
            else:
                result.verdict = "likely_trigger" if (result.estimate or 1) > 1 else "likely_protective"
            result.days_needed = None
        elif (result.p_worthwhile or 1.0) <= P_LEVEL:
            result.verdict = "possible"
        else:
            result.verdict = "no_evidence"
    return tested


def _one_direction(tested: list[FactorResult]) -> None:
    """For a factor whose tests hold yesterday's count, two opposite lags are one effect, not two.

    Holding yesterday's count fixed turns a real same-day effect of a factor that runs in spells
    into an opposite-looking one the day after (a collider: the bench found a true same-day
    coffee effect showing as coffee "helping" the next day in 1 bout-prone diary in 7). So the
    weaker of two opposite lags of such a factor is never a finding. Other factors' tests do not
    hold yesterday's count, and their opposite lags (a rebound) both stand.
    """
    by_factor: dict[str, list[FactorResult]] = {}
    for f in tested:
        by_factor.setdefault(f.factor, []).append(f)
    for factor, pair in by_factor.items():
        if (
            factor in YESTERDAY_HELD
            and len(pair) == 2
            and ((pair[0].estimate or 1) - 1) * ((pair[1].estimate or 1) - 1) < 0
        ):
            weaker = max(pair, key=lambda f: f.p or 1.0)
            weaker.p_worthwhile = 1.0


def analyse(frame: pd.DataFrame) -> Insights:
    """Test every factor at lag 0 and 1, control false findings, give verdicts."""
    insights = Insights(days_analysed=len(frame), episodes_analysed=int(frame["episodes"].sum()))
    if len(frame):
        insights.span_days = (frame.index[-1] - frame.index[0]).days + 1
    if len(frame) < MIN_DAYS:
        insights.notes.append(
            f"{len(frame)} days with a check-in so far; trigger analysis starts at {MIN_DAYS} days "
            f"({MIN_DAYS - len(frame)} more). Keep logging every day, including days without twitches."
        )
    tests = [(column, lag) for column in factor_columns(frame) for lag in (0, 1)]
    shared = _shared(frame, len(tests)) if len(frame) >= MIN_DAYS else None
    for column, lag in tests:
        x = lagged(frame, column, lag)
        if shared is None:
            insights.factors.append(_unfitted(column, lag, x))
        else:
            insights.factors.append(_test(shared, column, lag, x))
    tested = _verdicts(insights.factors)
    write_notes(insights, tested, Q_LEVEL, MIN_DAYS)
    return insights


def _opened(
    column: str, lag: int, values: FloatArray, binary: bool, within: bool = False
) -> tuple[FactorResult, bool]:
    """A test's result before any fit, and whether its days are enough to fit it."""
    n = len(values)
    result = FactorResult(
        factor=column,
        lag_days=lag,
        kind="binary" if binary else "numeric",
        per="present" if binary else UNITS.get(column, "1 unit"),
        days_with_data=n,
        within_day=within,
    )
    result.does_not_vary = n > 0 and len(set(values.tolist())) == 1
    if result.does_not_vary and binary:
        return result, False  # more days of the same value would never be enough: no count to give
    smaller = min(int(values.sum()), n - int(values.sum())) if binary else n
    if n < MIN_DAYS or (binary and smaller < MIN_GROUP):
        result.days_needed = _too_few(n, binary, smaller)
        return result, False
    return result, True


def _unfitted(column: str, lag: int, x: pd.Series) -> FactorResult:
    """A test of a diary too short (or too empty) to fit at all."""
    result, testable = _opened(column, lag, x.dropna().to_numpy(float), _is_binary(column, x))
    if testable:
        result.verdict = "no_evidence"  # enough days, but no twitch at all: nothing to compare
    return result
