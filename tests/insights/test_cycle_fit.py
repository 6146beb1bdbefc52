"""A treatment cycle's fit on generated diaries whose true onset and wear-off are known."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from bench.support.cycle_sim import share_curve

from nasalis.insights.cycle_fit import (
    EFFECT_THRESHOLD,
    CycleFit,
    _weighted_median,
    compare,
    cycle_data,
    fit_cycle,
    grid_evidence,
)

ON = dt.date(2026, 3, 1)


def _diary(
    seed: int,
    depth: float,
    days_after: int = 120,
    logged: float = 1.0,
    wear: float = 70.0,
    base: float = 10.0,
) -> dict[dt.date, float]:
    """60 days before ON and `days_after` after: NB counts around base * (1 - depth * share)."""
    rng = np.random.default_rng(seed)
    t = np.arange(-60, days_after, dtype=np.float64)
    mean = base * (1 - depth * share_curve(t, 5.0, 35.0, wear))
    y = rng.poisson(mean * rng.gamma(4.0, 0.25, len(t)))
    keep = rng.random(len(t)) < logged
    return {ON + dt.timedelta(days=int(d)): float(v) for d, v, k in zip(t, y, keep, strict=True) if k}


def _fit(counts: dict[dt.date, float], next_on: dt.date | None = None) -> CycleFit:
    return fit_cycle(cycle_data(counts, ON, next_on, max(counts)))


def test_a_clear_cycle_is_found_with_its_onset_and_wear_off_inside_the_intervals() -> None:
    fit = _fit(_diary(1, 0.8))
    assert fit.status == "complete"
    assert fit.baseline_per_day is not None
    assert 8 < fit.baseline_per_day < 12
    assert fit.best_per_day is not None
    assert fit.best_per_day < 4
    assert fit.relative_change is not None
    assert -0.9 < fit.relative_change < -0.6
    assert fit.onset_day is not None
    assert abs(fit.onset_day - 5) <= 7
    assert fit.wear_off_day is not None
    assert abs(fit.wear_off_day - 70) <= 7
    assert fit.onset_day_ci is not None
    assert fit.onset_day_ci[0] <= fit.onset_day <= fit.onset_day_ci[1]
    assert fit.wear_off_day_ci is not None
    assert fit.wear_off_day_ci[0] <= fit.wear_off_day <= fit.wear_off_day_ci[1]
    assert len(fit.fitted) == fit.days_followed == 120


def test_no_effect_is_invented_on_null_cycles() -> None:
    for seed in range(8):
        fit = _fit(_diary(seed, 0.0))
        assert fit.status == "no_clear_effect", seed
        assert (fit.best_per_day, fit.onset_day, fit.wear_off_day, fit.onset_day_ci) == (None,) * 4


def test_missing_days_are_unknown_not_zero() -> None:
    # half the days unlogged: counting them as zero would halve the rate after the treatment
    counts = _diary(3, 0.0, logged=0.5)
    assert _fit(counts).status == "no_clear_effect"


def test_a_next_treatment_before_the_wear_off_ends_the_cycle_complete_without_a_wear_off() -> None:
    counts = _diary(2, 0.8, wear=90.0)
    fit = _fit(counts, next_on=ON + dt.timedelta(days=60))
    assert fit.status == "complete"
    assert fit.days_followed == 60
    assert fit.wear_off_day is None
    assert fit.wear_off_day_ci is None
    assert fit.onset_day is not None


def test_a_cycle_not_worn_off_when_the_diary_ends_is_ongoing() -> None:
    fit = _fit(_diary(4, 0.8, days_after=45))
    assert fit.status == "ongoing"
    assert fit.wear_off_day is None
    assert fit.onset_day is not None


def test_too_few_logged_days_is_not_enough_data_with_nothing_guessed() -> None:
    fit = _fit(_diary(5, 0.8, days_after=10))
    assert fit.status == "not_enough_data"
    assert (fit.best_per_day, fit.relative_change, fit.onset_day, fit.wear_off_day) == (None,) * 4
    two_days_before = {d: v for d, v in _diary(5, 0.8).items() if d >= ON - dt.timedelta(days=2)}
    assert _fit(two_days_before).status == "not_enough_data"


def test_three_logged_days_before_are_enough_for_a_clear_cycle() -> None:
    # The floor was a week; the independent evaluation's short baselines (1-10 days) then got no
    # answer at all although the days after the wear-off hold the level the effect is measured on.
    three_days_before = {d: v for d, v in _diary(5, 0.8).items() if d >= ON - dt.timedelta(days=3)}
    fit = _fit(three_days_before)
    assert fit.status == "complete"
    before = [v for d, v in three_days_before.items() if d < ON]
    assert fit.baseline_per_day == round(sum(before) / len(before), 2)
    # the contract's share is against those three days' mean, so the timing is rougher than
    # with four weeks before, but it is an answer with its intervals
    assert fit.onset_day is not None
    assert fit.onset_day_ci is not None
    assert fit.onset_day_ci[0] <= fit.onset_day <= fit.onset_day_ci[1]
    assert fit.wear_off_day is not None
    assert abs(fit.wear_off_day - 70) <= 14


def test_cycles_are_compared_in_one_sentence() -> None:
    fits = [CycleFit(90, 8.0, wear_off_day=d, status="complete") for d in (63, 70, 77, 63)]
    assert compare(fits) == "The last three cycles wore off at day 70, 77 and 63 (week 10, 11 and 9)."
    assert compare(fits[:1]) is None


def test_a_dip_of_days_is_not_a_treatment_effect() -> None:
    # A toxin cycle lasts weeks: a bad spell ending at the injection, then a few low days, was
    # called an effect when the scan held curves a week long.
    # That scan called 8 of these 10 nine-day dips effects; the toxin-like curves call at most 2.
    called = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        t = np.arange(-60, 120)
        mean = np.where((t >= 0) & (t < 9), 3.0, 10.0)
        y = rng.poisson(mean * rng.gamma(8.0, 0.125, len(t)))
        fit = _fit({ON + dt.timedelta(days=int(d)): float(v) for d, v in zip(t, y, strict=True)})
        called += fit.status != "no_clear_effect"
    assert called <= 2


def test_the_point_estimate_is_the_likelihood_weighted_median_of_the_kept_curves() -> None:
    days = np.array([40, 3, 5, 7, -1], dtype=np.int64)
    weight = np.array([0.0, 1.0, 1.0, 3.0, 4.0])
    assert _weighted_median(days, weight) == 7
    assert _weighted_median(days[:3], weight[:3]) == 3


def test_curves_that_have_not_crossed_by_the_end_count_as_crossing_after_it() -> None:
    days = np.array([40, 3, 5, 7, -1], dtype=np.int64)
    # -1 holds more than half the weight: the day is more likely after the cycle's end than in it
    assert _weighted_median(days, np.array([0.0, 1.0, 1.0, 3.0, 9.0])) is None


def test_a_next_injection_shortly_before_the_wear_off_is_not_given_one() -> None:
    # The bench caught this: 10-14 days before the true wear-off the fall has begun, a few
    # crossing curves fit the noise, and their median alone was reported (10 of these 24 cycles).
    given = [
        _fit(_diary(seed, 0.7, wear=wear), next_on=ON + dt.timedelta(days=next_day)).wear_off_day
        for wear, next_day in ((80, 66), (75, 62))
        for seed in range(12)
    ]
    assert sum(day is not None for day in given) <= 1, given


def _true_onset_and_wear_off(wear: float) -> tuple[int, int]:
    """The contract's onset and wear-off of `_diary`'s mean curve (its 28 days before are flat)."""
    t = np.arange(0, 120, dtype=np.float64)
    rate = 10.0 * (1 - 0.8 * share_curve(t, 5.0, 35.0, wear))
    share = (10.0 - rate) / (10.0 - rate.min())
    best = int(np.argmin(rate))
    return int(np.argmax(share >= 0.5)), int(np.nonzero((t > best) & (share < 0.5))[0][0])


def test_the_intervals_contain_the_true_onset_and_wear_off_of_clean_cycles() -> None:
    # The truth is the contract's definitions on the mean curve, not the fit's own estimate.
    for seed, wear in ((1, 70.0), (6, 60.0), (7, 84.0)):
        onset, wear_off = _true_onset_and_wear_off(wear)
        fit = _fit(_diary(seed, 0.8, wear=wear))
        assert fit.status == "complete", seed
        assert fit.evidence is not None
        assert fit.evidence >= EFFECT_THRESHOLD
        assert fit.onset_day_ci is not None, seed
        assert fit.onset_day_ci[0] <= onset <= fit.onset_day_ci[1], seed
        assert fit.wear_off_day_ci is not None, seed
        assert fit.wear_off_day_ci[0] <= wear_off <= fit.wear_off_day_ci[1], seed


def test_the_evidence_is_averaged_over_the_curves_not_the_best_one() -> None:
    # One curve that fits (a dip only it explains) counts for what it is among the grid's
    # curves: 2 log(mean LR), far below the best curve's own 2 log LR; many that fit, nearly all.
    null_ll, scale = 0.0, 2.0
    one = np.zeros(1000)
    one[0] = 10.0
    assert grid_evidence(one, null_ll, scale) == pytest.approx(2 * np.log((np.exp(5.0) + 999) / 1000))
    many = np.full(1000, 10.0)
    assert grid_evidence(many, null_ll, scale) == pytest.approx(10.0)
    assert grid_evidence(one, null_ll, scale) < EFFECT_THRESHOLD < grid_evidence(many, null_ll, scale)


def test_a_flare_in_the_days_before_does_not_read_as_an_effect() -> None:
    # A spell of bad days just before the injection (a flare heavy diary: AR(1) log-rate, a
    # ten-day flare at twice the rate) makes the days after look lower. The best curve's own
    # ratio (threshold 8) called 4 of these 30 null cycles effects; averaged over the grid, 2.
    called = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        t = np.arange(-60, 120)
        x = np.zeros(len(t))
        for i in range(1, len(t)):
            x[i] = 0.7 * x[i - 1] + rng.normal(0, 0.25 * np.sqrt(1 - 0.49))
        mean = 10.0 * np.exp(x) * np.where((t >= -20) & (t < -10), 2.0, 1.0)
        y = rng.poisson(mean * rng.gamma(4.0, 0.25, len(t)))
        fit = _fit({ON + dt.timedelta(days=int(d)): float(v) for d, v in zip(t, y, strict=True)})
        called += fit.status in ("complete", "ongoing")
    assert called <= 3
