"""The adaptive questionnaire: which question to ask next, given the answers so far.

Warning-sign questions come first (file order of questions.yaml). A question is skipped when
no possible answer could change the result, and the interview ends as soon as the result is
an emergency: a frightened person should not be kept answering lifestyle questions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from nasalis.assessment.answers import UNKNOWN
from nasalis.assessment.conditions import Truth, evaluate
from nasalis.assessment.engine import DERIVED_FROM, assess, facts_of, probe_answers
from nasalis.assessment.intake import Intake, IntakeError, parse_intake
from nasalis.assessment.result import AssessmentResult
from nasalis.knowledge import Knowledge, load_knowledge
from nasalis.knowledge.curated import Question


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


def questions_left(
    answers: Mapping[str, Any], asked: Collection[str] = (), kb: Knowledge | None = None
) -> int:
    """At most how many questions are still to come (the next included); usually fewer.

    An honest upper bound, cheap to count: the questions not yet asked that are not ruled
    out by an answer. Many of them will be skipped once they can no longer change the result.
    """
    kb = kb or load_knowledge()
    done = set(answers) | set(asked)
    return sum(
        1
        for q in kb.questions
        if q.field not in done and (q.ask_if is None or evaluate(q.ask_if, answers).truth is not Truth.FALSE)
    )


@dataclass
class Draft:
    """An interview under way: the answers, the questions asked, and answers taken back by Back.

    The terminal and the web both keep one; `remembered` holds what Back took away (None for
    "don't know"), offered again when that question comes back.
    """

    answers: dict[str, Any] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    remembered: dict[str, Any] = field(default_factory=dict)

    def next(self, kb: Knowledge | None = None) -> Question | None:
        """The question to ask now, or None when the interview is done."""
        return next_question(self.answers, self.asked, kb)

    def left(self, kb: Knowledge | None = None) -> int:
        """At most how many questions are still to come (see questions_left)."""
        return questions_left(self.answers, self.asked, kb)

    def record(self, question: str, value: Any) -> None:
        """Take an answer (UNKNOWN for "don't know"); an earlier question answered again rewinds to it.

        ValueError (naming the field) when the answer does not fit the intake.
        """
        if question in self.asked:  # a page kept from before: the later answers depended on this one
            self.rewind_to(question)
        if value is not UNKNOWN:
            try:
                parse_intake({**self.answers, question: value})
            except IntakeError as exc:
                raise ValueError("; ".join(exc.problems)) from None
            self.answers[question] = value
        self.asked.append(question)
        self.remembered.pop(question, None)

    def back(self) -> bool:
        """Take back the last answer, to be asked again with it offered; False at the first question."""
        if not self.asked:
            return False
        last = self.asked.pop()
        self.remembered[last] = self.answers.pop(last, None)
        return True

    def rewind_to(self, question: str) -> None:
        """Take back every answer from `question` on (each remembered for when it is asked again)."""
        while question in self.asked:
            self.back()

    def to_json(self) -> dict[str, Any]:
        """The draft as JSON-safe values."""
        return {"answers": self.answers, "asked": self.asked, "remembered": self.remembered}

    @classmethod
    def from_json(cls, data: object, kb: Knowledge | None = None) -> Draft:
        """A draft read back (from a browser, say); ValueError unless every part is valid."""
        kb = kb or load_knowledge()
        if not isinstance(data, dict) or set(data) != {"answers", "asked", "remembered"}:
            raise ValueError("not an interview draft")
        answers, asked, remembered = data["answers"], data["asked"], data["remembered"]
        fields = kb.question_by_field
        if not (isinstance(asked, list) and isinstance(remembered, dict) and isinstance(answers, dict)):
            raise ValueError("not an interview draft")
        if not all(isinstance(f, str) and f in fields for f in [*asked, *remembered]):
            raise ValueError("a question that is not asked")
        if len(set(asked)) != len(asked) or not set(answers) <= set(asked):
            raise ValueError("answers to questions not asked")
        try:
            parse_intake(answers)
            parse_intake({f: v for f, v in remembered.items() if v is not None})
        except IntakeError as exc:
            raise ValueError("; ".join(exc.problems)) from None
        return cls(dict(answers), list(asked), dict(remembered))
