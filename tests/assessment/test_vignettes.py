"""Safety goals on the case book (tests/assessment/cases/, scored by tools/casebook.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tools.casebook import Case, Outcome, failures, report
from tools.casebook import run_case as _run_case

from tests.assessment.vignettes import CASES

_OUTCOMES: dict[str, Outcome] = {}


def run_case(case: Case) -> Outcome:
    """Each case is assessed once per session: the assessment is pure and deterministic."""
    if case.id not in _OUTCOMES:
        _OUTCOMES[case.id] = _run_case(case)
    return _OUTCOMES[case.id]


GROUPS = (
    "seizures",
    "age",
    "drug_toxicity",
    "sudden_onset",
    "tia_befast",
    "unknowns",
    "bad_input",
    "statements",
)
PAGE = Path(__file__).resolve().parents[2] / "docs" / "safety" / "vignettes.md"


def test_the_case_book_has_150_cases_and_10_in_every_group() -> None:
    counts = Counter(c.group for c in CASES)
    assert len(CASES) >= 150
    assert all(counts[g] >= 10 for g in GROUPS), counts
    assert len({c.id for c in CASES}) == len(CASES), "case ids are unique"
    assert all(c.level in c.acceptable for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_no_case_is_under_triaged(case: Case) -> None:
    outcome = run_case(case)
    assert not outcome.under, f"{case.id}: defended {case.level}, got {outcome.got} — {case.why}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_case_says_what_it_must_and_fires_what_it_names(case: Case) -> None:
    assert run_case(case).problems == []


def test_over_triage_stays_rare_and_most_levels_are_exact() -> None:
    outcomes = [run_case(c) for c in CASES]
    over = [o for o in outcomes if o.over]
    exact = sum(o.exact for o in outcomes)
    assert len(over) <= 0.05 * len(outcomes), failures(over)
    assert exact >= 0.85 * len(outcomes), failures([o for o in outcomes if not o.exact])


@pytest.mark.parametrize("case", [c for c in CASES if c.level == "emergency"], ids=lambda c: c.id)
def test_an_emergency_headline_says_to_get_emergency_help_now(case: Case) -> None:
    result = run_case(case).result
    assert result is not None
    headline = result.headline.lower()
    assert "emergency" in headline
    assert "now" in headline


def test_the_report_page_is_current() -> None:
    from tools.casebook import PAGE_HEAD

    expected = PAGE_HEAD + report([run_case(c) for c in CASES])
    assert PAGE.read_text("utf-8") == expected, (
        "run: python -m tools.casebook --write docs/safety/vignettes.md"
    )


def test_every_rule_has_a_case_that_fires_it_and_a_near_miss() -> None:
    from nasalis.knowledge import load_knowledge

    kb = load_knowledge()
    fired = {r for c in CASES for r in c.fires}
    missed = {r for c in CASES for r in c.not_fires}
    ids = {r.id for r in kb.rulebook.rules} | {kb.rulebook.unchecked.rule.id}
    assert ids - fired == set()
    assert ids - missed == set()
