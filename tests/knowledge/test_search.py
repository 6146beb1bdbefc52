"""Searching the knowledge base."""

from __future__ import annotations

from nasalis.knowledge import load_knowledge, search


def test_exact_id_comes_first() -> None:
    assert search("magnesium")[0].id == "magnesium"
    assert search("hemifacial spasm")[0].id == "hemifacial_spasm"


def test_alias_and_words() -> None:
    assert search("Botox")[0].id == "botulinum_toxin"
    assert "blood_tests" in [e.id for e in search("vitamin b12")[:3]]


def test_empty_query_lists_everything_and_nonsense_finds_nothing() -> None:
    assert len(search("")) == len(load_knowledge().entries)
    assert search("xylophone quasar") == []
