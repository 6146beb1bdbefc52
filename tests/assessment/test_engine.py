"""The assessment result: contract shape, explanations, and medical-safety properties."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings

from nasalis.assessment import assess, parse_intake
from nasalis.assessment.intake import ADDITIONS
from nasalis.knowledge import load_knowledge
from tests.assessment.test_intake import VALID_INTAKES
from tests.assessment.vignettes import VIGNETTES, calm

CONTRACT_KEYS = [
    "schema",
    "level",
    "headline",
    "reasons",
    "contributors",
    "self_care",
    "doctor_may",
    "medications",
    "unrecognised_medications",
    "missing_that_would_change_this",
    "disclaimer",
]
CONTRIBUTOR_IDS = {
    "stress",
    "fatigue",
    "caffeine",
    "alcohol",
    "dehydration",
    "nutrient_deficiency",
    "medication",
    "allergy_or_irritation",
    "tic_disorder",
    "hemifacial_spasm",
    "blepharospasm",
    "hypocalcaemia",
    "seizure",
    "stroke",
    "neurological_condition",
}


def run(**answers: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(assess(parse_intake(answers)).dumps())
    return result


def test_contract_shape() -> None:
    result = run(new_face_weakness=True, stress_level=8, medications=["Ventolin", "zzz"])
    assert [k for k in result if k in CONTRACT_KEYS] == CONTRACT_KEYS
    assert set(result) - set(CONTRACT_KEYS) == {"unchecked_warning_signs"}  # an optional extension
    assert result["reasons"][0]["rule"] == "stroke_signs"
    assert result["reasons"][0]["because"] == ["new_face_weakness"]
    assert result["medications"] == [
        {
            "name": "Ventolin",
            "matched": "salbutamol",
            "class": "beta_agonist",
            "says": result["medications"][0]["says"],
        }
    ]
    assert result["unrecognised_medications"] == ["zzz"]


def test_contributors_are_sorted_explained_and_only_with_evidence() -> None:
    result = run(stress_level=8, sleep_hours=6, caffeine_drinks_per_day=5, allergy_symptoms=False)
    ids = [c["id"] for c in result["contributors"]]
    assert ids == ["caffeine", "stress", "fatigue"]
    scores = [c["score"] for c in result["contributors"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert result["contributors"][0]["because"] == ["caffeine_drinks_per_day"]
    assert run()["contributors"] == []


def test_more_evidence_raises_a_score() -> None:
    one = run(urge_before=True)["contributors"][0]
    two = run(urge_before=True, can_hold_back=True)["contributors"][0]
    assert one["id"] == two["id"] == "tic_disorder"
    assert two["score"] > one["score"]
    assert two["because"] == ["urge_before", "can_hold_back"]


def test_every_reason_cites_a_known_source() -> None:
    kb = load_knowledge()
    labels = {s.file for s in kb.sources.seeds} | {g.label for g in kb.sources.guidance}
    for v in VIGNETTES:
        assert v.intake is not None  # VIGNETTES holds only the cases that are intakes
        for reason in run(**v.intake)["reasons"]:
            assert reason["sources"], reason["rule"]
            assert set(reason["sources"]) <= labels, reason["rule"]


def test_level_is_the_most_serious_reason_and_reasons_list_every_rule() -> None:
    result = run(duration_days=30, trend="worse", loss_of_awareness=True)
    assert result["level"] == "urgent"
    assert [r["rule"] for r in result["reasons"]] == ["seizure_signs", "persistent", "worsening"]


def test_unknown_red_flags_are_named_and_known_ones_are_not() -> None:
    missing = run(duration_days=3)["missing_that_would_change_this"]
    assert {
        "new_face_weakness",
        "speech_trouble",
        "sudden_severe_headache",
        "loss_of_awareness",
    } <= set(missing)
    calm_missing = run(**calm(duration_days=3))["missing_that_would_change_this"]
    assert "new_face_weakness" not in calm_missing
    assert run(new_face_weakness=True)["missing_that_would_change_this"] == []


def test_an_unknown_exception_never_lowers_safety() -> None:
    # Other tics without knowing the diagnoses: escalate (the exclusion is unknown).
    assert run(**calm(other_tics=["sniffing"]))["level"] == "appointment"
    assert run(**calm(other_tics=["sniffing"], conditions=["tourette"]))["level"] == "self_care"


def test_derived_facts_map_back_to_intake_fields() -> None:
    result = run(**calm(medications=["Reglan"], new_medication_recently=True))
    assert result["level"] == "urgent"
    assert result["reasons"][0]["because"] == ["medications", "new_medication_recently"]


STOP_WORDS = re.compile(r"\b(stop|stopping|discontinue|quit|come off|cease)\b", re.IGNORECASE)
NEGATED = re.compile(
    r"\b(do not|don't|never|not|without)\b[^.]*\b(stop|stopping|discontinue|change)", re.IGNORECASE
)


def _never_advises_stopping(text: str) -> bool:
    sentences = re.split(r"(?<=[.;:!?])\s+", text)
    return all(NEGATED.search(s) for s in sentences if STOP_WORDS.search(s))


@settings(max_examples=200, deadline=None)
@given(VALID_INTAKES)
def test_never_advises_stopping_a_medicine_and_always_says_when_to_see_a_doctor(
    data: dict[str, Any],
) -> None:
    result = assess(parse_intake(data))
    assert _never_advises_stopping(result.dumps())
    assert any("see a doctor" in s.lower() for s in result.self_care)
    assert "not a diagnosis" in result.disclaimer


def test_the_stop_checker_catches_bad_advice() -> None:
    assert not _never_advises_stopping("Stop taking your inhaler.")
    assert _never_advises_stopping("Do not stop your inhaler.")


def test_every_piece_of_knowledge_is_stop_safe() -> None:
    kb = load_knowledge()
    texts = [e.summary for e in kb.entries] + [c.says for c in kb.lexicon.classes]
    texts += [r.says for r in kb.rulebook.rules] + [c.says for c in kb.contributors]
    assert [t for t in texts if not _never_advises_stopping(t)] == []


def test_contributor_ids_are_the_contracts() -> None:
    assert {c.id for c in load_knowledge().contributors} == CONTRIBUTOR_IDS


def test_every_result_lists_every_sign_of_every_emergency_and_urgent_rule() -> None:
    kb = load_knowledge()
    line = run(duration_days=3)["self_care"][0]
    for rule in kb.rulebook.rules:
        if rule.level in ("emergency", "urgent"):
            assert rule.signs, rule.id
            assert all(sign in line for sign in rule.signs), rule.id
    for named in (
        "sudden loss of vision",
        "after neck (thyroid) surgery",
        "more than 5 minutes",
        "blank spells",
    ):
        assert named in line
    assert run(new_face_weakness=True)["self_care"][0] == line


def test_unanswered_warning_signs_come_first_with_what_to_do() -> None:
    result = run(duration_days=3, areas=["nose"])
    assert result["headline"].startswith("Not checked: a face that droops")
    assert "Call emergency services now" in result["headline"]
    assert result["level"] == "appointment"  # never plain "manage at home"
    first = result["unchecked_warning_signs"][0]
    assert first == {
        "field": "new_face_weakness",
        "sign": "a face that droops or is weak (even if it passed)",
        "if_true": "emergency",
        "then": "Call emergency services now (999, 112 or 911).",
    }
    assert result["missing_that_would_change_this"][0] == "new_face_weakness"
    # The contract's additions alone never lower "manage at home" (an old intake means what it did).
    old_style = run(**{k: v for k, v in calm(duration_days=3).items() if k not in ADDITIONS})
    assert old_style["level"] == "self_care"
    assert "sudden loss of balance" in old_style["headline"]


def test_an_unrecognised_medicine_leaves_the_medicine_rules_open() -> None:
    result = run(**calm(fever=True, medications=["zolfexapram"], areas=["arm_or_leg"]))
    signs = {u["field"]: u for u in result["unchecked_warning_signs"]}
    assert "zolfexapram" in signs["medications"]["sign"]
    assert result["unrecognised_medications"] == ["zolfexapram"]
    known = run(**calm(fever=True, medications=["paracetamol"], areas=["arm_or_leg"]))
    assert "medications" not in {u["field"] for u in known["unchecked_warning_signs"]}


def test_onset_not_given_within_two_days_counts_as_sudden() -> None:
    assert run(**calm(numbness=True, duration_days=1))["level"] == "emergency"
    assert run(**calm(numbness=True, numbness_onset="gradual", duration_days=1))["level"] == "appointment"
    assert run(**calm(numbness=True, duration_days=30))["level"] == "appointment"
    assert run(**calm(hearing_change=True, duration_days=1))["level"] == "urgent"
    assert run(**calm(hearing_change=True, hearing_onset="sudden", duration_days=90))["level"] == "urgent"


def test_pregnant_counts_whatever_sex_says() -> None:
    assert run(**calm(sex="male", pregnant=True, loss_of_awareness=True))["level"] == "emergency"
    assert run(**calm(sex="male", loss_of_awareness=True, conditions=["epilepsy"]))["level"] == "urgent"
    assert (
        run(**calm(sex="female", weeks_since_giving_birth=3, loss_of_awareness=True))["level"] == "emergency"
    )
    assert run(**calm(sex="female", weeks_since_giving_birth=3, areas=["arm_or_leg"]))["level"] == "urgent"


def test_no_core_warning_sign_is_one_of_the_contract_additions() -> None:
    # So an intake without the Additions means what it meant before: only core signs hold
    # a result at appointment when unanswered.
    core = {q.field for q in load_knowledge().questions if q.core}
    assert core
    assert core.isdisjoint(ADDITIONS)
