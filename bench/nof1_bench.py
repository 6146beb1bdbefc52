"""N-of-1 experiments: type I error under flares, and the power shown before the start (issue 19).

Run: python -m bench.nof1_bench [--sims N] [--people P] [--seed S]
The diaries here come from this file's own generator, not from nasalis.insights.nof1power:
- `independent`: days independent, negative binomial (gamma shape 2) around a fixed rate;
- `ar1`: log rate an AR(1) with phi 0.7 and sd 0.6, times a gamma(4) day factor;
- `spells`: flare spells (a two-state Markov chain: a flare starts on 6% of calm days and lasts
  5 days on average, tripling the rate) times a gamma(3) day factor.
Each simulated experiment is a randomised AB/BA plan through the product's washout rule.
Type I error (no true effect, N experiments per cell) for the old method (day-level negative
binomial, every block's first days dropped: today's `countmodel.fit` on those days) beside the
new block-means test (nasalis.insights.blocktest) for 3-, 5- and 7-day blocks. Power: the table
nasalis shows before the start, from a 90-day diary of the same person, averaged over P people,
beside the power simulated with this generator, at several base rates and dispersions.
Goals: type I <= 5.5% under AR(1) flares; shown power within 5 points of simulated power.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nasalis.insights.blocktest import BEFORE_BLOCKS, before_spread, detected
from nasalis.insights.countmodel import fit
from nasalis.insights.nof1 import before_length, default_washout
from nasalis.insights.nof1power import BLOCK_DAYS, pairs_for, power_table, variation_of

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Rng = np.random.Generator


@dataclass(frozen=True)
class Person:
    """A generator of daily counts: base rate and the kind of clustering."""

    name: str
    rate: float
    kind: str  # independent, ar1, spells

    def days(self, rng: Rng, sims: int, n: int) -> FloatArray:
        """Expected twitches per day (before Poisson noise), sims x n."""
        if self.kind == "independent":
            return self.rate * rng.gamma(2.0, 0.5, (sims, n))
        if self.kind == "ar1":
            phi, sd = 0.7, 0.6
            x = np.empty((sims, n))
            x[:, 0] = rng.normal(0, sd, sims)
            e = rng.normal(0, sd * math.sqrt(1 - phi**2), (sims, n))
            for t in range(1, n):
                x[:, t] = phi * x[:, t - 1] + e[:, t]
            return self.rate * np.exp(x - sd**2 / 2) * rng.gamma(4.0, 0.25, (sims, n))
        start, stay = 0.06, 0.8  # mean spell 1 / (1 - 0.8) = 5 days
        on = np.empty((sims, n), dtype=bool)
        on[:, 0] = rng.random(sims) < start / (start + 1 - stay)
        u = rng.random((sims, n))
        for t in range(1, n):
            on[:, t] = np.where(on[:, t - 1], u[:, t] < stay, u[:, t] < start)
        share_on = start / (start + 1 - stay)
        level = np.where(on, 3.0, 1.0) / (1 + 2 * share_on)  # mean rate stays `rate`
        return self.rate * level * rng.gamma(3.0, 1 / 3, (sims, n))


def schedules(rng: Rng, sims: int, pairs: int) -> BoolArray:
    """Randomised AB/BA pairs: True where the block is B (the change)."""
    order = rng.integers(0, 2, (sims, pairs)).astype(bool)
    is_b = np.empty((sims, 2 * pairs), dtype=bool)
    is_b[:, 0::2], is_b[:, 1::2] = order, ~order
    return is_b


Before = tuple[FloatArray, FloatArray]


def experiments(
    person: Person, rng: Rng, sims: int, pairs: int, block: int, fall: float
) -> tuple[FloatArray, BoolArray, BoolArray, BoolArray, Before]:
    """Daily counts, B blocks, the days counted by the new rule and by the old one, and the spread
    of the diary's blocks just before the start (BEFORE_BLOCKS of them, every day logged)."""
    is_b = schedules(rng, sims, pairs)
    n = 2 * pairs * block
    length = before_length(block)
    n_before = BEFORE_BLOCKS * length
    day_b = np.repeat(is_b, block, axis=1)
    rates = person.days(rng, sims, n_before + n)  # one process: the flares run on into the experiment
    prior = rng.poisson(rates[:, :n_before]).reshape(sims, BEFORE_BLOCKS, length).sum(axis=2)
    spread = before_spread(prior.astype(np.float64), np.full(prior.shape, float(length)), length)
    y = rng.poisson(rates[:, n_before:] * np.where(day_b, 1 - fall, 1.0)).astype(np.float64)
    wash = default_washout(block)
    early = np.arange(n) % block < wash
    before = np.concatenate([np.zeros((sims, 1), dtype=bool), is_b[:, :-1]], axis=1)
    new_kept = ~(np.repeat(is_b != before, block, axis=1) & early)
    old_kept = np.broadcast_to(~early, (sims, n))
    return y, is_b, new_kept, np.asarray(old_kept), spread


def new_detects(
    y: FloatArray, is_b: BoolArray, kept: BoolArray, block: int, before: Before | None = None
) -> BoolArray:
    """The block-means test on each simulated experiment (with the spread from before the start)."""
    sims = len(y)
    totals = (y * kept).reshape(sims, -1, block).sum(axis=2)
    days = kept.reshape(sims, -1, block).sum(axis=2).astype(np.float64)
    return detected(totals, days, is_b, before)


def old_detects(y: FloatArray, is_b: BoolArray, kept: BoolArray, block: int) -> BoolArray:
    """The old analysis: days as independent, negative binomial regression on the B indicator."""
    day_b = np.repeat(is_b, block, axis=1)
    out = np.zeros(len(y), dtype=bool)
    for i in range(len(y)):
        est = fit(y[i][kept[i]], day_b[i][kept[i]].astype(np.float64))
        out[i] = est is not None and (est.ci_high < 1 or est.ci_low > 1)
    return out


def type_one(sims: int, seed: int, weeks: int) -> None:
    """Type I error, old beside new, per generator and block length."""
    print(f"\nType I error (no true effect), {weeks} weeks, {sims} experiments per cell")
    print("| days | block | pairs | old (day-level NB) | block means | block means + spread before |")
    print("|---|---|---|---|---|---|")
    for kind in ("independent", "ar1", "spells"):
        for block in BLOCK_DAYS:
            rng = np.random.default_rng([seed, block, len(kind)])
            pairs = pairs_for(weeks, block)
            y, is_b, new_kept, old_kept, before = experiments(
                Person(kind, 3.0, kind), rng, sims, pairs, block, 0.0
            )
            old = old_detects(y, is_b, old_kept, block).mean()
            alone = new_detects(y, is_b, new_kept, block).mean()
            new = new_detects(y, is_b, new_kept, block, before).mean()
            print(f"| {kind} | {block} | {pairs} | {old:.3f} | {alone:.3f} | {new:.3f} |")


def power_old_new(sims: int, seed: int, weeks: int) -> None:
    """Power for 50% fewer twitches, old beside new (the old one's power is bought with its type I)."""
    print(f"\nPower for 50% fewer twitches, {weeks} weeks, rate 3/day, {sims} experiments per cell")
    print("| days | block | old (day-level NB) | block means | block means + spread before |")
    print("|---|---|---|---|---|")
    for kind in ("independent", "ar1", "spells"):
        for block in BLOCK_DAYS:
            rng = np.random.default_rng([seed, block, len(kind), 50])
            pairs = pairs_for(weeks, block)
            y, is_b, new_kept, old_kept, before = experiments(
                Person(kind, 3.0, kind), rng, sims, pairs, block, 0.5
            )
            old = old_detects(y, is_b, old_kept, block).mean()
            alone = new_detects(y, is_b, new_kept, block).mean()
            new = new_detects(y, is_b, new_kept, block, before).mean()
            print(f"| {kind} | {block} | {old:.3f} | {alone:.3f} | {new:.3f} |")


def type_one_new_only(sims: int, seed: int) -> None:
    """Type I error of the new test at every length of the table (it is fast)."""
    print(f"\nType I error of the new test at every plan length, rate 1 and 3/day, {sims} per cell")
    print("| days | rate | block | 4 weeks | 8 weeks | 12 weeks |")
    print("|---|---|---|---|---|---|")
    for kind in ("independent", "ar1", "spells"):
        for rate in (1.0, 3.0):
            for block in BLOCK_DAYS:
                cells = []
                for weeks in (4, 8, 12):
                    rng = np.random.default_rng([seed, block, weeks, int(rate), len(kind)])
                    y, is_b, kept, _, before = experiments(
                        Person(kind, rate, kind), rng, sims, pairs_for(weeks, block), block, 0.0
                    )
                    cells.append(f"{new_detects(y, is_b, kept, block, before).mean():.3f}")
                print(f"| {kind} | {rate:g} | {block} | {' | '.join(cells)} |")


def shown_power(person: Person, rng: Rng, people: int) -> Callable[[float, int, int], float]:
    """The power nasalis shows from a 90-day diary, averaged over `people` diaries."""
    diaries = rng.poisson(person.days(rng, people, 90)).astype(np.float64)
    tables = [power_table(variation_of(list(d))) for d in diaries]
    return lambda fall, weeks, block: float(np.mean([t[fall][weeks][block] for t in tables]))


def power(sims: int, people: int, seed: int) -> tuple[float, float]:
    """Shown power beside simulated power; returns the largest and the mean absolute gap."""
    print(f"\nPower: shown before the start (mean over {people} 90-day diaries) / simulated ({sims} each)")
    print("| person | fall | weeks | 3-day blocks | 5-day blocks | 7-day blocks |")
    print("|---|---|---|---|---|---|")
    gaps = []
    persons = [
        Person("independent, 3/day", 3.0, "independent"),
        Person("AR(1) flares, 1/day", 1.0, "ar1"),
        Person("AR(1) flares, 5/day", 5.0, "ar1"),
        Person("flare spells, 2/day", 2.0, "spells"),
    ]
    for person in persons:
        rng = np.random.default_rng([seed, int(person.rate * 10), len(person.kind)])
        shown = shown_power(person, rng, people)
        for fall in (0.5, 0.3):
            for weeks in (4, 8, 12):
                cells = []
                for block in BLOCK_DAYS:
                    y, is_b, kept, _, before = experiments(
                        person, rng, sims, pairs_for(weeks, block), block, fall
                    )
                    real = float(new_detects(y, is_b, kept, block, before).mean())
                    said = shown(fall, weeks, block)
                    gaps.append(said - real)
                    cells.append(f"{said:.2f} / {real:.2f}")
                print(f"| {person.name} | {fall:.0%} | {weeks} | {' | '.join(cells)} |")
    worst = max(gaps, key=abs)
    mean_abs = float(np.mean(np.abs(gaps)))
    print(f"\nshown - simulated: largest gap {worst:+.3f}, mean absolute gap {mean_abs:.3f}")
    return worst, mean_abs


def main() -> None:
    """Run every part and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sims", type=int, default=2000, help="simulated experiments per cell")
    parser.add_argument("--people", type=int, default=40, help="diaries whose shown power is averaged")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    began = time.perf_counter()
    type_one(args.sims, args.seed, 8)
    power_old_new(args.sims // 2, args.seed, 8)
    type_one_new_only(args.sims, args.seed)
    power(args.sims, args.people, args.seed)
    timing = time.perf_counter()
    power_table(variation_of([3.0] * 90))
    print(f"\npower table (27 cells) computed in {time.perf_counter() - timing:.2f} s")
    print(f"bench ran in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
