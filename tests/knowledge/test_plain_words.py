"""Plain words where they are true: the reassurance, what a level means, sources by title."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from nasalis.assessment import assess, parse_intake
from nasalis.assessment.result import AssessmentResult
from nasalis.knowledge import KnowledgeError, load_knowledge
from nasalis.knowledge.emergency import GENERIC_NUMBERS
from nasalis.knowledge.loader import _cross_check
from tests.assessment.vignettes import calm

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "nasalis" / "web" / "templates"
BENIGN = calm(duration_days=3, stress_level=8, caffeine_drinks_per_day=5, sleep_hours=5)
"""A stressed, tired coffee drinker with a three-day twitch and no warning sign."""


def result_of(answers: dict[str, Any]) -> AssessmentResult:
    return assess(parse_intake(answers))


def reassurance_of(result: AssessmentResult) -> str | None:
    kb = load_knowledge()
    contributors = [c.id for c in result.contributors]
    said = kb.reassurance(result.level, contributors, bool(result.unchecked_warning_signs))
    return said.text if said else None


def test_a_benign_self_care_result_is_reassured_in_one_plain_sentence() -> None:
    result = result_of(BENIGN)
    assert result.level == "self_care"
    assert reassurance_of(result) == (
        "Twitching like this, with caffeine, stress and short sleep, is usually harmless and "
        "settles by itself, often within days or weeks."
    )
    said = load_knowledge().reassurance("self_care", [], unchecked=False)
    assert said is not None
    assert said.text.startswith("Twitching like this, with no warning sign found, is usually harmless")
    assert "NHS — Twitching eyes and muscles" in said.sources
    assert "Nose Spasms: Causes, Symptoms, and Treatment Options" in said.sources  # a seed by title
    assert not any(s.endswith(".txt") for s in said.sources)


@pytest.mark.parametrize(
    "answers",
    [
        BENIGN | {"new_face_weakness": True},  # emergency
        BENIGN | {"hearing_change": True, "hearing_onset": "sudden"},  # urgent
        BENIGN | {"duration_days": 30},  # appointment: persistent
        {"duration_days": 3, "stress_level": 8},  # warning signs left unanswered
        calm(other_tics=["sniffing"], conditions=["tourette"]),  # self-care, but a tic disorder
    ],
    ids=["emergency", "urgent", "appointment", "unchecked", "tic"],
)
def test_no_reassurance_where_it_would_not_be_true(answers: dict[str, Any]) -> None:
    result = result_of(answers)
    assert reassurance_of(result) is None, (result.level, [c.id for c in result.contributors])


def test_the_tic_case_really_is_self_care_so_the_contributor_rule_is_what_withholds_it() -> None:
    result = result_of(calm(other_tics=["sniffing"], conditions=["tourette"]))
    assert result.level == "self_care"
    assert not result.unchecked_warning_signs
    assert "tic_disorder" in [c.id for c in result.contributors]


def test_every_reassured_contributor_is_a_contract_contributor() -> None:
    kb = load_knowledge()
    assert set(kb.rulebook.reassurance.triggers) <= {c.id for c in kb.contributors}
    assert not {"tic_disorder", "medication", "nutrient_deficiency", "hemifacial_spasm"} & set(
        kb.rulebook.reassurance.triggers
    )


def test_the_reassurance_stays_off_the_json_contract() -> None:
    text = result_of(BENIGN).dumps()
    assert "usually harmless and settles" not in text
    assert "reassurance" not in json.loads(text)


def test_the_sentences_live_in_data_not_in_templates() -> None:
    for name in ("assess_result.html", "learn.html", "learn_entry.html"):
        html = (TEMPLATES / name).read_text("utf-8")
        assert "usually harmless" not in html, name
        assert "not A&E" not in html, name


def test_appointment_says_with_whom_and_how_fast() -> None:
    kb = load_knowledge()
    appointment = kb.level_means("appointment")
    assert appointment is not None
    for needed in ("GP (family doctor)", "within the next few days", "not A&E and not an emergency call"):
        assert needed in appointment.text
    urgent = kb.level_means("urgent")
    assert urgent is not None
    for needed in (
        "today",
        "same-day",
        "NHS 111",
        "out-of-hours",
        f"Call emergency services ({GENERIC_NUMBERS}) at once",
    ):
        assert needed in urgent.text
    assert kb.level_means("self_care") is None
    assert kb.level_means("emergency") is None
    assert appointment.sources == ("NHS — Twitching eyes and muscles", "NHS — When to call 999")


def test_sources_are_shown_by_the_titles_in_sources_yaml() -> None:
    kb = load_knowledge()
    for seed in kb.sources.seeds:
        assert kb.source_title(seed.file) == seed.title
    nhs = next(g for g in kb.sources.guidance if g.id == "nhs_stroke")
    assert kb.source_title("nhs_stroke") == nhs.label == "NHS — Stroke: Symptoms"
    assert kb.source_title(nhs.label) == nhs.label  # as stored in a result's reasons
    assert kb.source_title("something else") == "something else"
    # The JSON keeps citing seeds by file name, as the contract says.
    assert kb.citation_label(kb.entry("magnesium").cites[-1]).endswith(".txt")


def test_the_benign_entry_links_what_helps_and_when_to_see_a_doctor() -> None:
    kb = load_knowledge()
    entry = kb.entry("benign_twitching")
    helps = [e.id for e in kb.linked(entry, "helps")]
    assert {"manage_stress", "sleep_well", "cut_caffeine"} <= set(helps)
    assert all(e.kind == "self_care" for e in kb.linked(entry, "helps"))
    signs = kb.linked(entry, "see_doctor")
    assert {"persistent", "spreading", "worsening"} <= {e.id for e in signs}
    assert all(e.kind == "warning_sign" for e in signs)
    assert "eyelid_myokymia" in entry.related
    text = entry.summary.lower()
    for said in ("stress, caffeine, short sleep", "usually harmless and settles", "2 weeks", "gp"):
        assert said in text


def test_an_entry_linking_the_wrong_kind_is_refused() -> None:
    kb = load_knowledge()
    bad = kb.entry("benign_twitching").model_copy(update={"helps": ("persistent",)})
    entries = tuple(bad if e.id == bad.id else e for e in kb.entries)
    with pytest.raises(KnowledgeError, match="helps names 'persistent', which is not a self_care"):
        _cross_check(dataclasses.replace(kb, entries=entries))
    worried = kb.worried.model_copy(update={"answer": "nope"})
    with pytest.raises(KnowledgeError, match=r"search\.yaml: unknown answer 'nope'"):
        _cross_check(dataclasses.replace(kb, worried=worried))
