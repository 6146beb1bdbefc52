"""The adaptive interview: warning signs first, stop at an emergency, skip what cannot matter."""

from __future__ import annotations

from typing import Any

import pytest

from nasalis.assessment import assess, next_question, parse_intake
from nasalis.assessment.answers import UNKNOWN, NoAnswerError, parse_answer
from nasalis.assessment.interview import Draft, questions_left
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


def test_age_and_pregnancy_are_asked_early_whatever_the_other_answers() -> None:
    asked, _ = interview({"sex": "female", "age_years": 30})
    assert asked.index("age_years") < asked.index("loss_of_awareness")
    assert "pregnant" in asked
    asked, _ = interview({"sex": "female", "age_years": 5})
    assert "pregnant" not in asked


def test_the_stroke_questions_ask_about_any_time_since_it_started() -> None:
    texts = {q.field: q.text for q in load_knowledge().questions}
    for field in (
        "new_face_weakness",
        "arm_or_leg_weakness",
        "speech_trouble",
        "balance_or_coordination_loss",
    ):
        assert "at any time since this started" in texts[field]


def test_onset_questions_follow_a_yes_and_a_sudden_numbness_is_an_emergency() -> None:
    asked, answers = interview({"numbness": True, "numbness_onset": "sudden", "new_face_weakness": False})
    assert asked.index("numbness_onset") == asked.index("numbness") + 1
    assert assess(parse_intake(answers)).level == "emergency"
    asked, _ = interview({"numbness": False})
    assert "numbness_onset" not in asked


def test_skips_questions_that_cannot_change_the_result() -> None:
    asked, _ = interview({"sex": "male", "vision_change": "gradual"})
    assert "pregnant" not in asked
    asked, _ = interview({"sex": "female", "vision_change": "gradual"})
    assert "pregnant" in asked


# Every other emergency and urgent case, and every fifth of all: a full interview per case
# costs a second of probing, and the serious cases are the ones where a skipped question hurts.
SERIOUS_FIRST = [
    v for i, v in enumerate(VIGNETTES) if (v.level in ("emergency", "urgent") and i % 2 == 0) or i % 5 == 0
]


@pytest.mark.parametrize("case", SERIOUS_FIRST, ids=lambda v: v.id)
def test_interview_reaches_the_same_level_as_the_full_intake(case: Any) -> None:
    _, answers = interview(case.intake)
    assert assess(parse_intake(answers)).level == assess(parse_intake(case.intake)).level


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("fever", "Y", True),
        ("fever", "no", False),
        ("fever", "?", UNKNOWN),
        ("episode_seconds", "?", UNKNOWN),
        ("medications", "?", UNKNOWN),
        ("medications", "none", []),
        ("numbness_onset", "2", "sudden"),
        ("weeks_since_giving_birth", "3", 3.0),
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
        ("fever", "1"),  # "1" was option 1 ("No") of the question before: never a yes
        ("fever", "0"),
        ("fever", ""),  # an empty Enter is not "don't know" on a yes/no question
        ("vision_change", ""),
        ("episode_seconds", ""),  # nor on any other: "don't know" is said with ?
        ("medications", ""),
        ("areas", ""),
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


def _question(field: str) -> Any:
    return load_knowledge().question_by_field[field]


def test_a_digit_at_a_yes_no_question_is_refused_saying_why() -> None:
    with pytest.raises(ValueError, match=r"'1' is not an answer to a yes/no question"):
        parse_answer(_question("sudden_severe_headache"), "1")
    with pytest.raises(NoAnswerError, match=r"y or n, or \? if you don't know"):
        parse_answer(_question("sudden_severe_headache"), "  ")


def test_draft_back_offers_the_answer_again_and_asks_the_same_question() -> None:
    draft = Draft()
    for value in (False, False, False, "none"):
        question = draft.next()
        assert question is not None
        draft.record(question.field, value)
    assert draft.asked == ["new_face_weakness", "arm_or_leg_weakness", "speech_trouble", "vision_change"]
    fifth = draft.next()
    assert draft.back()
    assert draft.next() == _question("vision_change")
    assert draft.remembered == {"vision_change": "none"}
    assert "vision_change" not in draft.answers
    draft.record("vision_change", "none")
    assert draft.next() == fifth
    assert draft.remembered == {}


def test_draft_answering_an_earlier_question_again_rewinds_to_it() -> None:
    draft = Draft()
    for field in ("new_face_weakness", "arm_or_leg_weakness", "speech_trouble"):
        draft.record(field, False)
    draft.record("arm_or_leg_weakness", UNKNOWN)  # from a page kept in the browser's history
    assert draft.asked == ["new_face_weakness", "arm_or_leg_weakness"]
    assert draft.answers == {"new_face_weakness": False}
    assert draft.remembered == {"speech_trouble": False}
    assert Draft().back() is False


def test_draft_round_trips_and_refuses_what_is_not_a_draft() -> None:
    draft = Draft({"age_years": 40}, ["new_face_weakness", "age_years"], {"sex": "male"})
    assert Draft.from_json(draft.to_json()) == draft
    bad: object
    for bad in (
        [],
        {"answers": {"age_years": 999}, "asked": ["age_years"], "remembered": {}},
        {"answers": {"age_years": 40}, "asked": [], "remembered": {}},
        {"answers": {}, "asked": ["not_a_field"], "remembered": {}},
        {"answers": {}, "asked": [], "remembered": {"sex": "robot"}},
        {"answers": {}, "asked": [], "remembered": {}, "extra": 1},
    ):
        with pytest.raises(ValueError, match=r"draft|not asked|age_years|sex"):
            Draft.from_json(bad)
    with pytest.raises(ValueError, match="medications"):
        Draft().record("medications", ["x" * 201])


def test_questions_left_is_an_upper_bound_that_shrinks() -> None:
    total = questions_left({}, [])
    assert total == len(load_knowledge().questions)  # nothing is ruled out yet
    asked, _ = interview({})
    assert len(asked) <= total
    # Answering "male" removes that question and the two pregnancy ones.
    assert questions_left({"sex": "male"}, ["sex"]) == total - 3
