"""Personal trigger analysis per the insights contract (nasalis.insights/1).

Every day factor, and every tag seen on enough days, is tested at lag 0 (same day) and
lag 1 (the day before) with the negative-binomial (NB2) count model of
nasalis.insights.countmodel; q is the Benjamini-Hochberg adjusted p-value over all tests of
the run. Too little data is an answer, never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from nasalis.diary.factors import FACTORS
from nasalis.insights.countmodel import Estimate, fit_many
from nasalis.insights.fdr import bh_adjust
from nasalis.insights.frames import TAG_PREFIX, WITHIN_DAY, lagged
from nasalis.wording import plural

SCHEMA = "nasalis.insights/1"
MIN_DAYS = 21
"""Fewest days with data before a factor is tested at all."""
MIN_GROUP = 5
"""Fewest days with, and without, a yes/no factor."""
Q_LEVEL = 0.10
P_LEVEL = 0.05
TARGET_NUMERIC_RR, TARGET_BINARY_RR = 1.3, 2.0
"""Effects the 'days still needed' estimate aims to detect with 80% power."""

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
        return out


@dataclass
class Insights:
    """The whole analysis."""

    days_analysed: int
    episodes_analysed: int
    factors: list[FactorResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The contract's JSON object."""
        return {
            "schema": SCHEMA,
            "days_analysed": self.days_analysed,
            "episodes_analysed": self.episodes_analysed,
            "factors": [f.to_json() for f in self.factors],
            "notes": list(self.notes),
        }


def _is_binary(values: pd.Series) -> bool:
    return bool(set(values.dropna().unique()) <= {0.0, 1.0})


def _days_needed(n: int, se: float | None, binary: bool, present: int) -> int:
    """Roughly how many more days would detect the target effect with 80% power."""
    if binary and present < MIN_GROUP:
        share = max(present, 1) / max(n, 1)
        return max(0, math.ceil(MIN_GROUP / share) - n, MIN_DAYS - n)
    if se is None:
        return max(MIN_DAYS - n, 7)
    target = math.log(TARGET_BINARY_RR if binary else TARGET_NUMERIC_RR)
    needed = n * (2.8 * se / target) ** 2  # z(0.975) + z(0.80) = 2.8; SE shrinks as 1/sqrt(n)
    return max(0, math.ceil(needed) - n)


def factor_columns(frame: pd.DataFrame) -> list[str]:
    """The factors to test: day factors and custom columns, then tags seen often enough."""
    columns = [
        c for c in frame.columns if c != "episodes" and c not in WITHIN_DAY and not c.startswith(TAG_PREFIX)
    ]
    tags = sorted(c for c in frame.columns if c.startswith(TAG_PREFIX) and frame[c].sum() >= MIN_GROUP)
    return columns + tags


JOINT_MIN_DF = 30
"""A joint model of all factors needs this many more days than factors; else one at a time."""


def _test(
    frame: pd.DataFrame,
    column: str,
    lag: int,
    x: pd.Series,
    adjust: FloatArray | None,
    shared: Estimate | None = None,
) -> FactorResult:
    """Test one factor at one lag (`x`, its lagged series), adjusted for the others by `adjust`.

    `shared` is this factor's estimate from the one joint fit, valid when the factor is known
    on every day; then no fit of its own is needed.
    """
    known = x.notna().to_numpy()
    y = frame["episodes"].to_numpy(float)[known]
    values = x.to_numpy(float)[known]
    binary = _is_binary(x)
    n = int(known.sum())
    scale = SCALE.get(column, 1.0)
    result = FactorResult(
        factor=column,
        lag_days=lag,
        kind="binary" if binary else "numeric",
        per="present" if binary else UNITS.get(column, "1 unit"),
        days_with_data=n,
    )
    present = int(values.sum()) if binary else n
    absent = n - present if binary else n
    result.does_not_vary = n > 0 and len(set(values.tolist())) == 1
    if result.does_not_vary and binary:
        return result  # more days of the same value would never be enough: no count to give
    if n < MIN_DAYS or (binary and min(present, absent) < MIN_GROUP):
        result.days_needed = _days_needed(n, None, binary, min(present, absent) if binary else n)
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
    result.days_needed = _days_needed(n, estimate.se_log, binary, present)
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
    """Each testable factor-at-lag as a column, blanks filled with the factor's mean.

    Only used to adjust one test for the others: the factor under test keeps its own
    known days only.
    """
    out: dict[tuple[str, int], FloatArray] = {}
    for (column, lag), x in series.items():
        if x.notna().sum() >= MIN_DAYS and x.nunique() > 1:
            out[(column, lag)] = (x.fillna(x.mean()) / SCALE.get(column, 1.0)).to_numpy(float)
    return out


def analyse(frame: pd.DataFrame) -> Insights:
    """Test every factor at lag 0 and 1, control the false discovery rate, give verdicts."""
    insights = Insights(days_analysed=len(frame), episodes_analysed=int(frame["episodes"].sum()))
    if len(frame) < MIN_DAYS:
        insights.notes.append(
            f"{len(frame)} days with a check-in so far; trigger analysis starts at {MIN_DAYS} days "
            f"({MIN_DAYS - len(frame)} more). Keep logging every day, including days without twitches."
        )
    tests = [(column, lag) for column in factor_columns(frame) for lag in (0, 1)]
    series = {(column, lag): lagged(frame, column, lag) for column, lag in tests}  # computed once
    covariates = _covariates(series)
    # Adjusting each test for the other factors removes their effects from the noise; it
    # needs enough days per factor, else each factor is tested on its own.
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
            result.days_needed = None
        elif result.p is not None and result.p <= P_LEVEL:
            result.verdict = "possible"
        else:
            result.verdict = "no_evidence"
    if tested:
        words = VERDICT_WORDS
        insights.notes.append(
            f"{len(tested)} of the {len(insights.factors)} tests had enough data to run. q is the "
            f"Benjamini-Hochberg adjusted p-value over those {len(tested)}, so of the verdicts "
            f"'{words['likely_trigger']}' and '{words['likely_protective']}' (q <= {Q_LEVEL}) about 1 in "
            f"10 is expected to be a coincidence; '{words['possible']}' did not hold up under that control."
        )
        insights.notes.append(
            "These are associations in your own diary, not proof of cause: a suspected trigger is best "
            "tested by changing it on purpose for alternating weeks and comparing."
        )
    waiting = [f for f in insights.factors if f.verdict == "not_enough_data" and f.days_needed]
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
    return insights


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
