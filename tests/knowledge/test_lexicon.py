"""The medication lexicon: generic and brand names, any case, common misspellings."""

from __future__ import annotations

import pytest

from nasalis.knowledge import load_knowledge, match_medication
from nasalis.knowledge.lexicon import all_names, normalise

REQUIRED_CLASSES = {
    "diuretic",
    "beta_agonist",
    "asthma_other",
    "theophylline",
    "corticosteroid",
    "hormone",
    "antihypertensive",
    "statin",
    "stimulant",
    "decongestant",
    "antipsychotic",
    "antiemetic_d2",
}


def test_at_least_150_names_across_all_classes() -> None:
    kb = load_knowledge()
    assert len(all_names()) >= 150
    assert {c.id for c in kb.lexicon.classes} == REQUIRED_CLASSES
    assert {d.class_ for d in kb.lexicon.drugs} == REQUIRED_CLASSES


@pytest.mark.parametrize(
    ("written", "generic", "klass"),
    [
        ("Ventolin", "salbutamol", "beta_agonist"),
        ("VENTOLIN Evohaler 100mcg", "salbutamol", "beta_agonist"),
        ("albuterol", "salbutamol", "beta_agonist"),
        ("salbutomol", "salbutamol", "beta_agonist"),
        ("Lasix 40 mg tablets", "furosemide", "diuretic"),
        ("Metaclopramide", "metoclopramide", "antiemetic_d2"),
        ("metoclopromid", "metoclopramide", "antiemetic_d2"),
        ("Stemetil", "prochlorperazine", "antiemetic_d2"),
        ("theophyline", "theophylline", "theophylline"),
        ("Synthroid", "levothyroxine", "hormone"),
        ("prednisolone 5mg", "prednisolone", "corticosteroid"),
        ("Lipitor", "atorvastatin", "statin"),
        ("Adderal XR", "amphetamine", "stimulant"),
        ("sudafed", "pseudoephedrine", "decongestant"),
        ("Sudafed PE", "phenylephrine", "decongestant"),
        ("Zyprexa", "olanzapine", "antipsychotic"),
        ("bisoprolol fumarate", "bisoprolol", "antihypertensive"),
        ("Co-Amilofruse", None, None),
        ("paracetamol", None, None),
        ("", None, None),
        ("a", None, None),
    ],
)
def test_matching(written: str, generic: str | None, klass: str | None) -> None:
    match = match_medication(written)
    assert (match and match.drug.name, match and match.klass.id) == (generic, klass)


def test_every_listed_name_matches_its_own_drug() -> None:
    for drug in load_knowledge().lexicon.drugs:
        for name in (drug.name, *drug.also):
            match = match_medication(name.upper())
            assert match is not None, name
            assert match.drug.name == drug.name, name


def test_no_class_advice_says_to_stop() -> None:
    for c in load_knowledge().lexicon.classes:
        assert "prescriber" in c.says or "pharmacist" in c.says, c.id


def test_normalise_strips_doses_and_forms() -> None:
    assert normalise("  Ventolin-Inhaler 100 MCG ") == "ventolin"
