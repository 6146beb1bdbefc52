"""What the entries say: hedged where their sources hedge, and the topics people search for."""

from __future__ import annotations

import re

import pytest

from nasalis.knowledge import load_knowledge, search
from nasalis.knowledge.curated import Entry

NEW_ENTRIES: dict[str, tuple[str, list[str]]] = {
    "benign_twitching": (
        "condition",
        [
            "is it serious",
            "benign fasciculation",
            "harmless twitching",
            "benign twitching",
            "muscle twitching",
            "fasciculation",
            "als",
            "mnd",
        ],
    ),
    "eyelid_myokymia": ("condition", ["eyelid twitching", "eye twitch", "eyelid myokymia"]),
    "facial_myokymia": ("condition", ["facial myokymia", "rippling"]),
    "trigeminal_neuralgia": ("condition", ["trigeminal neuralgia", "tic douloureux", "face pain"]),
    "tardive_dyskinesia": ("condition", ["tardive dyskinesia", "lip smacking"]),
    "serotonin_syndrome": ("condition", ["serotonin syndrome", "serotonin toxicity"]),
    "ramsay_hunt_syndrome": ("condition", ["ramsay hunt syndrome", "shingles"]),
    "chvostek_sign": ("condition", ["chvostek sign", "chvostek's sign"]),
    "infant_twitching": ("condition", ["baby twitching", "infantile spasms"]),
    "febrile_seizure": ("condition", ["febrile seizure", "febrile convulsion", "fever fit"]),
    "meningitis": ("condition", ["meningitis", "stiff neck", "rash that does not fade"]),
    "caffeine_in_pregnancy": ("self_care", ["pregnant", "caffeine in pregnancy"]),
}


def _text(entry: Entry) -> str:
    return " ".join([entry.name, entry.summary]).lower()


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;:!?])\s+", text)


@pytest.mark.parametrize(("entry_id", "kind", "aliases"), [(k, *v) for k, v in NEW_ENTRIES.items()])
def test_new_entry_exists_with_its_aliases(entry_id: str, kind: str, aliases: list[str]) -> None:
    entry = load_knowledge().entry(entry_id)
    assert entry.kind == kind
    assert set(aliases) <= {a.lower() for a in entry.aliases}
    assert entry.cites
    assert 2 <= len([s for s in _sentences(entry.summary) if s.strip()]) <= 8


def test_every_new_condition_says_when_to_get_help() -> None:
    kb = load_knowledge()
    help_words = re.compile(r"\b(gp|doctor|999|111|prescriber|midwife)\b")
    for entry_id in NEW_ENTRIES:
        assert help_words.search(kb.entry(entry_id).summary.lower()), entry_id


def test_is_it_serious_finds_benign_twitching_first() -> None:
    assert search("is it serious")[0].id == "benign_twitching"
    assert search("mnd")[0].id == "benign_twitching"
    summary = load_knowledge().entry("benign_twitching").summary.lower()
    for needed in ("weak", "wasting", "swallowing", "speaking", "very rarely"):
        assert needed in summary


def test_stroke_entry_covers_a_mini_stroke() -> None:
    stroke = load_knowledge().entry("stroke")
    assert search("tia")[0].id == "stroke"
    assert "999" in stroke.summary
    assert "even if the signs have passed" in stroke.summary


def test_no_entry_says_magnesium_is_the_deficiency_most_often_linked() -> None:
    kb = load_knowledge()
    overstated = re.compile(r"magnesium[^.]*\bmost (often|common)|\bmost (often|common)[^.]*magnesium")
    assert [e.id for e in kb.entries if overstated.search(_text(e))] == []
    magnesium = kb.entry("magnesium")
    assert "also said" in magnesium.summary
    passage = "It is also said that the twitching of eyes can happen if you are magnesium deficient."
    assert any(c.seed == "003_4bf3e090a705bf91.txt" and c.passage == passage for c in magnesium.cites)


def test_alcohol_amounts_are_in_units() -> None:
    kb = load_knowledge()
    in_drinks = re.compile(r"\b\d+\s+(alcoholic\s+)?drinks?\b")
    assert [e.id for e in kb.entries if in_drinks.search(_text(e))] == []
    for entry_id in ("alcohol", "cut_alcohol"):
        entry = kb.entry(entry_id)
        assert "14 units a week" in entry.summary, entry_id
        assert "3 or more days" in entry.summary, entry_id
        assert "6 pints" in entry.summary, entry_id
        assert any(c.guidance == "uk_cmo_alcohol" for c in entry.cites), entry_id


def test_carbamazepine_is_hedged_and_never_to_be_started_or_stopped_alone() -> None:
    kb = load_knowledge()
    mentioning = [e for e in kb.entries if "carbamazepine" in e.summary.lower()]
    assert {"anticonvulsants", "trigeminal_neuralgia"} <= {e.id for e in mentioning}
    for entry in mentioning:
        text = entry.summary.lower()
        assert "used successfully" not in text, entry.id
        assert re.search(r"\b(do not|never) start or stop\b", text), entry.id
    anticonvulsants = kb.entry("anticonvulsants").summary.lower()
    assert "sometimes tried" in anticonvulsants
    assert "botulinum toxin" in anticonvulsants
    assert "trigeminal neuralgia" in anticonvulsants
    assert any(c.guidance == "kb_cks_trigeminal_neuralgia" for c in kb.entry("anticonvulsants").cites)


def test_long_spasms_point_to_a_doctor_and_a_long_fit_to_999() -> None:
    summary = load_knowledge().entry("nasal_spasms").summary
    assert "several hours" in summary
    assert "more than a few minutes" in summary
    assert "5 minutes" in summary
    assert "999" in summary


def test_caffeine_in_pregnancy_is_shown_with_caffeine_not_to_everyone() -> None:
    entry = load_knowledge().entry("caffeine_in_pregnancy")
    assert entry.for_ == ("caffeine",)
    assert not entry.always
    assert "200 mg" in entry.summary
    assert "2 mugs of instant coffee" in entry.summary


NEW_SOURCES = {
    "kb_cks_trigeminal_neuralgia",
    "kb_nhs_trigeminal_neuralgia",
    "kb_nhs_mnd",
    "nhs_shingles",
    "nhs_febrile_seizures",
    "kb_mind_tardive_dyskinesia",
    "kb_cks_depression",
    "kb_nhs_foods_to_avoid_pregnancy",
}


def test_new_guidance_sources_are_named_not_linked_and_all_cited() -> None:
    kb = load_knowledge()
    added = [g for g in kb.sources.guidance if g.id in NEW_SOURCES]
    assert {g.id for g in added} == NEW_SOURCES
    cited = {c.guidance for e in kb.entries for c in e.cites}
    for g in added:
        assert g.organisation, g.id
        assert g.title, g.id
        assert not re.search(r"https?://|www\.|\.(uk|org|com)\b", g.title), g.id
        assert g.id in cited, g.id
