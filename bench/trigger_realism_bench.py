"""Trigger analysis on realistic diaries: the independent bench (issue 19).

Run: python -m bench.trigger_realism_bench [--diaries N] [--days 60,90,180,365]
     [--scenario clean,reverse,...] [--seed-base S] [--held-out]
For each scenario (clean, each departure of bench/support/real_diaries.py alone, all of them at
moderate strength) and each diary length: N diaries with true effects (caffeine RR 1.3 per
drink and the tag "cheese" RR 2.0, same day or the day before) and N null diaries (no effect
at all), each through the product's own `daily_frame` and `analyse`. Beside it, on the same
diaries: the naive comparison (one unadjusted Poisson regression per factor and lag, i.e. the
with/without rate ratio for yes/no factors, Benjamini-Hochberg at the product's q level).

- sensitivity: share of true effects flagged `likely_trigger` (on the true factor, at either
  lag: "same day or the day before" counts); "exact lag" in brackets for nasalis.
- false share: of all `likely_*` flags in the effect diaries, the share on a factor with no
  true effect or in the wrong direction (`likely_protective` included).
- null flagged: share of null diaries with any `likely_*`; "either way" is the share of null
  diaries with a `same_day_either_way` verdict (not a claim, shown for information).

Seeds: development seeds by default. `--held-out` uses a separate range (HELD_OUT_BASE) kept
for one final measurement; development runs must not use it.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from bench.support.real_diaries import Departures, Effect, simulate_diary, true_effects
from nasalis.insights.frames import daily_frame, lagged
from nasalis.insights.triggers import Q_LEVEL, analyse, factor_columns

HELD_OUT_BASE = 900_000
"""Seeds from here on are the held-out benchmark: run once, by the lead, at the end."""
LENGTHS = (60, 90, 180, 365)
SCENARIOS: dict[str, tuple[str, Departures]] = {
    "clean": ("clean (independent days, no trend, every day logged)", Departures()),
    "reverse": ("a bad day makes people log more stress and coffee", Departures().only("reverse")),
    "drift": ("twitching fades/drifts over weeks, stress and water with it", Departures().only("drift")),
    "bouts": ("slow bouts (AR(1) twitching, flares, autocorrelated factors)", Departures().only("bouts")),
    "missing": ("good days logged less often (~70% of days logged)", Departures().only("missing")),
    "tags": ("25 extra non-causal tags", Departures().only("tags")),
    "texture": ("over-dispersion, day of week, correlated factors", Departures().only("texture")),
    "all": ("all of these at moderate strength", Departures.all()),
}
Flags = dict[tuple[str, int], int]
"""(factor, lag) -> +1 for a likely trigger, -1 for likely protective."""


@dataclass
class Tally:
    """One method's counts over one cell (scenario x length)."""

    hits: dict[str, int] = field(default_factory=lambda: {"numeric": 0, "yes/no": 0})
    exact: dict[str, int] = field(default_factory=lambda: {"numeric": 0, "yes/no": 0})
    effects: dict[str, int] = field(default_factory=lambda: {"numeric": 0, "yes/no": 0})
    flags: int = 0
    false: int = 0
    null_diaries: int = 0
    null_flagged: int = 0
    null_either_way: int = 0
    seconds: list[float] = field(default_factory=list)

    def sensitivity(self, kind: str, exact: bool = False) -> float:
        """Share of true effects of this kind flagged as a likely trigger."""
        return (self.exact if exact else self.hits)[kind] / max(self.effects[kind], 1)

    def false_share(self) -> float:
        """Share of likely_* flags that are false (NaN when nothing was flagged)."""
        return self.false / self.flags if self.flags else float("nan")


def nasalis_flags(frame: pd.DataFrame) -> tuple[Flags, bool]:
    """The product's likely_* verdicts, and whether any verdict is same_day_either_way."""
    out: Flags = {}
    either = False
    for f in analyse(frame).factors:
        if f.verdict in ("likely_trigger", "likely_protective"):
            out[(f.factor, f.lag_days)] = 1 if f.verdict == "likely_trigger" else -1
        either = either or f.verdict == "same_day_either_way"
    return out, either


def _poisson_slope(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float] | None:
    """Log rate ratio per unit of x and its p-value from an unadjusted Poisson GLM (Newton)."""
    sd = float(x.std())
    if sd == 0 or y.sum() == 0:
        return None
    design = np.column_stack([np.ones_like(x), (x - x.mean()) / sd])
    beta = np.array([np.log(y.mean()), 0.0])
    for _ in range(50):
        mu = np.exp(np.clip(design @ beta, -30, 30))
        hessian = design.T @ (design * mu[:, None])
        step = np.linalg.solve(hessian, design.T @ (y - mu))
        beta = beta + np.clip(step, -2, 2)
        if np.abs(step).max() < 1e-8:
            break
    mu = np.exp(np.clip(design @ beta, -30, 30))
    cov = np.linalg.inv(design.T @ (design * mu[:, None]))
    z = beta[1] / np.sqrt(cov[1, 1])
    return float(beta[1] / sd), float(2 * stats.norm.sf(abs(z)))


def benjamini_hochberg(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """BH-adjusted q-values, in the order given."""
    m = len(p)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


def naive_flags(frame: pd.DataFrame) -> tuple[Flags, bool]:
    """Each factor and lag alone in a Poisson regression; BH at the product's q level."""
    keys: list[tuple[str, int]] = []
    slopes: list[float] = []
    ps: list[float] = []
    for column in factor_columns(frame):
        for lag in (0, 1):
            x = lagged(frame, column, lag)
            known = x.notna().to_numpy()
            fit = _poisson_slope(x.to_numpy()[known], frame["episodes"].to_numpy()[known])
            if fit is not None:
                keys.append((column, lag))
                slopes.append(fit[0])
                ps.append(fit[1])
    if not keys:
        return {}, False
    q = benjamini_hochberg(np.array(ps))
    return {k: (1 if s > 0 else -1) for k, s, qk in zip(keys, slopes, q, strict=True) if qk <= Q_LEVEL}, False


METHODS: dict[str, Callable[[pd.DataFrame], tuple[Flags, bool]]] = {
    "nasalis": nasalis_flags,
    "naive": naive_flags,
}


def _kind(effect: Effect) -> str:
    return "yes/no" if effect.factor.startswith("tag:") or effect.factor == "allergy_symptoms" else "numeric"


def run_cell(scenario: str, n_days: int, per_cell: int, seed_base: int) -> dict[str, Tally]:
    """Simulate the cell's effect and null diaries; tally each method on the same diaries."""
    departures = SCENARIOS[scenario][1]
    tallies = {name: Tally() for name in METHODS}
    cell = zlib.crc32(scenario.encode())
    for kind in ("effect", "null"):
        for i in range(per_cell):
            seed = np.random.SeedSequence([seed_base, cell, n_days, kind == "null", i])
            effects = true_effects(i) if kind == "effect" else []
            diary = simulate_diary(n_days, effects, departures, seed)
            frame = daily_frame(diary.days, diary.episode_dates)
            truth = {e.factor: (1 if e.rate_ratio > 1 else -1) for e in effects}
            for name, method in METHODS.items():
                tally = tallies[name]
                start = time.process_time()
                flags, either = method(frame)
                tally.seconds.append(time.process_time() - start)
                if kind == "null":
                    tally.null_diaries += 1
                    tally.null_flagged += bool(flags)
                    tally.null_either_way += either
                    continue
                for e in effects:
                    k = _kind(e)
                    tally.effects[k] += 1
                    tally.hits[k] += any(flags.get((e.factor, lag)) == 1 for lag in (0, 1))
                    tally.exact[k] += flags.get((e.factor, e.lag)) == 1
                tally.flags += len(flags)
                tally.false += sum(1 for (factor, _), sign in flags.items() if truth.get(factor) != sign)
    return tallies


def _row(label: str, t: dict[str, Tally]) -> str:
    n, v = t["nasalis"], t["naive"]
    return (
        f"| {label} | {n.sensitivity('numeric'):.2f} / {n.sensitivity('yes/no'):.2f}"
        f" ({n.sensitivity('numeric', True):.2f} / {n.sensitivity('yes/no', True):.2f})"
        f" | {n.false_share():.2f} | {n.null_flagged / n.null_diaries:.0%}"
        f" | {n.null_either_way / n.null_diaries:.0%}"
        f" | {v.sensitivity('numeric'):.2f} / {v.sensitivity('yes/no'):.2f}"
        f" | {v.false_share():.2f} | {v.null_flagged / v.null_diaries:.0%}"
        f" | {np.mean(n.seconds):.2f} / {np.max(n.seconds):.1f} |"
    )


HEADER = (
    "| scenario | nasalis sensitivity num / yes-no (exact lag) | false share | null flagged "
    "| null either way | naive sensitivity | naive false share | naive null flagged "
    "| analyse s mean / max |\n|---|---|---|---|---|---|---|---|---|"
)


def _goals(results: dict[tuple[str, int], dict[str, Tally]]) -> list[str]:
    """The issue's goals that this run can check, each with met / NOT met."""
    lines = []
    clean = results.get(("clean", 90))
    if clean:
        n = clean["nasalis"]
        ok = min(n.sensitivity("numeric"), n.sensitivity("yes/no")) >= 0.80 and n.false_share() <= 0.10
        lines.append(
            f"clean 90 d: sensitivity >= 0.80 both, false share <= 0.10: {'met' if ok else 'NOT met'}"
        )
    for (scenario, days), t in sorted(results.items()):
        if scenario == "all":
            n = t["nasalis"]
            ok = n.false_share() <= 0.10 and n.null_flagged / n.null_diaries <= 0.05
            lines.append(
                f"all {days} d: false share <= 0.10, null flagged <= 5%: {'met' if ok else 'NOT met'}"
            )
    return lines


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line; a development seed base inside the held-out range is refused."""
    parser = argparse.ArgumentParser(prog="python -m bench.trigger_realism_bench", description=__doc__)
    parser.add_argument("--diaries", type=int, default=20, help="effect and null diaries per cell")
    parser.add_argument("--days", default="90", help="comma-separated lengths, e.g. 60,90,180,365")
    parser.add_argument("--scenario", default=",".join(SCENARIOS), help="comma-separated scenario names")
    parser.add_argument("--seed-base", type=int, default=0, help="development seed base")
    parser.add_argument("--held-out", action="store_true", help="the held-out seeds (run once, at the end)")
    args = parser.parse_args(argv)
    if args.diaries < 1:
        parser.error("--diaries must be at least 1")
    try:
        args.days = [int(d) for d in args.days.split(",")]
    except ValueError:
        parser.error(f"--days must be comma-separated whole numbers (got {args.days!r})")
    if any(d < 1 for d in args.days):
        parser.error("--days must be positive")
    args.scenario = args.scenario.split(",")
    unknown = [s for s in args.scenario if s not in SCENARIOS]
    if unknown:
        parser.error(f"--scenario: unknown {', '.join(unknown)} (known: {', '.join(SCENARIOS)})")
    if args.held_out:
        args.seed_base = HELD_OUT_BASE
    elif not 0 <= args.seed_base < HELD_OUT_BASE:
        parser.error(f"--seed-base must be in 0..{HELD_OUT_BASE - 1} (the rest is held out: --held-out)")
    return args


def main(argv: list[str] | None = None) -> int:
    """Print one table per diary length; exit 1 when a goal this run checks is not met."""
    args = parse(sys.argv[1:] if argv is None else argv)
    seeds = "HELD-OUT" if args.held_out else f"development, base {args.seed_base}"
    print(
        f"Trigger analysis on realistic diaries: {args.diaries} effect + {args.diaries} null diaries"
        f" per cell, seeds {seeds}, q level {Q_LEVEL}\n"
    )
    results: dict[tuple[str, int], dict[str, Tally]] = {}
    for n_days in args.days:
        print(f"### {n_days} days\n\n{HEADER}")
        for scenario in args.scenario:
            results[(scenario, n_days)] = run_cell(scenario, n_days, args.diaries, args.seed_base)
            print(_row(SCENARIOS[scenario][0], results[(scenario, n_days)]), flush=True)
        print()
    goals = _goals(results)
    for line in goals:
        print(line)
    return 1 if any("NOT met" in line for line in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
