"""The knowledge base loads, validates, and refuses inconsistent data."""

from __future__ import annotations

import dataclasses
import re

import pytest
from pydantic import ValidationError

from nasalis.assessment.conditions import validate
from nasalis.assessment.engine import DERIVED_FROM
from nasalis.assessment.intake import FIELDS
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.curated import Citation, Entry
from nasalis.knowledge.loader import KIND_TITLES, _cross_check

ISSUE_REQUIRES = {
    "doctor_check": ["blood_tests", "neuro_tests", "imaging", "physical_exam", "history"],
    "treatment": [
        "lifestyle",
        "muscle_relaxants",
        "anticonvulsants",
        "botulinum_toxin",
        "treat_underlying",
    ],
    "condition": [
        "tic_disorder",
        "tourette",
        "parkinsons",
        "hemifacial_spasm",
        "blepharospasm",
        "hypocalcaemia",
        "focal_seizure",
        "stroke",
        "bells_palsy",
        "multiple_sclerosis",
    ],
}


def test_every_kind_is_populated() -> None:
    kb = load_knowledge()
    assert {e.kind for e in kb.entries} == set(KIND_TITLES)
    for kind, ids in ISSUE_REQUIRES.items():
        assert set(ids) <= {e.id for e in kb.of_kind(kind)}, kind


def test_blood_tests_name_every_nutrient() -> None:
    text = load_knowledge().entry("blood_tests").summary.lower()
    for nutrient in [
        "magnesium",
        "potassium",
        "calcium",
        "iron",
        "zinc",
        "vitamin b12",
        "b vitamins",
        "vitamin e",
    ]:
        assert nutrient in text


def test_every_entry_cites_something_and_no_urls() -> None:
    kb = load_knowledge()
    for e in kb.entries:
        assert e.cites, e.id
    everything = " ".join(e.model_dump_json() for e in kb.entries) + str(kb.rulebook) + str(kb.lexicon)
    assert not re.search(r"https?://|www\.", everything), "no URL may be invented"


def test_rules_and_evidence_read_only_intake_fields() -> None:
    kb = load_knowledge()
    known = frozenset(FIELDS) | frozenset(DERIVED_FROM)
    conditions = [r.when for r in kb.rulebook.rules] + [r.unless for r in kb.rulebook.rules if r.unless]
    conditions += [ev.when for c in kb.contributors for ev in c.evidence]
    conditions += [q.ask_if for q in kb.questions if q.ask_if is not None]
    conditions += [e.when for e in kb.entries if e.when is not None]
    conditions += [r.unless for r in kb.rulebook.rules if r.unless is not None]
    problems = [p for cond in conditions for p in validate(cond, known)]
    assert problems == []
    assert validate({"no_such_field": True}, known) == ["unknown field 'no_such_field'"]
    assert validate({"age_years": {"bigger": 3}}, known) == ["unknown operator 'bigger'"]


def test_questions_cover_every_field_once() -> None:
    fields = [q.field for q in load_knowledge().questions]
    assert sorted(fields) == sorted(FIELDS)
    groups = [q.group for q in load_knowledge().questions]
    assert groups.index("lifestyle") > max(i for i, g in enumerate(groups) if g == "warning")


def test_a_citation_needs_a_passage_and_one_kind() -> None:
    with pytest.raises(ValidationError):
        Citation(seed="000_8a26fdd9690a6168.txt")
    with pytest.raises(ValidationError):
        Citation(seed="x.txt", passage="p", guidance="nhs_stroke")


def test_cross_check_names_the_problem() -> None:
    kb = load_knowledge()
    bad = Entry(
        id="bad",
        name="Bad",
        summary="s",
        kind="cause",
        cites=(Citation(guidance="made_up_guidance"),),
        contributor="no_such",
    )
    broken = type(kb)(
        kb.sources,
        (*kb.entries, bad),
        kb.lexicon,
        kb.rulebook,
        kb.contributors,
        kb.questions,
        kb.worried,
    )
    with pytest.raises(ValueError, match="made_up_guidance") as info:
        _cross_check(broken)
    assert "no_such" in str(info.value)


def test_a_guidance_page_is_declared_once() -> None:
    kb = load_knowledge()
    first = kb.sources.guidance[0]
    twice = first.model_copy(update={"id": "same_page_again"})
    sources = kb.sources.model_copy(update={"guidance": (*kb.sources.guidance, twice)})
    broken = dataclasses.replace(kb, sources=sources)
    with pytest.raises(ValueError, match="declared more than once"):
        _cross_check(broken)
