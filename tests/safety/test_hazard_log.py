"""The hazard log is complete: every control exists, every hazard is tested, every rule owned."""

from __future__ import annotations

from typing import Any

import pytest
from tools.hazard_log import PAGE, load_log, render, risk

from nasalis.knowledge import load_knowledge
from tests.assessment.vignettes import CASES

LOG = load_log()
HAZARDS: list[dict[str, Any]] = LOG["hazards"]


def test_every_emergency_and_urgent_rule_belongs_to_a_hazard() -> None:
    owned = {r for h in HAZARDS for r in h["controls"]["rules"]}
    serious = {r.id for r in load_knowledge().rulebook.rules if r.level in ("emergency", "urgent")}
    assert serious - owned == set()


@pytest.mark.parametrize("hazard", HAZARDS, ids=lambda h: h["id"])
def test_every_control_and_vignette_of_a_hazard_exists(hazard: dict[str, Any]) -> None:
    kb = load_knowledge()
    rules = {r.id for r in kb.rulebook.rules} | {kb.rulebook.unchecked.rule.id}
    questions = {q.field for q in kb.questions}
    cases = {c.id for c in CASES}
    controls = hazard["controls"]
    assert controls["rules"] or controls["questions"] or controls["wording"], "a hazard needs a control"
    assert set(controls["rules"]) <= rules
    assert set(controls["questions"]) <= questions
    assert hazard["vignettes"], "a hazard needs a vignette"
    assert set(hazard["vignettes"]) <= cases


def test_every_hazard_is_rated_on_the_logs_scales_and_not_made_worse() -> None:
    scales = LOG["scales"]
    for h in HAZARDS:
        assert h["severity"] in scales["severity"]
        before, after = (scales["likelihood"].index(h[k]) for k in ("likelihood_before", "likelihood_after"))
        assert after <= before, h["id"]
    assert risk(LOG, "catastrophic", "very high") == "5 (very high)"
    assert risk(LOG, "minor", "very low") == "1 (very low)"


def test_the_hazard_ids_are_unique() -> None:
    ids = [h["id"] for h in HAZARDS]
    assert len(ids) == len(set(ids))


def test_the_rendered_page_is_current() -> None:
    assert PAGE.read_text("utf-8") == render(LOG), "run: python -m tools.hazard_log"
