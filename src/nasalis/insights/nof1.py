"""N-of-1 experiments: plan a randomised ABAB schedule, say what today is, analyse the result.

A = usual life, B = the change being tried. Blocks come in pairs whose order (AB or BA) is
drawn at random, so a trend over time or a coincidence of calendar cannot pass for an effect.
The first `washout` days of a block whose condition differs from the block before (life before
the experiment counts as A) are left out of the analysis: effects take time to come and go.
A block that continues the condition keeps all its days. Blocks, not days, are the unit of
evidence (nasalis.insights.blocktest): days within a flare are not independent.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pandas as pd

from nasalis.insights.blocktest import BEFORE_BLOCKS, WORTHWHILE, BlockEstimate, compare

MAX_PAIRS = 14
"""Twelve weeks of 3-day blocks: the longest plan the power table offers."""
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
    if not 1 <= pairs <= MAX_PAIRS or not 3 <= block_days <= 28 or not 0 <= washout_days < block_days - 1:
        raise ValueError(
            f"pairs 1-{MAX_PAIRS}, blocks of 3-28 days, and a washout shorter than a block minus a day"
        )
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
    washout = changes_at(p, block) and offset % p.block_days < p.washout_days
    doing = f"Do the change: {p.title}." if condition == "B" else f"Live as usual (not: {p.title})."
    note = " (Settling-in day: not counted.)" if washout else ""
    return Today(condition, block, washout, f"Block {block + 1} of {len(p.schedule)}: {doing}{note}")


def changes_at(p: Plan, block: int) -> bool:
    """Whether block `block` switches condition (life before the experiment counts as A)."""
    before = p.schedule[block - 1] if block > 0 else "A"
    return p.schedule[block] != before


def default_washout(block_days: int) -> int:
    """Settling-in days when none are chosen: 2, but always leave at least 2 counted days."""
    return max(0, min(2, block_days - 2))


def before_length(block_days: int) -> int:
    """The length of the blocks the diary before the start is cut into: a block's counted days
    after a switch, so that their spread is not smaller than the experiment's own blocks'."""
    return max(1, block_days - default_washout(block_days))


@dataclass(frozen=True)
class Outcome:
    """The result of an experiment: B against A as a rate ratio, and a plain verdict.

    The first seven fields are the original contract; the rest were added as optional ones.
    """

    verdict: str
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    days_a: int
    days_b: int
    finished: bool
    p_worthwhile: float | None = None
    """P(rate ratio < WORTHWHILE) from the approximate posterior (flat prior on the log ratio)."""
    worthwhile_below: float = WORTHWHILE
    blocks_a: int = 0
    blocks_b: int = 0
    blocks_before: int = 0
    """Blocks of the diary before the start whose spread was pooled into the interval."""
    method: str = "block means"
    interim: str | None = None
    """Before the planned end: a sentence saying plainly that this is not a result yet."""
    reading: str | None = None
    """The verdict in a sentence, with what it does and does not show."""
    per_protocol: dict[str, object] | None = None
    """The same comparison leaving out change days on which the change was not kept."""
    adherence: dict[str, int] | None = None
    """Change days asked about so far: answered, kept."""

    def to_json(self) -> dict[str, object]:
        """As a JSON object."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class _Blocks:
    totals: list[float]
    days: list[int]
    is_b: list[bool]

    def counted(self, arm: bool) -> int:
        return sum(d for d, b in zip(self.days, self.is_b, strict=True) if b == arm)


def _blocks(p: Plan, frame: pd.DataFrame, last: dt.date, left_out: set[dt.date]) -> _Blocks:
    """Twitches and counted days per block, up to `last` (washout and `left_out` days skipped)."""
    blocks = _Blocks([0.0] * len(p.schedule), [0] * len(p.schedule), [c == "B" for c in p.schedule])
    for stamp, count in frame["episodes"].items():
        day = stamp.date()  # type: ignore[attr-defined]
        place = where(p, day)
        if place is None or place.washout or day > last or day in left_out:
            continue
        blocks.totals[place.block] += float(count)
        blocks.days[place.block] += 1
    return blocks


def _before(p: Plan, frame: pd.DataFrame) -> tuple[list[float], list[int]]:
    """Twitches and logged days in the blocks of the diary just before the start (newest first)."""
    length = before_length(p.block_days)
    totals, days = [0.0] * BEFORE_BLOCKS, [0] * BEFORE_BLOCKS
    for stamp, count in frame["episodes"].items():
        back = (p.start - stamp.date()).days - 1  # type: ignore[attr-defined]
        if 0 <= back < BEFORE_BLOCKS * length:
            totals[back // length] += float(count)
            days[back // length] += 1
    return totals, days


def _estimate(blocks: _Blocks, before: tuple[list[float], list[int]], length: int) -> BlockEstimate | None:
    if min(blocks.counted(True), blocks.counted(False)) < MIN_ANALYSED_PER_ARM:
        return None
    return compare(blocks.totals, blocks.days, blocks.is_b, before[0], before[1], length)


def _verdict(estimate: BlockEstimate) -> str:
    if estimate.ci_high < 1:
        return "helps"
    if estimate.ci_low > 1:
        return "makes it worse"
    return "no clear effect"


def _reading(verdict: str, estimate: BlockEstimate) -> str:
    """What the verdict means; "no clear effect" is not "it does not work"."""
    chance = f"{estimate.p_worthwhile:.0%}"
    below = f"{1 - WORTHWHILE:.0%}"
    if verdict == "helps":
        return f"The change helped: the chance it cuts twitches by at least {below} is about {chance}."
    if verdict == "makes it worse":
        return "With the change you had more twitches, beyond what chance explains."
    return (
        f"No clear effect: this does not show that the change is useless. The chance it cuts twitches"
        f" by at least {below} is about {chance}; a longer experiment could settle it."
    )


def _interim(p: Plan, last: dt.date, estimate: BlockEstimate | None) -> str:
    lived = max(0, (last - p.start).days + 1)
    total = p.block_days * len(p.schedule)
    so_far = ""
    if estimate is not None:
        so_far = (
            f" So far: twitches x{estimate.rate_ratio:.2f} with the change, but early numbers swing widely."
        )
    return (
        f"Not a result yet: day {min(lived, total)} of {total}. The verdict waits for the planned end"
        f" on {p.end.isoformat()}; stopping because of how it looks now would bias it.{so_far}"
    )


def analyse(
    p: Plan,
    frame: pd.DataFrame,
    today: dt.date,
    stopped_on: dt.date | None = None,
    adherence: dict[str, bool] | None = None,
) -> Outcome:
    """Compare twitches in change blocks (B) with usual blocks (A), washout days left out.

    As randomised: every counted day in its block. Per protocol: change days answered "not
    kept" in `adherence` (ISO date -> kept) are left out too. A stopped experiment is judged on
    the days it ran (up to and including its stop day); one that ended with too few days on
    either side says so rather than "no clear effect".
    """
    last = min(today, stopped_on) if stopped_on else today
    blocks = _blocks(p, frame, last, set())
    before, length = _before(p, frame), before_length(p.block_days)
    days_b, days_a = blocks.counted(True), blocks.counted(False)
    finished = last >= p.end  # ran its whole course (a stop on or after its last day counts)
    ended = finished or stopped_on is not None
    estimate = _estimate(blocks, before, length)
    answers = {dt.date.fromisoformat(k): v for k, v in (adherence or {}).items()}
    asked = {d: v for d, v in answers.items() if p.start <= d <= last}
    kept = {"answered": len(asked), "kept": sum(asked.values())}
    not_kept = {d for d, v in asked.items() if not v}
    per_protocol: dict[str, object] | None = None
    if asked:
        pp_blocks = _blocks(p, frame, last, not_kept)
        pp = _estimate(pp_blocks, before, length)
        per_protocol = {
            "rate_ratio": round(pp.rate_ratio, 4) if pp else None,
            "ci_low": round(pp.ci_low, 4) if pp else None,
            "ci_high": round(pp.ci_high, 4) if pp else None,
            "p_worthwhile": round(pp.p_worthwhile, 4) if pp else None,
            "days_b": pp_blocks.counted(True),
            "days_left_out": len(not_kept),
        }
    interim = None if ended or today < p.start else _interim(p, last, estimate)
    if estimate is None:
        verdict = TOO_FEW if ended else ("not started" if today < p.start else "not finished")
        return Outcome(
            verdict, None, None, None, days_a, days_b, finished,
            interim=interim, per_protocol=per_protocol, adherence=kept,
        )  # fmt: skip
    verdict = _verdict(estimate) if ended else "not finished"
    return Outcome(
        verdict,
        estimate.rate_ratio,
        estimate.ci_low,
        estimate.ci_high,
        days_a,
        days_b,
        finished,
        p_worthwhile=estimate.p_worthwhile,
        blocks_a=estimate.blocks_a,
        blocks_b=estimate.blocks_b,
        blocks_before=estimate.blocks_before,
        interim=interim,
        reading=_reading(verdict, estimate) if ended else None,
        per_protocol=per_protocol,
        adherence=kept,
    )
