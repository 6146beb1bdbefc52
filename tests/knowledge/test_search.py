"""Searching the knowledge base."""

from __future__ import annotations

import pytest

from nasalis.knowledge import load_knowledge, search
from nasalis.knowledge.search import NAMED_SHOWN


def test_exact_id_comes_first() -> None:
    assert search("magnesium")[0].id == "magnesium"
    assert search("hemifacial spasm")[0].id == "hemifacial_spasm"


def test_alias_and_words() -> None:
    assert search("Botox")[0].id == "botulinum_toxin"
    assert "blood_tests" in [e.id for e in search("vitamin b12")[:3]]


def test_empty_query_lists_everything_and_nonsense_finds_nothing() -> None:
    assert len(search("")) == len(load_knowledge().entries)
    assert search("xylophone quasar") == []


WORRIED = [
    "is it serious",
    "Is this serious?",
    "dangerous",
    "worried",
    "should I worry",
    "cancer",
    "ALS",
    "MND",
]


@pytest.mark.parametrize("query", WORRIED)
def test_a_worried_search_answers_with_benign_twitching_then_the_warning_signs(query: str) -> None:
    kb = load_knowledge()
    found = [e.id for e in search(query)]
    assert found[0] == "benign_twitching"
    signs = [e.id for e in kb.of_kind("warning_sign")]
    # Every sign that matters comes next, after at most the few topics the words name.
    assert set(signs) <= set(found[: 1 + NAMED_SHOWN + len(signs)])
    assert next(f for f in found if f in signs) == "face_arm_speech"  # the most serious first


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("is a drooping face serious", "face_arm_speech"),
        ("slurred speech dangerous", "face_arm_speech"),
        ("bad headache, am I worried for nothing", "thunderclap_headache"),
    ],
)
def test_a_worried_search_naming_an_emergency_sign_puts_that_first(query: str, first: str) -> None:
    found = [e.id for e in search(query)]
    assert found[:2] == [first, "benign_twitching"]


def test_a_worried_search_naming_a_harmless_topic_keeps_the_answer_first() -> None:
    found = [e.id for e in search("is my eyelid twitch normal")]
    assert found[:2] == ["benign_twitching", "eyelid_myokymia"]
    assert len(found) == len({*found})  # each entry once


def test_a_plain_search_is_not_a_worried_one() -> None:
    assert search("stroke")[0].id in ("face_arm_speech", "stroke")
    assert "benign_twitching" not in [e.id for e in search("magnesium")]
