"""Trigger analysis on realistic diaries: the independent bench (issue 19).

Run: python -m bench.trigger_realism_bench [--diaries N] [--days 60,90,180,365]
     [--scenario clean,reverse,...] [--seed-base S] [--json PATH] [--held-out]
For each scenario (clean, each departure of bench/support/real_diaries.py alone, all of them at
moderate strength, and with the morning check-in: reverse+morning, all+morning) and each diary
length: N diaries with true effects (caffeine RR 1.3 per drink and the tag "cheese" RR 2.0,
same day or the day before) and N null diaries (no effect at all). Each diary goes through the
product's own `daily_frame` (with the twitches' times) and three methods, on the same frame:
- nasalis: the product's current `analyse` (whatever is on the branch);
- first round: the analysis as shipped before issue 19 (bench/support/first_round_triggers.py,
  a frozen copy of commit c315023);
- naive: one unadjusted Poisson regression per factor and lag (for a yes/no factor, the
  with/without rate ratio), Benjamini-Hochberg at q 0.10.

Figures per method and cell:
- sensitivity: share of true effects flagged `likely_trigger` on the true factor at either lag
  ("same day or the day before" counts), numeric (caffeine) / yes-no (cheese); exact lag in
  brackets. A flag on `morning_caffeine` counts for caffeine, on `morning_stress` for stress.
- false share: of all `likely_*` flags in the effect diaries, the share on a factor with no
  true effect or in the wrong direction (`likely_protective` included).
- null any / protective / either way: share of null diaries with any `likely_*`, with a
  `likely_protective`, with a `same_day_either_way` verdict (the last is not a claim).
- CPU seconds per call, mean / max.

Seeds: development seeds by default (bases below HELD_OUT_BASE). `--held-out` (or `--held-out
first`) is the first held-out range, from HELD_OUT_BASE, spent at the end of issue 19's first
model; `--held-out second` (HELD_OUT_BASES["second"]) on the 21-lag model and `--held-out third`
on the morning test that holds yesterday's factors; `--held-out fourth` is kept for one
measurement of the next model. Development runs must use none of them. `--methods nasalis`
runs only the product's analysis (the comparisons cost most of the time). A "+morning"
scenario uses the same seeds as the one without, so its diaries are the same days plus the
morning check-ins.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

import nasalis.insights.measured as measured_module
from bench.support import first_round_triggers as first_round
from bench.support.real_diaries import MORNING_FACTORS, Departures, Effect, simulate_diary, true_effects
from nasalis.insights.frames import daily_frame
from nasalis.insights.triggers import analyse

HELD_OUT_BASE = 900_000
"""Seeds from here on are held out: development runs never use them."""
HELD_OUT_BASES = {"first": HELD_OUT_BASE, "second": 910_000, "third": 920_000, "fourth": 930_000}
"""Each held-out range is looked at once: the first was spent on issue 19's first model, the
second on the 21-lag model, the third on the within-day test that holds yesterday's factors;
the fourth is kept for the next model."""
LENGTHS = (60, 90, 180, 365)
Q_LEVEL = first_round.Q_LEVEL
"""The naive comparison's BH level: the product's q level before issue 19."""
SCENARIOS: dict[str, tuple[str, Departures]] = {
    "clean": ("clean (independent days, no trend, every day logged)", Departures()),
    "clean+morning": ("clean, with a morning check-in on ~70% of days", Departures().only("morning")),
    "reverse": ("a bad day makes people log more stress and coffee", Departures().only("reverse")),
    "reverse+morning": (
        "reverse, with a morning check-in on ~70% of days",
        Departures().only("reverse").only("morning"),
    ),
    "drift": ("twitching fades/drifts over weeks, stress and water with it", Departures().only("drift")),
    "bouts": ("slow bouts (AR(1) twitching, flares, autocorrelated factors)", Departures().only("bouts")),
    "missing": ("good days logged less often (~70% of days logged)", Departures().only("missing")),
    "tags": ("25 extra non-causal tags", Departures().only("tags")),
    "texture": ("over-dispersion, day of week, correlated factors", Departures().only("texture")),
    "all": ("all of these at moderate strength", Departures.all()),
    "all+morning": ("all, with a morning check-in on ~70% of days", Departures.all().only("morning")),
}
Flags = dict[tuple[str, int], int]
"""(factor, lag) -> +1 for a likely trigger, -1 for likely protective."""
KINDS = ("numeric", "yes/no")


@dataclass
class Tally:
    """One method's counts over one cell (scenario x length)."""

    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    exact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    effects: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    flags: int = 0
    false: int = 0
    null_diaries: int = 0
    null_flagged: int = 0
    null_protective: int = 0
    null_either_way: int = 0
    null_by_factor: Counter[str] = field(default_factory=Counter)
    """Null diaries' flags by "factor lag sign" (what the false alarms are)."""
    given: Counter[str] = field(default_factory=Counter)
    """Verdicts of each kind (likely, possible, same_day_either_way) over effect and null diaries."""
    wrong: Counter[str] = field(default_factory=Counter)
    """Of those, the ones on a factor with no true effect (or, for a direction, the wrong one)."""
    seconds: list[float] = field(default_factory=list)

    def add_effect_diary(self, effects: list[Effect], flags: Flags) -> None:
        """Score one effect diary's flags against its true effects."""
        truth = {e.factor: (1 if e.rate_ratio > 1 else -1) for e in effects}
        for e in effects:
            k = _kind(e)
            self.effects[k] += 1
            self.hits[k] += any(s == 1 and truth_factor(f) == e.factor for (f, _), s in flags.items())
            self.exact[k] += any(
                s == 1 and truth_factor(f) == e.factor and lag == e.lag for (f, lag), s in flags.items()
            )
        self.flags += len(flags)
        self.false += sum(1 for (f, _), sign in flags.items() if truth.get(truth_factor(f)) != sign)

    def add_null_diary(self, flags: Flags, either_way: bool) -> None:
        """Score one null diary (nothing causes anything)."""
        self.null_diaries += 1
        self.null_flagged += bool(flags)
        self.null_protective += any(s == -1 for s in flags.values())
        self.null_either_way += either_way
        self.null_by_factor.update(f"{f} lag {lag} {'+' if s > 0 else '-'}" for (f, lag), s in flags.items())

    def sensitivity(self, kind: str, exact: bool = False) -> float:
        """Share of true effects of this kind flagged as a likely trigger (NaN with none)."""
        n = self.effects[kind]
        return (self.exact if exact else self.hits)[kind] / n if n else float("nan")

    def false_share(self) -> float:
        """Share of likely_* flags that are false (NaN when nothing was flagged)."""
        return self.false / self.flags if self.flags else float("nan")

    def null_share(self, count: int) -> float:
        """A count of null diaries as a share of them (NaN with none)."""
        return count / self.null_diaries if self.null_diaries else float("nan")

    def figures(self) -> dict[str, float | int | dict[str, int]]:
        """Every figure of the cell, for --json."""
        return {
            "sensitivity_numeric": self.sensitivity("numeric"),
            "sensitivity_yes_no": self.sensitivity("yes/no"),
            "sensitivity_numeric_exact_lag": self.sensitivity("numeric", True),
            "sensitivity_yes_no_exact_lag": self.sensitivity("yes/no", True),
            "false_share": self.false_share(),
            "flags": self.flags,
            "false_flags": self.false,
            "null_diaries": self.null_diaries,
            "null_any_likely": self.null_share(self.null_flagged),
            "null_likely_protective": self.null_share(self.null_protective),
            "null_same_day_either_way": self.null_share(self.null_either_way),
            "seconds_mean": float(np.mean(self.seconds)) if self.seconds else float("nan"),
            "seconds_max": float(np.max(self.seconds)) if self.seconds else float("nan"),
            **{f"effects_{k.replace('/', '_')}": v for k, v in self.effects.items()},
            "null_flags_by_factor": dict(self.null_by_factor.most_common()),
        }


def truth_factor(factor: str) -> str:
    """The factor whose truth a flag is scored against (a morning factor carries its day factor's)."""
    return MORNING_FACTORS.get(factor, factor)


def _lag(value: object) -> int:
    """A result's lag as a whole number: None (an averaged "same day or the day before") is 0."""
    return int(value) if isinstance(value, int | float) else 0


def _verdict_flags(factors: list[object]) -> tuple[Flags, bool]:
    """Flags and "any same_day_either_way" from a list of results with factor, lag_days, verdict."""
    out: Flags = {}
    either = False
    for f in factors:
        verdict = getattr(f, "verdict", None)
        key = (str(getattr(f, "factor", "")), _lag(getattr(f, "lag_days", 0)))
        if verdict in ("likely_trigger", "likely_protective"):
            out[key] = 1 if verdict == "likely_trigger" else -1
        either = either or verdict == "same_day_either_way"
    return out, either


LAST: list[object] = []
"""The product's verdicts on the last diary nasalis_flags saw (run_cell counts them by kind)."""


def nasalis_flags(frame: pd.DataFrame) -> tuple[Flags, bool]:
    """The product's current analysis."""
    LAST[:] = list(analyse(frame).factors)
    return _verdict_flags(LAST)


MEASURED_KINDS = {
    "likely_trigger": "likely",
    "likely_protective": "likely",
    "possible": "possible",
    "same_day_either_way": "same_day_either_way",
}


def count_verdicts(tally: Tally, factors: list[object], effects: list[Effect]) -> None:
    """Count each kind of finding and how many were coincidences (for measured.json)."""
    truth = {e.factor: (1 if e.rate_ratio > 1 else -1) for e in effects}
    for f in factors:
        kind = MEASURED_KINDS.get(str(getattr(f, "verdict", "")))
        if kind is None:
            continue
        sign = 1 if (getattr(f, "estimate", None) or 1.0) > 1 else -1
        true = truth.get(truth_factor(str(getattr(f, "factor", ""))))
        tally.given[kind] += 1
        # "which way it runs is unclear" is not wrong about the direction, only about a cause
        tally.wrong[kind] += true is None or (kind != "same_day_either_way" and true != sign)


def first_round_flags(frame: pd.DataFrame) -> tuple[Flags, bool]:
    """The analysis as shipped before issue 19 (frozen copy)."""
    return _verdict_flags(list(first_round.analyse(frame).factors))


def _poisson_slope(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float] | None:
    """Log rate ratio per unit of x and its p-value from an unadjusted Poisson GLM (Newton)."""
    if len(x) < 2:  # a factor never recorded (a morning check-in not in use)
        return None
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
    for column in first_round.factor_columns(frame):
        for lag in (0, 1):
            x = first_round.lagged(frame, column, lag)
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
    "first round": first_round_flags,
    "naive": naive_flags,
}


def _kind(effect: Effect) -> str:
    return "yes/no" if effect.factor.startswith("tag:") or effect.factor == "allergy_symptoms" else "numeric"


def run_cell(
    scenario: str,
    n_days: int,
    per_cell: int,
    seed_base: int,
    methods: dict[str, Callable[[pd.DataFrame], tuple[Flags, bool]]] | None = None,
) -> dict[str, Tally]:
    """Simulate the cell's effect and null diaries; tally each method on the same diaries."""
    departures = SCENARIOS[scenario][1]
    methods = METHODS if methods is None else methods
    tallies = {name: Tally() for name in methods}
    cell = zlib.crc32(scenario.removesuffix("+morning").encode())  # same days with and without
    for kind in ("effect", "null"):
        for i in range(per_cell):
            seed = np.random.SeedSequence([seed_base, cell, n_days, kind == "null", i])
            effects = true_effects(i) if kind == "effect" else []
            diary = simulate_diary(n_days, effects, departures, seed)
            frame = daily_frame(diary.days, diary.episode_times)
            for name, method in methods.items():
                tally = tallies[name]
                start = time.process_time()
                flags, either = method(frame)
                tally.seconds.append(time.process_time() - start)
                if kind == "null":
                    tally.add_null_diary(flags, either)
                else:
                    tally.add_effect_diary(effects, flags)
                if name == "nasalis":
                    count_verdicts(tally, LAST, effects)
    return tallies


def _pct(x: float) -> str:
    return "-" if np.isnan(x) else f"{x:.0%}"


def _num(x: float) -> str:
    return "-" if np.isnan(x) else f"{x:.2f}"


def row(scenario: str, method: str, t: Tally) -> str:
    """One table row: a method's figures in one cell."""
    return (
        f"| {scenario} | {method} | {_num(t.sensitivity('numeric'))} / {_num(t.sensitivity('yes/no'))}"
        f" ({_num(t.sensitivity('numeric', True))} / {_num(t.sensitivity('yes/no', True))})"
        f" | {_num(t.false_share())} | {_pct(t.null_share(t.null_flagged))}"
        f" | {_pct(t.null_share(t.null_protective))} | {_pct(t.null_share(t.null_either_way))}"
        f" | {np.mean(t.seconds):.2f} / {np.max(t.seconds):.1f} |"
    )


HEADER = (
    "| scenario | method | sensitivity num / yes-no (exact lag) | false share | null any likely_* "
    "| null likely_protective | null same_day_either_way | CPU s mean / max |\n"
    "|---|---|---|---|---|---|---|---|"
)


def _goals(results: dict[tuple[str, int], dict[str, Tally]]) -> list[str]:
    """The issue's goals that this run can check for nasalis, each with met / NOT met."""
    lines = []
    for name in ("clean", "clean+morning"):
        clean = results.get((name, 90))
        if clean:
            n = clean["nasalis"]
            ok = min(n.sensitivity("numeric"), n.sensitivity("yes/no")) >= 0.80 and n.false_share() <= 0.10
            lines.append(
                f"{name} 90 d: sensitivity >= 0.80 both, false share <= 0.10: {'met' if ok else 'NOT met'}"
            )
    for (scenario, days), t in sorted(results.items()):
        if scenario in ("all", "all+morning"):
            n = t["nasalis"]
            ok = n.false_share() <= 0.10 and n.null_share(n.null_flagged) <= 0.05
            verdict = "met" if ok else "NOT met"
            lines.append(f"{scenario} {days} d: false share <= 0.10, null any likely_* <= 5%: {verdict}")
    return lines


def write_json(
    path: Path, args: argparse.Namespace, results: dict[tuple[str, int], dict[str, Tally]]
) -> None:
    """All figures of the run, one record per scenario, length and method."""
    cells = [
        {
            "scenario": scenario,
            "days": days,
            "method": method,
            # NaN is not JSON: a figure with nothing to count is null.
            **{k: None if isinstance(v, float) and np.isnan(v) else v for k, v in tally.figures().items()},
        }
        for (scenario, days), tallies in results.items()
        for method, tally in tallies.items()
    ]
    run = {
        "diaries_per_cell": args.diaries,
        "seeds": _seeds(args),
        "seed_base": args.seed_base,
        "q_level_naive": Q_LEVEL,
        "cells": cells,
    }
    path.write_text(json.dumps(run, indent=1, allow_nan=False) + "\n", encoding="utf-8")


def _seeds(args: argparse.Namespace, with_base: bool = False) -> str:
    """Which seeds a run used, as its outputs name them."""
    if args.held_out:
        return "held-out" if args.held_out == "first" else f"held-out {args.held_out}"
    return f"development, base {args.seed_base}" if with_base else "development"


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line; a development seed base inside the held-out range is refused."""
    parser = argparse.ArgumentParser(prog="python -m bench.trigger_realism_bench", description=__doc__)
    parser.add_argument("--diaries", type=int, default=20, help="effect and null diaries per cell")
    parser.add_argument("--days", default="90", help="comma-separated lengths, e.g. 60,90,180,365")
    parser.add_argument("--scenario", default=",".join(SCENARIOS), help="comma-separated scenario names")
    parser.add_argument("--seed-base", type=int, default=0, help="development seed base")
    parser.add_argument(
        "--held-out",
        nargs="?",
        const="first",
        default=None,
        choices=tuple(HELD_OUT_BASES),
        help="a held-out seed range, looked at once (first, second, third: spent; fourth: the fresh one)",
    )
    parser.add_argument(
        "--methods", default=",".join(METHODS), help=f"comma-separated methods ({', '.join(METHODS)})"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    parser.add_argument(
        "--write-measured",
        action="store_true",
        help=f"write the counts of the realistic cells ({', '.join(REALISTIC)}) to {MEASURED_PATH.name}, "
        "which the product's words quote",
    )
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
    args.methods = args.methods.split(",")
    if "nasalis" not in args.methods or not set(args.methods) <= set(METHODS):
        parser.error(f"--methods: nasalis and any of {', '.join(METHODS)} (got {','.join(args.methods)})")
    if args.held_out:
        args.seed_base = HELD_OUT_BASES[args.held_out]
    elif not 0 <= args.seed_base < HELD_OUT_BASE:
        parser.error(f"--seed-base must be in 0..{HELD_OUT_BASE - 1} (the rest is held out: --held-out)")
    return args


REALISTIC = ("all", "all+morning")
"""The cells whose counts the product quotes: every departure at moderate strength."""
MEASURED_PATH = Path(measured_module.__file__).with_name("measured.json")


def write_measured(results: dict[tuple[str, int], dict[str, Tally]], args: argparse.Namespace) -> None:
    """Pool the realistic cells' verdict counts into src/nasalis/insights/measured.json."""
    cells = [t["nasalis"] for (scenario, _), t in results.items() if scenario in REALISTIC]
    if not cells:
        raise SystemExit(f"--write-measured needs a realistic scenario ({', '.join(REALISTIC)}) in the run")
    lengths = sorted({n for (scenario, n) in results if scenario in REALISTIC})
    verdicts = {
        kind: {"flags": sum(t.given[kind] for t in cells), "false": sum(t.wrong[kind] for t in cells)}
        for kind in dict.fromkeys(MEASURED_KINDS.values())
    }
    out = {
        "note": "Written by python -m bench.trigger_realism_bench --write-measured; do not edit by hand.",
        "measured_on": dt.date.today().isoformat(),
        "seeds": _seeds(args, with_base=True),
        "scenarios": [s for s in REALISTIC if any(k[0] == s for k in results)],
        "diaries": sum(t.null_diaries * 2 for t in cells),
        "days": lengths[0] if len(lengths) == 1 else min(lengths),
        "lengths": lengths,
        "verdicts": verdicts,
    }
    MEASURED_PATH.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MEASURED_PATH}: {verdicts}")


def main(argv: list[str] | None = None) -> int:
    """Print one table per diary length; exit 1 when a goal this run checks is not met."""
    args = parse(sys.argv[1:] if argv is None else argv)
    seeds = _seeds(args, with_base=True).upper() if args.held_out else _seeds(args, with_base=True)
    methods = {name: METHODS[name] for name in args.methods}
    print(
        f"Trigger analysis on realistic diaries: {args.diaries} effect + {args.diaries} null diaries"
        f" per cell, seeds {seeds}; methods: {', '.join(methods)}\n"
    )
    results: dict[tuple[str, int], dict[str, Tally]] = {}
    for n_days in args.days:
        print(f"### {n_days} days\n\n{HEADER}")
        for scenario in args.scenario:
            tallies = run_cell(scenario, n_days, args.diaries, args.seed_base, methods)
            results[(scenario, n_days)] = tallies
            for method, tally in tallies.items():
                print(row(scenario, method, tally), flush=True)
            if args.json:
                write_json(args.json, args, results)  # a long run leaves its figures as it goes
        print()
    if args.write_measured:
        write_measured(results, args)
    goals = _goals(results)
    for line in goals:
        print(line)
    return 1 if any("NOT met" in line for line in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
