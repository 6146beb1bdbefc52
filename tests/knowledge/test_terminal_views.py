"""The knowledge as the terminal shows it: reassurance first where true, what an appointment
means, a worried search answered first, and sources by title, never by seed file name."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console

from nasalis.assessment import assess, parse_intake
from nasalis.knowledge import load_knowledge, search
from nasalis.terminal.assessment_view import render_result
from nasalis.terminal.learn_view import render_entry, render_matches
from tests.assessment.vignettes import calm

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def _printed(draw: Any) -> str:
    console = Console(width=200, record=True, color_system=None)
    draw(console)
    return re.sub(r"\s+", " ", console.export_text())


def _result(answers: dict[str, Any]) -> str:
    return _printed(lambda c: render_result(assess(parse_intake(answers)), c))


def test_a_benign_result_says_the_reassurance_before_the_headline() -> None:
    text = _result(calm(duration_days=3, stress_level=8, caffeine_drinks_per_day=5))
    said = "Twitching like this, with caffeine and stress, is usually harmless and settles by itself"
    assert said in text
    assert text.index(said) < text.index("This sounds like a common twitch")
    assert "NHS — Twitching eyes and muscles" in text


def test_an_appointment_says_with_whom_and_how_fast_and_is_not_reassured() -> None:
    text = _result(calm(duration_days=30, stress_level=8))
    assert "usually harmless and settles" not in text
    assert "routine appointment with your GP (family doctor) within the next few days" in text
    assert not SEED_FILE.search(text)
    assert "Why is my nose twitching?" in text  # the persistent rule's seed, by title


def test_an_emergency_is_never_reassured() -> None:
    text = _result(calm(new_face_weakness=True, stress_level=8))
    assert "usually harmless" not in text
    assert text.index("EMERGENCY") < text.index("Call emergency services now")


def test_an_entry_shows_its_sources_by_title() -> None:
    kb = load_knowledge()
    text = _printed(lambda c: render_entry(kb.entry("benign_twitching"), kb, c))
    assert not SEED_FILE.search(text)
    assert "Why Does Your Nose Twitch? (article)" in text
    assert text.index("What helps") < text.index("When to see a doctor") < text.index("Sources")


def test_a_worried_search_prints_its_answer_in_full_first() -> None:
    kb = load_knowledge()
    text = _printed(lambda c: render_matches("is it serious", search("is it serious")[:15], c, kb))
    assert text.startswith("Harmless (benign) twitching — is it serious?")
    assert text.index("usually harmless and settles by itself") < text.index("face_arm_speech")
