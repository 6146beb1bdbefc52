"""N-of-1 experiments: plan a randomised ABAB schedule, say what today is, analyse the result.

A = usual life, B = the change being tried. Blocks come in pairs whose order (AB or BA) is
drawn at random, so a trend over time or a coincidence of calendar cannot pass for an effect.
The first `washout` days of every block are left out of the analysis: effects take time to
come and go.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nasalis.insights.countmodel import fit

MIN_ANALYSED_PER_ARM = 5
TOO_FEW = "too few days to tell"
"""The verdict of an experiment that ended (or was stopped) before both sides had enough days."""


@dataclass(frozen=True)
class Plan:
    """When an experiment runs and which condition each block is."""

    title: str
    start: dt.date
    block_days: int
    washout_days: int
    schedule: tuple[str, ...]

    @property
    def end(self) -> dt.date:
        """The last day of the last block."""
        return self.start + dt.timedelta(days=self.block_days * len(self.schedule) - 1)


@dataclass(frozen=True)
class Today:
    """Where a day falls in an experiment."""

    condition: str
    block: int
    washout: bool
    instruction: str


def plan(
    title: str,
    start: dt.date,
    pairs: int = 2,
    block_days: int = 7,
    washout_days: int = 2,
    rng: random.Random | None = None,
) -> Plan:
    """A randomised schedule of `pairs` AB/BA pairs of blocks."""
    if not 1 <= pairs <= 12 or not 3 <= block_days <= 28 or not 0 <= washout_days < block_days - 1:
        raise ValueError("pairs 1-12, blocks of 3-28 days, and a washout shorter than a block minus a day")
    rng = rng or random.SystemRandom()
    schedule: list[str] = []
    for _ in range(pairs):
        schedule += rng.choice([["A", "B"], ["B", "A"]])
    return Plan(title, start, block_days, washout_days, tuple(schedule))


def where(p: Plan, day: dt.date) -> Today | None:
    """The block and condition of `day`, or None outside the experiment."""
    if day < p.start or day > p.end:
        return None
    offset = (day - p.start).days
    block = offset // p.block_days
    condition = p.schedule[block]
    washout = offset % p.block_days < p.washout_days
    doing = f"Do the change: {p.title}." if condition == "B" else f"Live as usual (not: {p.title})."
    note = " (Settling-in day: not counted.)" if washout else ""
    return Today(condition, block, washout, f"Block {block + 1} of {len(p.schedule)}: {doing}{note}")


@dataclass(frozen=True)
class Outcome:
    """The result of an experiment: B against A as a rate ratio, and a plain verdict."""

    verdict: str
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    days_a: int
    days_b: int
    finished: bool

    def to_json(self) -> dict[str, object]:
        """As a JSON object."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def analyse(p: Plan, frame: pd.DataFrame, today: dt.date, stopped_on: dt.date | None = None) -> Outcome:
    """Compare daily counts on B days with A days (washout days left out).

    A stopped experiment is judged on the days it ran (up to and including its stop day);
    one that ended with too few days on either side says so rather than "no clear effect".
    """
    last = min(today, stopped_on) if stopped_on else today
    conditions = []
    counts = []
    for stamp, count in frame["episodes"].items():
        day = stamp.date()  # type: ignore[attr-defined]
        place = where(p, day)
        if place is not None and not place.washout and day <= last:
            conditions.append(1.0 if place.condition == "B" else 0.0)
            counts.append(float(count))
    x, y = np.array(conditions), np.array(counts)
    days_b = int(x.sum())
    days_a = len(x) - days_b
    finished = last >= p.end  # ran its whole course (a stop on or after its last day counts)
    ended = finished or stopped_on is not None
    estimate = fit(y, x) if min(days_a, days_b) >= MIN_ANALYSED_PER_ARM else None
    if estimate is None:
        verdict = TOO_FEW if ended else ("not started" if today < p.start else "not finished")
        return Outcome(verdict, None, None, None, days_a, days_b, finished)
    if not ended:
        verdict = "not finished"
    elif estimate.ci_high < 1:
        verdict = "helps"
    elif estimate.ci_low > 1:
        verdict = "makes it worse"
    else:
        verdict = "no clear effect"
    return Outcome(verdict, estimate.rate_ratio, estimate.ci_low, estimate.ci_high, days_a, days_b, finished)
