"""The adaptive interview: warning signs first, stop at an emergency, skip what cannot matter."""

from __future__ import annotations

from typing import Any

import pytest

from nasalis.assessment import assess, next_question, parse_intake
from nasalis.assessment.answers import UNKNOWN, parse_answer
from nasalis.knowledge import load_knowledge
from tests.assessment.vignettes import VIGNETTES


def interview(truth: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Answer every question from `truth` ("don't know" when it is absent)."""
    answers: dict[str, Any] = {}
    asked: list[str] = []
    while (q := next_question(answers, asked)) is not None:
        asked.append(q.field)
        if q.field in truth:
            answers[q.field] = truth[q.field]
    return asked, answers


def test_warning_questions_come_before_lifestyle_ones() -> None:
    asked, _ = interview({})
    groups = {q.field: q.group for q in load_knowledge().questions}
    kinds = [groups[f] for f in asked]
    assert kinds[:7] == ["warning"] * 7
    assert max(i for i, g in enumerate(kinds) if g == "warning") < kinds.index("lifestyle")


def test_stops_as_soon_as_an_emergency_is_certain() -> None:
    asked, answers = interview({"new_face_weakness": False, "arm_or_leg_weakness": True, "stress_level": 9})
    assert asked == ["new_face_weakness", "arm_or_leg_weakness"]
    assert assess(parse_intake(answers)).level == "emergency"


def test_skips_questions_that_cannot_change_the_result() -> None:
    asked, _ = interview({"sex": "male", "vision_change": "gradual"})
    assert "pregnant" not in asked
    asked, _ = interview({"sex": "female", "vision_change": "gradual"})
    assert "pregnant" in asked


@pytest.mark.parametrize("case", VIGNETTES, ids=lambda v: v.why[:40])
def test_interview_reaches_the_same_level_as_the_full_intake(case: Any) -> None:
    _, answers = interview(case.intake)
    assert assess(parse_intake(answers)).level == assess(parse_intake(case.intake)).level


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("fever", "Y", True),
        ("fever", "no", False),
        ("fever", "?", UNKNOWN),
        ("fever", "", UNKNOWN),
        ("vision_change", "3", "sudden"),
        ("vision_change", "gradual", "gradual"),
        ("areas", "1, 3", ["nose", "eyebrow"]),
        ("areas", "none", []),
        ("age_years", "42", 42),
        ("sleep_hours", "6.5", 6.5),
        ("medications", "Ventolin, lisinopril 10mg", ["Ventolin", "lisinopril 10mg"]),
    ],
)
def test_parse_answer(field: str, text: str, expected: Any) -> None:
    question = next(q for q in load_knowledge().questions if q.field == field)
    assert parse_answer(question, text) == expected


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("fever", "maybe"),
        ("age_years", "200"),
        ("age_years", "4.5"),
        ("vision_change", "9"),
        ("sleep_hours", "lots"),
    ],
)
def test_parse_answer_explains_a_bad_answer(field: str, text: str) -> None:
    question = next(q for q in load_knowledge().questions if q.field == field)
    with pytest.raises(ValueError, match=r"please|not one of"):
        parse_answer(question, text)
