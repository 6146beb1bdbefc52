"""Safety goals on the vignette suite (see vignettes.py for the reasoning of each case)."""

from __future__ import annotations

from collections import Counter

import pytest

from nasalis.assessment import assess, parse_intake
from nasalis.assessment.engine import rank
from tests.assessment.vignettes import VIGNETTES, Vignette


def test_suite_shape() -> None:
    counts = Counter(v.level for v in VIGNETTES)
    assert len(VIGNETTES) >= 60
    assert all(counts[level] >= 10 for level in ("emergency", "urgent", "appointment", "self_care"))


@pytest.mark.parametrize(
    "case", [v for v in VIGNETTES if v.level in ("emergency", "urgent")], ids=lambda v: v.why[:50]
)
def test_every_emergency_and_urgent_case_reaches_its_level(case: Vignette) -> None:
    result = assess(parse_intake(case.intake))
    assert rank(result.level) >= rank(case.level), case.why  # type: ignore[arg-type]


def test_at_least_95_percent_get_the_defended_level() -> None:
    wrong = [
        (v.level, assess(parse_intake(v.intake)).level, v.why)
        for v in VIGNETTES
        if assess(parse_intake(v.intake)).level != v.level
    ]
    accuracy = 1 - len(wrong) / len(VIGNETTES)
    assert accuracy >= 0.95, wrong


@pytest.mark.parametrize("case", [v for v in VIGNETTES if v.level == "emergency"], ids=lambda v: v.why[:50])
def test_an_emergency_headline_says_to_get_emergency_help(case: Vignette) -> None:
    headline = assess(parse_intake(case.intake)).headline.lower()
    assert "emergency" in headline
    assert "now" in headline
