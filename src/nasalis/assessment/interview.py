"""The adaptive questionnaire: which question to ask next, given the answers so far.

Warning-sign questions come first (file order of questions.yaml). A question is skipped when
no possible answer could change the result, and the interview ends as soon as the result is
an emergency: a frightened person should not be kept answering lifestyle questions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from nasalis.assessment.conditions import Truth, evaluate
from nasalis.assessment.engine import DERIVED_FROM, assess, facts_of, probe_answers
from nasalis.assessment.intake import Intake
from nasalis.assessment.result import AssessmentResult
from nasalis.knowledge import Knowledge, load_knowledge
from nasalis.knowledge.models import Question


def _signature(result: AssessmentResult) -> tuple[object, ...]:
    """The parts of a result an answer could change (not the list of missing answers)."""
    return (
        result.level,
        tuple(r.rule for r in result.reasons),
        tuple((c.id, c.score) for c in result.contributors),
    )


def could_change(
    question: Question, answers: Mapping[str, Any], kb: Knowledge, base: AssessmentResult | None = None
) -> bool:
    """Whether some answer to `question` would give a different result than no answer.

    `base` is the assessment of `answers` as they stand, when the caller already has it.
    """
    if question.always:
        return True
    base_signature = _signature(base or assess(Intake.model_validate(dict(answers)), kb))
    for probe in probe_answers(question.field, kb):
        probed = Intake.model_validate({**answers, question.field: probe})
        if _signature(assess(probed, kb)) != base_signature:
            return True
    return False


def _open_exceptions(intake: Intake, kb: Knowledge) -> list[str]:
    """Fields whose answer could still lift every emergency rule that fires (else none)."""
    facts = facts_of(intake, kb)
    fields: list[str] = []
    for rule in kb.rulebook.rules:
        if rule.level != "emergency" or evaluate(rule.when, facts).truth is not Truth.TRUE:
            continue
        exception = evaluate(rule.unless, facts) if rule.unless is not None else None
        if exception is None or exception.truth is Truth.FALSE:
            return []  # this one holds whatever else is said
        if exception.truth is Truth.UNKNOWN:
            fields += [DERIVED_FROM.get(f, f) for f in exception.unknown]
    return list(dict.fromkeys(fields))


def next_question(
    answers: Mapping[str, Any], asked: Collection[str] = (), kb: Knowledge | None = None
) -> Question | None:
    """The next question worth asking, or None when the interview is done.

    `answers` are the known intake values; `asked` the fields already put to the person
    (including those answered "don't know", which stay out of `answers`).
    """
    kb = kb or load_knowledge()
    intake = Intake.model_validate(dict(answers))
    base = assess(intake, kb)  # once, not once per question
    by_field = kb.question_by_field
    done = set(answers) | set(asked)
    if base.level == "emergency":
        pending = _open_exceptions(intake, kb)
        # An emergency is certain unless every emergency rule that fired still waits on an
        # exception ("unless known epilepsy"): then ask that first, and nothing else.
        return next((by_field[f] for f in pending if f in by_field and f not in done), None)
    for question in kb.questions:
        if question.field in done:
            continue
        if question.ask_if is not None and evaluate(question.ask_if, answers).truth is Truth.FALSE:
            continue
        if could_change(question, answers, kb, base):
            first = question.prerequisite
            return by_field[first] if first is not None and first not in done else question
    return None
