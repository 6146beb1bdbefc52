"""Insights benchmark: does the trigger analysis find real triggers, and only those?

Run: .venv/bin/python -m bench.insights_bench [diaries-per-cell]
Simulated diaries with known effects (numeric and yes/no factors, same-day and lagged,
harmful and protective, over-dispersed counts) and null diaries with no effect at all, at 60
and 90 days. Beside nasalis: the naive with/without comparison (Welch t test, p < 0.05, no
correction) that symptom apps use, on the same diaries. Also: the time to analyse 10 years
of daily data with 30 factors.
Goals (issue #4) at 90 days: sensitivity >= 0.85, false share <= 0.10, null diaries flagged <= 10%.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from bench.support.simulator import Effect, simulate
from nasalis.insights.frames import daily_frame, lagged
from nasalis.insights.triggers import analyse, factor_columns

SCENARIOS = [
    [Effect("caffeine_drinks", 1.3), Effect("tag:cheese", 2.0), Effect("sleep_hours", 0.8)],
    [Effect("alcohol_drinks", 1.3, lag=1), Effect("allergy_symptoms", 2.0, lag=1), Effect("stress", 1.1)],
]
Flags = dict[tuple[str, int], int]  # (factor, lag) -> +1 trigger, -1 protective


def nasalis_flags(frame: pd.DataFrame) -> Flags:
    """Factors nasalis calls likely_trigger / likely_protective."""
    out: Flags = {}
    for f in analyse(frame).factors:
        if f.verdict in ("likely_trigger", "likely_protective"):
            out[(f.factor, f.lag_days)] = 1 if f.verdict == "likely_trigger" else -1
    return out


def naive_flags(frame: pd.DataFrame) -> Flags:
    """With/without comparison: days with the factor (or above its median) vs without, p < 0.05."""
    out: Flags = {}
    for column in factor_columns(frame):
        for lag in (0, 1):
            x = lagged(frame, column, lag)
            y = frame["episodes"]
            binary = set(x.dropna().unique()) <= {0.0, 1.0}
            high = x == 1 if binary else x > x.median()
            low = x == 0 if binary else x <= x.median()
            a, b = y[high & x.notna()], y[low & x.notna()]
            if len(a) < 3 or len(b) < 3:
                continue
            p = stats.ttest_ind(a, b, equal_var=False).pvalue
            if p < 0.05:
                out[(column, lag)] = 1 if a.mean() > b.mean() else -1
    return out


def evaluate(method: Callable[[pd.DataFrame], Flags], n_days: int, per_cell: int) -> dict[str, float]:
    """Sensitivity per effect kind, false share among flags, and null diaries flagged."""
    hits = {"numeric RR 1.3/unit": [0, 0], "binary RR 2.0": [0, 0]}
    per_effect: dict[str, list[int]] = {}
    flagged = false = 0
    for i in range(per_cell):
        effects = SCENARIOS[i % len(SCENARIOS)]
        diary = simulate(n_days, effects, seed=10_000 + i)
        flags = method(daily_frame(diary.days, diary.episode_dates))
        truth = {(e.factor, e.lag): (1 if e.rate_ratio > 1 else -1) for e in effects}
        for e in effects:
            name = f"  {e.factor} RR {e.rate_ratio:g} lag {e.lag}"
            tally = per_effect.setdefault(name, [0, 0])
            tally[0] += flags.get((e.factor, e.lag)) == (1 if e.rate_ratio > 1 else -1)
            tally[1] += 1
            kind = {2.0: "binary RR 2.0", 1.3: "numeric RR 1.3/unit"}.get(e.rate_ratio)
            if kind:
                hits[kind][1] += 1
                hits[kind][0] += flags.get((e.factor, e.lag)) == 1
        flagged += len(flags)
        false += sum(1 for key, sign in flags.items() if truth.get(key) != sign)
    null_flagged = 0
    for i in range(per_cell):
        diary = simulate(n_days, [], seed=50_000 + i)
        null_flagged += any(v == 1 for v in method(daily_frame(diary.days, diary.episode_dates)).values())
    out = {f"sensitivity, {k}": h / n for k, (h, n) in hits.items()}
    out.update({name: h / n for name, (h, n) in sorted(per_effect.items())})
    out["share of flagged factors that are false"] = false / max(flagged, 1)
    out["null diaries with any trigger flagged"] = null_flagged / per_cell
    return out


def speed() -> float:
    """Seconds to analyse 10 years of daily data with 30 factors."""
    rng = np.random.default_rng(0)
    n = 3650
    frame = pd.DataFrame(
        {f"factor_{i}": rng.poisson(2, n).astype(float) for i in range(30)},
        index=pd.date_range("2016-01-01", periods=n, name="date"),
    )
    frame.insert(0, "episodes", rng.poisson(3, n).astype(float))
    start = time.perf_counter()
    result = analyse(frame)
    elapsed = time.perf_counter() - start
    assert len(result.factors) == 60
    return elapsed


def main() -> int:
    """Print the figures for both methods at 60 and 90 days."""
    per_cell = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(f"Insights benchmark: {per_cell} effect diaries and {per_cell} null diaries per length\n")
    results = {}
    for n_days in (60, 90):
        for name, method in (("nasalis", nasalis_flags), ("naive", naive_flags)):
            results[(name, n_days)] = evaluate(method, n_days, per_cell)
    metrics = list(next(iter(results.values())))
    header = "".join(f"{f'{m} {d}d':>14}" for m, d in results)
    print(f"{'':42}{header}")
    for metric in metrics:
        print(f"{metric:42}" + "".join(f"{r[metric]:>14.3f}" for r in results.values()))
    seconds = speed()
    print(f"\n10 years x 30 factors (60 tests): {seconds * 1000:.0f} ms (goal < 2 s)")
    r = results[("nasalis", 90)]
    ok = (
        min(r["sensitivity, numeric RR 1.3/unit"], r["sensitivity, binary RR 2.0"]) >= 0.85
        and r["share of flagged factors that are false"] <= 0.10
        and r["null diaries with any trigger flagged"] <= 0.10
        and seconds < 2
    )
    print("goals at 90 days:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
