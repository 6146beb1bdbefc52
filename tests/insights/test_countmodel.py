"""The NB2 count model: agrees with statsmodels' negative-binomial GLM, calibrated on null data."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from nasalis.insights.countmodel import fit, fit_many
from nasalis.insights.fdr import bh_adjust


@pytest.mark.parametrize("seed", range(5))
def test_matches_statsmodels_negative_binomial_glm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.poisson(2, 120), rng.random(120) < 0.3]).astype(float)
    y = rng.poisson(rng.gamma(3, np.exp(0.8 + 0.2 * x[:, 0] + 0.5 * x[:, 1]) / 3)).astype(float)
    ours = fit_many(y, x, alpha=0.3)
    family = sm.families.NegativeBinomial(alpha=0.3)
    reference = sm.GLM(y, sm.add_constant(x), family=family).fit(scale="X2")
    # nasalis never lets the Pearson scale fall below 1; rescale statsmodels' SE likewise.
    floor = np.sqrt(max(1.0, reference.scale) / reference.scale)
    for j in range(2):
        est = ours[j]
        assert est is not None
        assert est.rate_ratio == pytest.approx(np.exp(reference.params[j + 1]), rel=1e-6)
        assert est.se_log == pytest.approx(reference.bse[j + 1] * floor, rel=1e-6)


def test_p_values_are_uniform_under_the_null() -> None:
    """Over-dispersed null data: the rate of p < 0.05 stays near 5% and p is ~uniform."""
    rng = np.random.default_rng(42)
    pvalues = []
    for _ in range(600):
        n = int(rng.choice([30, 60, 90]))
        x = (rng.random(n) < 0.3).astype(float) if rng.random() < 0.5 else rng.poisson(2, n).astype(float)
        y = rng.poisson(rng.gamma(2.0, 3.0 / 2.0, n)).astype(float)
        est = fit(y, x)
        if est is not None:
            pvalues.append(est.p)
    rate = np.mean(np.array(pvalues) < 0.05)
    assert 0.025 <= rate <= 0.075, rate
    assert stats.kstest(pvalues, "uniform").pvalue > 0.01


def test_plain_poisson_would_not_be_calibrated() -> None:
    """The reason for the dispersion correction: unscaled Poisson errors flag far too often."""
    rng = np.random.default_rng(7)
    flagged = 0
    for _ in range(300):
        x = rng.poisson(2, 60).astype(float)
        y = rng.poisson(rng.gamma(2.0, 1.5, 60)).astype(float)
        model = sm.GLM(y, sm.add_constant(x), family=sm.families.Poisson()).fit()
        flagged += model.pvalues[1] < 0.05
    assert flagged / 300 > 0.10


def test_degenerate_inputs_give_no_estimate() -> None:
    assert fit(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0])) is None
    assert fit(np.zeros(30), np.arange(30.0)) is None


def test_bh_matches_the_textbook() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    assert bh_adjust(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert bh_adjust([]) == []


def test_a_factor_that_separates_the_data_is_not_estimated_rather_than_overflowing() -> None:
    # Found by the soak benchmark: a tag on one day only, a day without twitches, made the
    # interval's exp() overflow and the Insights page answer 500.
    rng = np.random.default_rng(0)
    y = rng.poisson(3, 60).astype(float)
    x = np.zeros((60, 2))
    x[:, 0] = rng.normal(size=60)
    x[5, 1], y[5] = 1.0, 0.0
    first, second = fit_many(y, x)
    assert second is None
    assert first is not None
    assert math.isfinite(first.ci_high)


@pytest.mark.parametrize("seed", range(3))
def test_a_trigger_test_matches_statsmodels_with_its_base_and_offset(seed: int) -> None:
    """fit_factor (the trigger tests' fit) equals the NB GLM when nothing is penalised."""
    from nasalis.insights.countmodel import fit_factor

    rng = np.random.default_rng(seed)
    n = 150
    base = np.column_stack([np.ones(n), np.linspace(-1, 1, n)])
    x = rng.poisson(2, n).astype(float)
    offset = np.log(rng.uniform(0.3, 1.0, n))
    y = rng.poisson(rng.gamma(3, np.exp(offset + 1.0 + 0.3 * base[:, 1] + 0.2 * x) / 3)).astype(float)
    fitted = fit_factor(y, x, base, np.array([math.log(y.mean()), 0.0]), 0.3, None, offset)
    assert fitted is not None
    b, se, df = fitted
    family = sm.families.NegativeBinomial(alpha=0.3)
    reference = sm.GLM(y, np.column_stack([base, x]), family=family, offset=offset).fit(scale="X2")
    floor = np.sqrt(max(1.0, reference.scale) / reference.scale)
    assert b == pytest.approx(reference.params[2], rel=1e-5)
    assert se == pytest.approx(reference.bse[2] * floor, rel=1e-4)
    assert df == n - 3
