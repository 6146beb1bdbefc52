"""How likely an experiment is to detect a change, before it starts, at this person's own variation.

The person's diary gives three things: the base rate of twitches per day, how much days vary
beyond chance, and how days cluster (flares: a bad day is followed by bad days). They are
described by a model of daily counts: Poisson around a rate that is the base rate times a slow
log-normal AR(1) factor (the flares) times a gamma day factor (one-off bad days). The moments
of the diary fit it: the autocovariances of counts at lags 1 and 2 give the flares' strength and
persistence, the variance beyond them the day factor. A short diary says little about these,
so its figures are pulled toward cautious defaults (weight days / (days + PRIOR_DAYS)).

The power is then the share of simulated experiments in which nasalis.insights.blocktest, the
very test the result uses, finds the change. The simulation is seeded (the same diary gives the
same table) and vectorised: the whole 3 x 3 x 3 table takes well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nasalis.insights.blocktest import BEFORE_BLOCKS, FloatArray, before_spread, detected
from nasalis.insights.nof1 import MAX_PAIRS, before_length, default_washout

EFFECTS = (0.5, 0.3, 0.2)
"""The falls in twitches the table shows (0.3 = 30% fewer)."""
WEEKS = (4, 8, 12)
BLOCK_DAYS = (3, 5, 7)
TARGET = 0.8
"""The power a suggested plan must reach."""
SIMULATIONS = 2000
"""Per cell: the simulation error of a power near 50% is then about 1.1 points."""
PRIOR_DAYS = 40
DEFAULT_RATE = 3.0
"""Twitches per day assumed while the diary has fewer than MIN_RATE_DAYS days."""
MIN_RATE_DAYS = 7
DEFAULT_FLARE_SD = 0.5
"""Sd of the log rate due to flares; with DEFAULT_FLARE_PHI, ordinary flare clustering."""
DEFAULT_FLARE_PHI = 0.7
DEFAULT_DAY_EXTRA = 0.25
"""Squared coefficient of variation of the one-off day factor (gamma shape 4)."""


Table = dict[float, dict[int, dict[int, float]]]
"""Power by fall in twitches, then weeks, then block days."""


@dataclass(frozen=True)
class Variation:
    """A person's twitching as the power simulation models it."""

    rate: float
    flare_sd: float
    flare_phi: float
    day_extra: float
    days_used: int

    def to_json(self) -> dict[str, object]:
        """As a JSON object."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _autocovariance(counts: FloatArray, lag: int, mean: float) -> float | None:
    """The covariance of counts `lag` days apart, over pairs of days both logged."""
    if len(counts) <= lag:
        return None
    a, b = counts[:-lag], counts[lag:]
    both = np.isfinite(a) & np.isfinite(b)
    if both.sum() < 10:
        return None
    return float(np.mean((a[both] - mean) * (b[both] - mean)))


def _flares_fitted(y: FloatArray, rate: float) -> tuple[float, float]:
    """The flares' log-rate variance and persistence from the autocovariances at lags 1 and 2.

    Under the model log(1 + c_h / rate^2) = variance * phi^h, so phi = a2 / a1. Fitting more
    lags by least squares was tried: on independent days its noise chose slow drifts (phi near
    1) and the power shown fell up to 17 points below the simulated power; two lags stay within 5.
    """
    c1, c2 = _autocovariance(y, 1, rate), _autocovariance(y, 2, rate)
    a1 = math.log1p(max(c1 or 0.0, 0.0) / rate**2)
    a2 = math.log1p(max(c2 or 0.0, 0.0) / rate**2)
    phi = min(0.95, max(0.0, a2 / a1)) if a1 > 0 else 0.0
    return (a1 / phi if phi > 0 else 0.0), phi


def variation_of(counts: Sequence[float]) -> Variation:
    """The model fitted to daily counts on consecutive dates (NaN where a day was not logged)."""
    y = np.asarray(counts, dtype=np.float64)
    known = y[np.isfinite(y)]
    n = len(known)
    rate = float(known.mean()) if n >= MIN_RATE_DAYS and known.sum() > 0 else DEFAULT_RATE
    weight = n / (n + PRIOR_DAYS)
    sd2, phi, extra = DEFAULT_FLARE_SD**2, DEFAULT_FLARE_PHI, DEFAULT_DAY_EXTRA
    if n >= 14 and known.sum() > 0:
        own_sd2, own_phi = _flares_fitted(y, rate)
        beyond = (1 + max(float(known.var(ddof=1)) - rate, 0.0) / rate**2) / math.exp(own_sd2)
        own_extra = max(0.0, beyond - 1)
        sd2 = weight * own_sd2 + (1 - weight) * sd2
        phi = weight * own_phi + (1 - weight) * phi
        extra = weight * own_extra + (1 - weight) * extra
    return Variation(rate, math.sqrt(sd2), phi, extra, n)


def pairs_for(weeks: int, block_days: int) -> int:
    """How many AB/BA pairs of blocks fill about `weeks` weeks."""
    return max(1, min(MAX_PAIRS, round(weeks * 7 / (2 * block_days))))


def daily_rates(v: Variation, sims: int, days: int, rng: np.random.Generator) -> FloatArray:
    """Expected twitches per day under the model, `sims` runs of `days` days (before Poisson noise)."""
    flare = np.empty((sims, days))
    flare[:, 0] = rng.normal(0.0, v.flare_sd, sims)
    steps = rng.normal(0.0, v.flare_sd * math.sqrt(1 - v.flare_phi**2), (sims, days))
    for t in range(1, days):
        flare[:, t] = v.flare_phi * flare[:, t - 1] + steps[:, t]
    base: FloatArray = v.rate * np.exp(flare - v.flare_sd**2 / 2)
    if v.day_extra > 0:
        base *= rng.gamma(1 / v.day_extra, v.day_extra, (sims, days))
    return base


def simulate(
    base: FloatArray,
    pairs: int,
    block_days: int,
    washout_days: int,
    falls: Sequence[float],
    seed: int,
    before_blocks: int = 0,
) -> list[float]:
    """The share of experiments (one per row of `base`, daily rates) detecting each fall (seeded).

    The first `before_blocks` blocks (of `before_length`) of `base` are the diary before the start.
    """
    rng = np.random.default_rng(seed)
    sims, blocks = len(base), 2 * pairs
    days = blocks * block_days
    spread = None
    if before_blocks >= 2:
        length = before_length(block_days)
        prior = (
            rng.poisson(base[:, : before_blocks * length]).reshape(sims, before_blocks, length).sum(axis=2)
        )
        spread = before_spread(prior.astype(np.float64), np.full(prior.shape, float(length)), length)
        base = base[:, before_blocks * length :]
    order = rng.integers(0, 2, (sims, pairs)).astype(bool)  # True: the pair is BA
    is_b = np.empty((sims, blocks), dtype=bool)
    is_b[:, 0::2], is_b[:, 1::2] = order, ~order
    before = np.concatenate([np.zeros((sims, 1), dtype=bool), is_b[:, :-1]], axis=1)
    switched = np.repeat(is_b != before, block_days, axis=1)
    counted = ~(switched & (np.arange(days) % block_days < washout_days))
    block_days_counted = counted.reshape(sims, blocks, block_days).sum(axis=2).astype(np.float64)
    # A block's total of Poisson days is Poisson with the summed rate: one draw per block.
    block_rate = (base[:, :days] * counted).reshape(sims, blocks, block_days).sum(axis=2)
    out = []
    for fall in falls:
        totals = rng.poisson(np.where(is_b, block_rate * (1 - fall), block_rate)).astype(np.float64)
        out.append(float(detected(totals, block_days_counted, is_b, spread).mean()))
    return out


def power_table(
    v: Variation, washout_days: int | None = None, sims: int = SIMULATIONS, seed: int = 19
) -> Table:
    """Power by fall in twitches, then weeks, then block days (washout: each block's default).

    The plans share one set of simulated days (common random numbers), so the table's cells
    differ by the plan, not by the luck of separate draws.
    """
    longest = max(2 * pairs_for(w, b) * b for w in WEEKS for b in BLOCK_DAYS)
    ahead = max(BEFORE_BLOCKS * before_length(b) for b in BLOCK_DAYS)
    base = daily_rates(v, sims, ahead + longest, np.random.default_rng(seed))
    table: Table = {f: {w: {} for w in WEEKS} for f in EFFECTS}
    for w in WEEKS:
        for b in BLOCK_DAYS:
            wash = default_washout(b) if washout_days is None else min(washout_days, default_washout(b))
            # the diary's days before the start lend the test their spread (as many blocks as it has)
            k = min(BEFORE_BLOCKS, v.days_used // before_length(b))
            start = ahead - k * before_length(b)
            found = simulate(base[:, start:], pairs_for(w, b), b, wash, EFFECTS, seed + w * 31 + b, k)
            for f, share in zip(EFFECTS, found, strict=True):
                table[f][w][b] = share
    return table


@dataclass(frozen=True)
class Suggestion:
    """The shortest plan with power >= TARGET for the chosen fall (None fields: even 12 weeks fall short)."""

    fall: float
    weeks: int | None
    block_days: int | None
    pairs: int | None
    power: float
    sentence: str


def suggest(table: Table, fall: float) -> Suggestion:
    """The shortest length (then the best block length) reaching TARGET, or a plain "not enough"."""
    by_weeks = table[fall]
    for w in WEEKS:
        b = max(BLOCK_DAYS, key=lambda d: (by_weeks[w][d], d))
        if by_weeks[w][b] >= TARGET:
            words = (
                f"{w} weeks of {b}-day blocks give about a {by_weeks[w][b]:.0%} chance of detecting"
                f" {fall:.0%} fewer twitches."
            )
            return Suggestion(fall, w, b, pairs_for(w, b), by_weeks[w][b], words)
    best = max(BLOCK_DAYS, key=lambda d: (by_weeks[WEEKS[-1]][d], d))
    share = by_weeks[WEEKS[-1]][best]
    words = (
        f"Even {WEEKS[-1]} weeks are not enough: the chance of detecting {fall:.0%} fewer twitches is"
        f" only about {share:.0%} at best. Consider a larger change, or read the result as a rough guide."
    )
    return Suggestion(fall, None, None, None, share, words)


def choose(table: Table, fall: float, weeks: int | None, block_days: int | None) -> tuple[int, int]:
    """Fill in what the person left open: the shortest length reaching TARGET (else the longest),
    then the block length with the most power at it."""
    by_weeks = table[fall]
    blocks = BLOCK_DAYS if block_days is None else (block_days,)
    if weeks is None:
        weeks = next((w for w in WEEKS if max(by_weeks[w][b] for b in blocks) >= TARGET), WEEKS[-1])
    if block_days is None:
        block_days = max(BLOCK_DAYS, key=lambda d: (by_weeks[weeks][d], d))
    return weeks, block_days


def table_json(table: Table) -> list[dict[str, object]]:
    """The table as JSON rows: fall, weeks, block_days, pairs, power."""
    return [
        {"fall": f, "weeks": w, "block_days": b, "pairs": pairs_for(w, b), "power": round(share, 3)}
        for f, by_weeks in table.items()
        for w, by_block in by_weeks.items()
        for b, share in by_block.items()
    ]
