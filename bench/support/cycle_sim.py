"""Simulated diaries with treatment cycles and medicine changes: the truth for bench/cycles_bench.py.

Cycles: each injection's effect share s(t) rises as 1 - (1 - t/peak)^k (k so that s = 1/2 on
the onset day, 3-10), is 1 at the peak (day 28-42), and falls as 2^-((t - peak)/(w - peak))^2
(1/2 on the wear-off day, 56-98). The rate is base * (1 - depth * max over injections of s),
depth 0.4-0.9 (0 for a null cycle). Around it: an AR(1) log-rate (phi 0.7, sd 0.25), flares (a
Markov chain: 2.5% of calm days start one, mean 4 days, rate x2.5), negative-binomial counts
(gamma shape 3), 10% of days missing at random and another 20% of the good days (count below
half the base). Injections come every 80-110 days, and one time in five the next one comes
before the wear-off. The truth is the contract's definitions applied to the mean curve
base * (1 - depth * s) without the noise. This shape is not the fitted model's (two logistic
steps): the bench does not fit its own generator.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Rng = np.random.Generator
START = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class TrueCycle:
    """One injection and the contract's numbers from its true mean curve."""

    on: dt.date
    depth: float
    onset: int | None
    wear_off: int | None
    """None when the next injection came first (or the diary ended before)."""
    followed: int


@dataclass
class CycleDiary:
    """Logged days' counts (missing days absent), the injections and their truth."""

    counts: dict[dt.date, float]
    cycles: list[TrueCycle]
    last: dt.date


def share_curve(t: FloatArray, onset: float, peak: float, wear: float) -> FloatArray:
    """The effect share on days t since an injection (0 before it)."""
    k = math.log(0.5) / math.log(1 - onset / peak)
    rise = 1 - np.clip(1 - t / peak, 0, 1) ** k
    fall = 2.0 ** (-(((t - peak) / (wear - peak)) ** 2))
    out: FloatArray = np.where(t < 0, 0.0, np.where(t <= peak, rise, fall))
    return out


def noise(rng: Rng, n: int, base: float, calm: bool = False) -> FloatArray:
    """The day-to-day multiplier: AR(1) log-rate times flares (calm: sd 0.1, a flare start on 1%)."""
    phi, sd = 0.7, (0.1 if calm else 0.25)
    x = np.empty(n)
    x[0] = rng.normal(0, sd)
    step = rng.normal(0, sd * math.sqrt(1 - phi**2), n)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + step[t]
    flare = np.zeros(n, dtype=bool)
    for t in range(1, n):
        flare[t] = rng.random() < (0.75 if flare[t - 1] else (0.01 if calm else 0.025))
    out: FloatArray = base * np.exp(x - sd**2 / 2) * np.where(flare, 2.5, 1.0)
    return out


def observe(rng: Rng, mean: FloatArray, base: float, good_missing: float = 0.2) -> dict[dt.date, float]:
    """NB counts on the logged days (missing at random, and more often on good days)."""
    y = rng.poisson(mean * rng.gamma(3.0, 1 / 3.0, len(mean))).astype(np.float64)
    miss = (rng.random(len(y)) < 0.1) | ((y < 0.5 * base) & (rng.random(len(y)) < good_missing))
    return {START + dt.timedelta(days=i): float(v) for i, v in enumerate(y) if not miss[i]}


def cycle_diary(rng: Rng, injections: int, null: bool = False, calm: bool = False) -> CycleDiary:
    """A diary of 60 days before the first injection, `injections` cycles and 100 days after.

    `calm`: a steadier person (smaller AR(1) swings, fewer flares), the same counts' noise.
    """
    base = float(rng.uniform(3, 15))
    ons: list[int] = []
    params: list[tuple[float, float, float, float]] = []
    day = 60
    for _ in range(injections):
        onset, peak, wear = rng.uniform(3, 10), rng.uniform(28, 42), rng.uniform(56, 98)
        depth = 0.0 if null else float(rng.uniform(0.4, 0.9))
        ons.append(day)
        params.append((onset, peak, wear, depth))
        early = rng.random() < 0.2
        day += int(rng.uniform(wear - 20, wear - 5)) if early else int(rng.uniform(max(80, wear + 5), 110))
    n = day + 100
    t = np.arange(n, dtype=np.float64)
    shares = np.zeros(n)
    for on, (onset, peak, wear, depth) in zip(ons, params, strict=True):
        shares = np.maximum(shares, depth * share_curve(t - on, onset, peak, wear))
    mean = base * (1 - shares)
    counts = observe(rng, mean * noise(rng, n, 1.0, calm), base)
    truth = []
    for i, (on, (_, _, _, depth)) in enumerate(zip(ons, params, strict=True)):
        end = ons[i + 1] if i + 1 < len(ons) else n
        truth.append(_truth(mean, on, end, depth, START + dt.timedelta(days=on)))
    return CycleDiary(counts, truth, START + dt.timedelta(days=n - 1))


def _truth(mean: FloatArray, on: int, end: int, depth: float, date: dt.date) -> TrueCycle:
    """The contract's onset and wear-off from the true mean curve of one cycle."""
    followed = end - on
    if depth == 0:
        return TrueCycle(date, 0.0, None, None, followed)
    before = float(mean[max(0, on - 28) : on].mean())
    cycle = mean[on:end]
    best = int(np.argmin(cycle))
    share = (before - cycle) / (before - cycle[best])
    onset = int(np.argmax(share >= 0.5))
    after = np.nonzero((np.arange(followed) > best) & (share < 0.5))[0]
    return TrueCycle(date, depth, onset, int(after[0]) if len(after) else None, followed)


@dataclass(frozen=True)
class MedicineCase:
    """A diary around one medicine start, and the true rate ratio after it."""

    counts: dict[dt.date, float]
    started: dt.date
    last: dt.date
    rate_ratio: float
    at_peak: bool


def medicine_case(rng: Rng, rate_ratio: float, after_days: int, at_peak: bool) -> MedicineCase:
    """56 days before a start and `after_days` after; at a peak: a flare in the last week before."""
    base = float(rng.uniform(3, 15))
    before = 56
    n = before + after_days
    multiplier = noise(rng, n, 1.0)
    if at_peak:  # people start a medicine when it is at its worst: a flare ends the before period
        length = int(rng.integers(4, 8))
        multiplier[before - length : before] *= 2.5
        multiplier[before : before + 2] *= 1.8  # and it has not quite ended on the first days
    mean = base * multiplier * np.where(np.arange(n) >= before, rate_ratio, 1.0)
    counts = observe(rng, mean, base, 0.0)
    return MedicineCase(
        counts, START + dt.timedelta(days=before), START + dt.timedelta(days=n - 1), rate_ratio, at_peak
    )
