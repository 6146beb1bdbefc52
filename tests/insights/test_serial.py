"""Spells in both the twitching and a factor widen the factor's uncertainty, never narrow it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nasalis.insights.serial import autocorrelations, variance_factor


def _ar1(n: int, phi: float, seed: int) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    out = np.zeros(n)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + rng.normal()
    return out


def test_an_ar1_series_shows_its_autocorrelation_at_each_lag() -> None:
    rho = autocorrelations(_ar1(4000, 0.7, 1), np.arange(4000))
    assert abs(rho[0] - 0.7) < 0.05
    assert abs(rho[1] - 0.49) < 0.06
    independent = autocorrelations(np.random.default_rng(2).normal(size=4000), np.arange(4000))
    assert np.abs(independent).max() < 0.05


def test_lags_are_calendar_days_not_rows() -> None:
    days = np.array([0, 1, 2, 10, 11, 12] * 1)
    assert autocorrelations(np.arange(6.0), days).tolist() == [0.0] * 7  # too few pairs to say


def test_the_variance_grows_only_when_both_run_in_spells() -> None:
    day = np.arange(2000)
    spells = _ar1(2000, 0.8, 3)
    residuals = autocorrelations(_ar1(2000, 0.6, 4), day)
    assert variance_factor(residuals, spells, day) > 2.0
    assert variance_factor(np.zeros(7), spells, day) == 1.0
    assert variance_factor(-residuals, spells, day) == 1.0  # never narrower


def test_the_spell_correction_sums_as_many_lags_as_the_residuals_hold() -> None:
    """A slow wander shared by the twitching and a factor widens more over three weeks than one."""
    rng = np.random.default_rng(5)
    day = np.arange(3000)
    slow = _ar1(3000, 0.95, 6)
    residual, factor = slow + rng.normal(size=3000), slow + rng.normal(size=3000)
    week = variance_factor(autocorrelations(residual, day), factor, day)
    three = variance_factor(autocorrelations(residual, day, 21), factor, day)
    assert three > week * 1.3
