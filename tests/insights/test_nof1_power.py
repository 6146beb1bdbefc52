"""The power shown before an experiment starts: its table, its plan, and a check by simulation."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from nasalis.insights.nof1 import Plan, analyse, default_washout, where
from nasalis.insights.nof1power import (
    BLOCK_DAYS,
    DEFAULT_RATE,
    EFFECTS,
    WEEKS,
    Variation,
    choose,
    pairs_for,
    power_table,
    suggest,
    variation_of,
)

START = dt.date(2026, 3, 2)


def test_the_table_has_every_cell_and_grows_with_the_change_and_the_length() -> None:
    # How fast it is: bench/nof1_bench.py prints it (a timed unit test would fail on a busy machine).
    table = power_table(variation_of([]))
    assert sorted(table) == sorted(EFFECTS)
    for fall in EFFECTS:
        assert sorted(table[fall]) == list(WEEKS)
        for w in WEEKS:
            assert sorted(table[fall][w]) == list(BLOCK_DAYS)
            assert all(0.0 <= share <= 1.0 for share in table[fall][w].values())
    slack = 0.03  # simulation error of a cell is about 1 point
    for b in BLOCK_DAYS:
        for w in WEEKS:
            assert table[0.5][w][b] + slack >= table[0.3][w][b] >= table[0.2][w][b] - slack
        for shorter, longer in itertools.pairwise(WEEKS):
            assert table[0.5][longer][b] + slack >= table[0.5][shorter][b]
    assert table == power_table(variation_of([]))  # seeded: the same diary, the same table


def test_a_short_diary_gets_cautious_defaults_and_a_long_one_its_own_rate_and_clustering() -> None:
    short = variation_of([2.0, 1.0, float("nan")])
    assert (short.rate, short.days_used) == (DEFAULT_RATE, 2)
    rng = np.random.default_rng(3)
    steady = variation_of(list(rng.poisson(6.0, 365).astype(float)))
    assert 5.5 < steady.rate < 6.5
    assert steady.flare_phi < 0.3  # independent days: no lasting flares found
    x = np.zeros(365)
    for t in range(1, 365):
        x[t] = 0.8 * x[t - 1] + rng.normal(0, 0.6 * np.sqrt(1 - 0.64))
    flaring = variation_of(list(rng.poisson(6.0 * np.exp(x - 0.18)).astype(float)))
    assert flaring.flare_sd > 0.4
    assert flaring.flare_phi > 0.5
    # What matters: at the same rate, clustered days leave less power than independent ones.
    assert power_table(steady)[0.5][8][7] > power_table(flaring)[0.5][8][7] + 0.2


def test_the_plan_defaults_to_the_shortest_length_with_80_percent_or_says_12_weeks_are_not_enough() -> None:
    quiet = power_table(Variation(rate=12.0, flare_sd=0.05, flare_phi=0.3, day_extra=0.02, days_used=200))
    plan = suggest(quiet, 0.5)
    assert plan.weeks is not None
    assert plan.power >= 0.8
    assert plan.weeks == min(w for w in WEEKS if max(quiet[0.5][w].values()) >= 0.8)
    assert choose(quiet, 0.5, None, None) == (plan.weeks, plan.block_days)
    flaring = power_table(variation_of([]))
    small = suggest(flaring, 0.2)
    assert (small.weeks, small.block_days) == (None, None)
    assert small.sentence.startswith("Even 12 weeks are not enough")
    assert choose(flaring, 0.2, None, None)[0] == 12


def test_the_power_shown_agrees_with_experiments_simulated_through_the_analysis() -> None:
    # Another path to the same answer: whole experiments as diaries, judged by nof1.analyse.
    v = Variation(rate=4.0, flare_sd=0.4, flare_phi=0.6, day_extra=0.2, days_used=120)
    weeks, block, fall = 8, 7, 0.5
    shown = power_table(v)[fall][weeks][block]
    rng = np.random.default_rng(11)
    pairs = pairs_for(weeks, block)
    found = 0
    runs = 250
    for _ in range(runs):
        schedule = tuple(c for _ in range(pairs) for c in (("A", "B") if rng.random() < 0.5 else ("B", "A")))
        p = Plan("x", START, block, default_washout(block), schedule)
        # the 120 days of diary before the start are part of it: they lend the test their spread
        days = pd.date_range(p.start - dt.timedelta(days=v.days_used), p.end, freq="D")
        x = np.zeros(len(days))
        x[0] = rng.normal(0, v.flare_sd)
        for t in range(1, len(days)):
            x[t] = v.flare_phi * x[t - 1] + rng.normal(0, v.flare_sd * np.sqrt(1 - v.flare_phi**2))
        is_b = np.array([(w := where(p, d.date())) is not None and w.condition == "B" for d in days])
        rate = v.rate * np.exp(x - v.flare_sd**2 / 2) * rng.gamma(1 / v.day_extra, v.day_extra, len(days))
        counts = rng.poisson(np.where(is_b, rate * (1 - fall), rate)).astype(float)
        frame = pd.DataFrame({"episodes": counts}, index=pd.DatetimeIndex(days, name="date"))
        found += analyse(p, frame, p.end).verdict == "helps"
    assert abs(found / runs - shown) < 0.09  # 250 runs: a standard error of about 3 points
