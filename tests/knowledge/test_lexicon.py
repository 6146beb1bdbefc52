"""The medication lexicon: generic and brand names, any case, common misspellings."""

from __future__ import annotations

import re

import pytest

from nasalis.knowledge import load_knowledge, match_medication
from nasalis.knowledge.lexicon import all_names, normalise

REQUIRED_CLASSES = {
    "diuretic",
    "potassium_sparing_diuretic",
    "beta_agonist",
    "asthma_other",
    "theophylline",
    "corticosteroid",
    "steroid_local",
    "hormone",
    "antihypertensive",
    "tremor_or_tic_treatment",
    "statin",
    "stimulant",
    "decongestant_oral",
    "decongestant_spray",
    "antipsychotic",
    "antiemetic_d2",
    "antiemetic_other",
    "sedating_antihistamine",
    "ssri",
    "snri",
    "tricyclic",
    "maoi",
    "serotonergic_opioid",
    "other_serotonergic",
    "lithium",
    "dopaminergic",
    "antiepileptic",
    "bupropion",
    "insulin",
    "sulfonylurea",
    "diabetes_other",
    "anticoagulant",
    "antiplatelet",
    "ppi",
    "fluoroquinolone",
    "benzodiazepine_or_z_drug",
    "not_linked",
}

SEROTONERGIC = {"ssri", "snri", "tricyclic", "maoi", "serotonergic_opioid", "other_serotonergic"}


def test_at_least_320_drugs_and_1000_names_across_all_classes() -> None:
    kb = load_knowledge()
    assert len(kb.lexicon.drugs) >= 320
    assert len(all_names()) >= 1000
    assert {c.id for c in kb.lexicon.classes} == REQUIRED_CLASSES
    assert {d.class_ for d in kb.lexicon.drugs} == REQUIRED_CLASSES


def test_generic_names_and_class_ids_are_unique() -> None:
    kb = load_knowledge()
    generics = [d.name for d in kb.lexicon.drugs]
    assert len(generics) == len(set(generics))
    ids = [c.id for c in kb.lexicon.classes]
    assert len(ids) == len(set(ids))


def test_every_drugs_class_exists() -> None:
    kb = load_knowledge()
    class_ids = {c.id for c in kb.lexicon.classes}
    assert [d.name for d in kb.lexicon.drugs if d.class_ not in class_ids] == []


@pytest.mark.parametrize(
    ("written", "generic", "klass"),
    [
        ("Ventolin", "salbutamol", "beta_agonist"),
        ("VENTOLIN Evohaler 100mcg", "salbutamol", "beta_agonist"),
        ("albuterol", "salbutamol", "beta_agonist"),
        ("salbutomol", "salbutamol", "beta_agonist"),
        ("Seretide 250 Accuhaler", "salmeterol", "beta_agonist"),
        ("Symbicort Turbohaler", "formoterol", "beta_agonist"),
        ("Lasix 40 mg tablets", "furosemide", "diuretic"),
        ("Bendroflumethiazide 2.5mg", "bendroflumethiazide", "diuretic"),
        ("Aldactone 25mg", "spironolactone", "potassium_sparing_diuretic"),
        ("Co-Amilofruse", "amiloride", "potassium_sparing_diuretic"),
        ("Metaclopramide", "metoclopramide", "antiemetic_d2"),
        ("metoclopromid", "metoclopramide", "antiemetic_d2"),
        ("Primperan 10mg", "metoclopramide", "antiemetic_d2"),
        ("Stemetil", "prochlorperazine", "antiemetic_d2"),
        ("Motilium", "domperidone", "antiemetic_other"),
        ("Zofran 4mg", "ondansetron", "antiemetic_other"),
        ("theophyline", "theophylline", "theophylline"),
        ("Synthroid", "levothyroxine", "hormone"),
        ("prednisolone 5mg", "prednisolone", "corticosteroid"),
        ("Flixonase nasal spray", "fluticasone", "steroid_local"),
        ("Clenil Modulite 100mcg inhaler", "beclometasone", "steroid_local"),
        ("Betnovate cream", "betamethasone valerate", "steroid_local"),
        ("propranolol", "propranolol", "tremor_or_tic_treatment"),
        ("Inderal LA 80mg", "propranolol", "tremor_or_tic_treatment"),
        ("Intuniv 2mg", "guanfacine", "tremor_or_tic_treatment"),
        ("Lipitor", "atorvastatin", "statin"),
        ("Adderal XR", "amphetamine", "stimulant"),
        ("sudafed", "pseudoephedrine", "decongestant_oral"),
        ("Sudafed PE", "phenylephrine", "decongestant_oral"),
        ("Otrivine nasal spray", "xylometazoline", "decongestant_spray"),
        ("Sudafed Blocked Nose Spray", "xylometazoline", "decongestant_spray"),
        ("Zyprexa", "olanzapine", "antipsychotic"),
        ("Haldol decanoate injection", "haloperidol", "antipsychotic"),
        ("Depixol", "flupentixol", "antipsychotic"),
        ("bisoprolol fumarate", "bisoprolol", "antihypertensive"),
        ("Phenergan", "promethazine", "sedating_antihistamine"),
        ("Piriton 4mg", "chlorphenamine", "sedating_antihistamine"),
        ("sertaline", "sertraline", "ssri"),
        ("Sertraline 50 mg once a day", "sertraline", "ssri"),
        ("Cipralex 10mg", "escitalopram", "ssri"),
        ("Effexor XL 75mg", "venlafaxine", "snri"),
        ("Cymbalta", "duloxetine", "snri"),
        ("amitriptilline", "amitriptyline", "tricyclic"),
        ("Prothiaden", "dosulepin", "tricyclic"),
        ("Nardil", "phenelzine", "maoi"),
        ("tramadole", "tramadol", "serotonergic_opioid"),
        ("Zydol SR 100mg", "tramadol", "serotonergic_opioid"),
        ("Tramacet", "tramadol", "serotonergic_opioid"),
        ("Imigran 50mg", "sumatriptan", "other_serotonergic"),
        ("St. Johns Wort", "st john's wort", "other_serotonergic"),
        ("Priadel 400mg", "lithium carbonate", "lithium"),
        ("Li-Liquid", "lithium citrate", "lithium"),
        ("Sinemet CR", "co-careldopa", "dopaminergic"),
        ("Requip XL 8mg", "ropinirole", "dopaminergic"),
        ("Epilim Chrono 500", "sodium valproate", "antiepileptic"),
        ("Keppra 500mg", "levetiracetam", "antiepileptic"),
        ("Rivotril 0.5mg", "clonazepam", "antiepileptic"),
        ("Wellbutrin XL", "bupropion", "bupropion"),
        ("Lantus SoloStar", "insulin glargine", "insulin"),
        ("Humulin I", "isophane insulin", "insulin"),
        ("NovoMix 30", "biphasic insulin", "insulin"),
        ("Diamicron MR", "gliclazide", "sulfonylurea"),
        ("Metformin 500mg", "metformin", "diabetes_other"),
        ("Ozempic", "semaglutide", "diabetes_other"),
        ("Eliquis 5mg", "apixaban", "anticoagulant"),
        ("Clexane 40mg injection", "enoxaparin", "anticoagulant"),
        ("Plavix 75mg", "clopidogrel", "antiplatelet"),
        ("aspirin 75mg", "aspirin", "antiplatelet"),
        ("Omeprazole 20mg capsules", "omeprazole", "ppi"),
        ("Nexium", "esomeprazole", "ppi"),
        ("Ciproxin 500mg", "ciprofloxacin", "fluoroquinolone"),
        ("Valium 5mg", "diazepam", "benzodiazepine_or_z_drug"),
        ("zopiclone 7.5mg", "zopiclone", "benzodiazepine_or_z_drug"),
        ("paracetamol", "paracetamol", "not_linked"),
        ("Nurofen Plus", "ibuprofen", "not_linked"),
        ("Clarityn", "loratadine", "not_linked"),
        ("Microgynon 30", "ethinylestradiol with levonorgestrel", "not_linked"),
        ("Vitamin D3 1000 IU", "colecalciferol", "not_linked"),
        ("Co-Tenidone", None, None),
        ("banana", None, None),
        ("xyzzy", None, None),
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
        text = c.says.lower()
        # "stop" only ever appears as "do not stop" / "never stop", or as "stopping suddenly can..."
        for m in re.finditer(r"\b(stop|stopping)\b", text):
            before = set(text[: m.start()].split()[-2:])
            assert m.group(1) == "stopping" or before & {"not", "never"}, (c.id, text)


def test_class_advice_does_not_overstate() -> None:
    classes = {c.id: c for c in load_knowledge().lexicon.classes}
    sparing = classes["potassium_sparing_diuretic"].says.lower()
    assert "lower potassium" not in sparing
    assert "lowers potassium" not in sparing
    for local in ("steroid_local", "decongestant_spray"):
        text = classes[local].says.lower()
        for systemic in ("tremor", "suddenly", "dangerous", "whole body", "restlessness"):
            assert systemic not in text, (local, systemic)
    assert "metoclopramide" not in classes["antiemetic_other"].says.lower()
    assert "7 days" in classes["decongestant_spray"].says


def test_links_and_tags_follow_the_classes() -> None:
    classes = {c.id: c for c in load_knowledge().lexicon.classes}
    assert {i for i, c in classes.items() if "serotonergic" in c.tags} == SEROTONERGIC
    assert {i for i, c in classes.items() if "dopamine_blocker" in c.tags} == {
        "antipsychotic",
        "antiemetic_d2",
    }
    assert {i for i, c in classes.items() if "lowers_blood_sugar" in c.tags} == {
        "insulin",
        "sulfonylurea",
    }
    assert {i for i, c in classes.items() if "anticoagulant" in c.tags} == {"anticoagulant"}
    assert {i for i, c in classes.items() if "narrow_margin" in c.tags} == {"lithium", "theophylline"}
    for none in ("steroid_local", "decongestant_spray", "tremor_or_tic_treatment", "not_linked"):
        assert classes[none].link == "none", none
    for strong in ("beta_agonist", "theophylline", "stimulant", "antipsychotic", "antiemetic_d2", "lithium"):
        assert classes[strong].link == "strong", strong


def test_drugs_sit_in_the_right_classes() -> None:
    by_name = {d.name: d.class_ for d in load_knowledge().lexicon.drugs}
    assert by_name["propranolol"] == by_name["clonidine"] == "tremor_or_tic_treatment"
    assert by_name["domperidone"] == "antiemetic_other"
    assert by_name["promethazine"] == "sedating_antihistamine"
    assert by_name["aspirin"] == "antiplatelet"
    assert {by_name[d] for d in ("fluticasone", "beclometasone", "budesonide", "mometasone")} == {
        "steroid_local"
    }
    assert {by_name[d] for d in ("spironolactone", "eplerenone", "amiloride", "triamterene")} == {
        "potassium_sparing_diuretic"
    }


def test_normalise_strips_doses_and_forms() -> None:
    assert normalise("  Ventolin-Inhaler 100 MCG ") == "ventolin"
