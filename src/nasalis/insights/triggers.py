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
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from nasalis.diary.factors import BY_NAME, FACTORS, MORNING_CHECK_IN
from nasalis.insights.baseline import base_design, yesterday_columns
from nasalis.insights.countmodel import Baseline, fit_baseline, fit_factor, fit_residual
from nasalis.insights.fdr import bh_adjust
from nasalis.insights.frames import (
    AFTER_MORNING,
    BEFORE_MORNING,
    MORNING_SHARE,
    TAG_PREFIX,
    WITHIN_DAY,
    lagged,
)
from nasalis.insights.serial import autocorrelations, variance_factor
from nasalis.wording import plural

SCHEMA = "nasalis.insights/1"
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
MORNING = frozenset(f.name for f in FACTORS if f.recorded == "morning")
KNOWN_BY_MORNING = frozenset(f.name for f in MORNING_CHECK_IN)
"""What the morning check-in records (its own factors and last night's sleep): tested within the day."""
YESTERDAY_HELD = REVERSE_POSSIBLE | MORNING
"""Factors whose tests hold yesterday's count: a bad yesterday can raise what is written today."""
NOT_ADVICE = frozenset(f.name for f in FACTORS if f.not_advice)
ADJUSTERS = tuple(f.name for f in FACTORS if f.recorded == "day")
"""The day factors each test is adjusted for (never the tags: ten tags would outrun the days)."""

UNITS = {f.name: f.per for f in FACTORS if f.per}
"""Each numeric day factor's step in words: a rate ratio is per this much more."""
SCALE = {f.name: f.scale for f in FACTORS if f.scale != 1.0}

FACTOR_WORDS: dict[str, tuple[str, str]] = {f.name: (f.in_list, f.one_more) for f in FACTORS}
"""How a person reads each day factor: its name in a list, and "one more" of it (or its being there)."""

VERDICT_WORDS = {
    "likely_trigger": "Likely trigger",
    "likely_protective": "Seems to help",
    "possible": "Possible — not sure",
    "same_day_either_way": "Goes together, but which causes which is unclear",
    "no_evidence": "No sign of an effect",
    "not_enough_data": "Not enough data yet",
}
"""Each verdict of the contract in words, strongest first (screens show these, never the codes)."""

FloatArray = npt.NDArray[np.float64]


@dataclass
class FactorResult:
    """One test: a factor at a lag, and what it shows."""

    factor: str
    lag_days: int
    kind: str
    per: str
    days_with_data: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    q: float | None = None
    verdict: str = "not_enough_data"
    days_needed: int | None = None
    does_not_vary: bool = False
    """The same value on every known day (a yes/no factor never, or always, there): no count of
    days can test it until it changes."""
    min_detectable_effect: float | None = None
    """The rate ratio (per step) this diary would find four times in five."""
    direction_unclear: bool = False
    """A same-day association of a value the day itself can change."""
    within_day: bool = False
    """Tested against the twitches after the morning check-in that recorded it."""
    p_worthwhile: float | None = None

    def to_json(self) -> dict[str, object]:
        """The contract's object for this test."""
        out: dict[str, object] = {
            "factor": self.factor,
            "lag_days": self.lag_days,
            "kind": self.kind,
            "effect": "rate_ratio",
            "per": self.per,
        }
        for key in ("estimate", "ci_low", "ci_high"):
            value = getattr(self, key)
            out[key] = None if value is None else round(value, 4)
        out["p"] = None if self.p is None else float(f"{self.p:.4g}")
        out["q"] = None if self.q is None else float(f"{self.q:.4g}")
        out["days_with_data"] = self.days_with_data
        out["verdict"] = self.verdict
        if self.days_needed is not None:
            out["more_days_needed"] = self.days_needed
        if self.does_not_vary:
            out["does_not_vary"] = True
        if self.min_detectable_effect is not None:
            out["min_detectable_effect"] = round(self.min_detectable_effect, 3)
        if self.direction_unclear:
            out["direction_unclear"] = True
        if self.within_day:
            out["within_day"] = True
        return out


@dataclass
class Insights:
    """The whole analysis."""

    days_analysed: int
    episodes_analysed: int
    factors: list[FactorResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    span_days: int = 0
    """Calendar days from the first check-in to the last."""

    def to_json(self) -> dict[str, object]:
        """The contract's JSON object."""
        return {
            "schema": SCHEMA,
            "days_analysed": self.days_analysed,
            "episodes_analysed": self.episodes_analysed,
            "factors": [f.to_json() for f in self.factors],
            "notes": list(self.notes),
        }


def verdict_words(f: FactorResult) -> str:
    """The verdict as a screen shows it; a drink is never said to help (Factor.not_advice)."""
    if f.verdict == "likely_protective" and f.factor in NOT_ADVICE:
        return "Goes with fewer twitches (not advice to have more)"
    return VERDICT_WORDS.get(f.verdict, f.verdict)


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
    n = int(known.sum())
    result = FactorResult(
        factor=column,
        lag_days=lag,
        kind="binary" if binary else "numeric",
        per="present" if binary else UNITS.get(column, "1 unit"),
        days_with_data=n,
        within_day=within,
    )
    present = int(values.sum()) if binary else n
    absent = n - present if binary else n
    result.does_not_vary = n > 0 and len(set(values.tolist())) == 1
    if result.does_not_vary and binary:
        return result  # more days of the same value would never be enough: no count to give
    if n < MIN_DAYS or (binary and min(present, absent) < MIN_GROUP):
        result.days_needed = _too_few(n, binary, min(present, absent) if binary else n)
        return result
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
    return replace(base, alpha=alpha, residual_rho=autocorrelations(residuals, day))


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
            insights.factors.append(_unfitted(frame, column, lag, x))
        else:
            insights.factors.append(_test(shared, column, lag, x))
    tested = _verdicts(insights.factors)
    _notes(insights, tested)
    return insights


def _unfitted(frame: pd.DataFrame, column: str, lag: int, x: pd.Series) -> FactorResult:
    """A test the diary is too short (or too empty) to run."""
    binary = _is_binary(column, x)
    values = x.dropna().to_numpy(float)
    n = len(values)
    result = FactorResult(
        factor=column,
        lag_days=lag,
        kind="binary" if binary else "numeric",
        per="present" if binary else UNITS.get(column, "1 unit"),
        days_with_data=n,
    )
    result.does_not_vary = n > 0 and len(set(values.tolist())) == 1
    if result.does_not_vary and binary:
        return result
    present = int(values.sum()) if binary else n
    if n < MIN_DAYS or (binary and min(present, n - present) < MIN_GROUP):
        result.days_needed = _too_few(n, binary, min(present, n - present) if binary else n)
    else:
        result.verdict = "no_evidence"  # enough days, but no twitch at all: nothing to compare
    return result


LOGGED_ENOUGH = 0.9
"""Below this share of calendar days checked in, the notes say why every day counts."""


def _logged_share(known: int, span: int) -> float | None:
    """The share of calendar days with a check-in, when it is low enough to mention."""
    if known < MIN_DAYS or span <= 0:
        return None
    share = known / span
    return share if share < LOGGED_ENOUGH else None


def _notes(insights: Insights, tested: list[FactorResult]) -> None:
    """What the verdicts mean, what needs more days and what cannot be tested."""
    if tested:
        words = VERDICT_WORDS
        insights.notes.append(
            f"{len(tested)} of the {len(insights.factors)} tests had enough data to run. "
            f"'{words['likely_trigger']}' and '{words['likely_protective']}' need an effect worth having "
            f"that holds up across all {len(tested)} tests (q <= {Q_LEVEL}); '{words['possible']}' did not."
        )
        insights.notes.append(
            "These are associations in your own diary, not proof of cause: a suspected trigger is best "
            "tested by changing it on purpose for alternating weeks and comparing."
        )
    if any(f.verdict == "same_day_either_way" for f in insights.factors):
        insights.notes.append(
            f"'{VERDICT_WORDS['same_day_either_way']}': a bad day can itself raise the stress, the coffee "
            "or the short night you write down that evening. The morning check-in, made before the day's "
            "twitches, can tell which way it runs; so can an experiment."
        )
    logged = _logged_share(insights.days_analysed, insights.span_days)
    if logged is not None:
        insights.notes.append(
            f"You checked in on {insights.days_analysed} of the {insights.span_days} days since your first "
            "check-in. A day without a check-in is unknown, not twitch-free, so it cannot count: logging "
            "every day, the twitch-free ones too (one tap: No twitches today), is what lets this analysis "
            "tell a trigger from chance."
        )
    waiting = [
        f
        for f in insights.factors
        if f.verdict == "not_enough_data"
        and f.days_needed
        and not (f.factor in MORNING and not f.days_with_data)
    ]  # a morning check-in never made is not waiting for days: it is not in use
    if waiting:
        most = max(f.days_needed or 0 for f in waiting)
        insights.notes.append(
            f"{plural(len(waiting), 'test needs', 'tests need')} more data: up to "
            f"{plural(most, 'more day')} of check-ins."
        )
    unvarying = sorted({factor_name(f.factor) for f in insights.factors if f.does_not_vary})
    if unvarying:
        said = (
            f"{', '.join(unvarying)}: the same on every day so far, so it cannot be tested until it "
            "changes from day to day (log it on the days it happens and on the days it does not)."
        )
        insights.notes.append(said[:1].upper() + said[1:])


def factor_name(factor: str) -> str:
    """A factor as a person reads it in a list: "caffeinated drinks", "“gym” (tag)"."""
    if factor in FACTOR_WORDS:
        return FACTOR_WORDS[factor][0]
    if factor.startswith(TAG_PREFIX):
        return f"“{factor.removeprefix(TAG_PREFIX).replace('_', ' ')}” (tag)"
    return factor.replace("_", " ")


def factor_more(f: FactorResult) -> str:
    """What a test compares, in words: "one more alcoholic drink", "the tag “gym”"."""
    if f.factor in FACTOR_WORDS:
        return FACTOR_WORDS[f.factor][1]
    if f.factor.startswith(TAG_PREFIX):
        return f"the tag “{f.factor.removeprefix(TAG_PREFIX).replace('_', ' ')}”"
    name = f.factor.replace("_", " ")
    return name if f.kind == "binary" else f"{f.per.replace('1 ', 'one more ', 1)} of {name}"
