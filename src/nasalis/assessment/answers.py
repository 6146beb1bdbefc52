"""Turn a typed or form answer into an intake value (shared by the terminal and the web)."""

from __future__ import annotations

from typing import Any, Final

from nasalis.assessment.intake import FieldSpec, field_spec
from nasalis.knowledge.curated import Question

UNKNOWN: Final = object()
"""The answer "don't know": the field stays out of the intake."""

DONT_KNOW: Final = "?"
"""What a person types (or a form sends) for "don't know"."""
NONE: Final = "none"
"""What a person types (or a form sends) for "none of them" on a list question."""

# No digits: right after a numbered choice question, "1" typed at a yes/no question meant
# "No" (option 1) and was read as yes — and a yes to a warning sign is an emergency.
_YES = {"y", "yes", "true"}
_NO = {"n", "no", "false"}
_DONT_KNOW = {DONT_KNOW, "dk", "don't know", "dont know", "not sure", "skip"}
_NONE = {NONE, "no", "n"}
_YES_NO = "please answer y or n, or ? if you don't know"


class NoAnswerError(ValueError):
    """Nothing was given: never taken as "don't know" (the web words this its own way)."""


def choices_of(question: Question) -> list[tuple[str, str]]:
    """(value, label) pairs a choice or multi-choice question offers, in order."""
    spec = field_spec(question.field)
    return [(o, question.labels.get(o, o.replace("_", " "))) for o in spec.options]


def how_to_answer(spec: FieldSpec) -> str:
    """The one instruction for typing an answer of this kind (the terminal shows it, errors repeat it)."""
    if spec.kind == "bool":
        return "y/n, or ? if you don't know"
    if spec.kind == "choice":
        return f"a number from 1 to {len(spec.options)}, or ? if you don't know"
    if spec.kind == "multi":
        return "the numbers of all that apply, separated by commas; none if none apply; ? if you don't know"
    if spec.kind == "text_list":
        return "names separated by commas; none if there are none; ? if you don't know"
    return "a number, or ? if you don't know"


def _pick(question: Question, token: str) -> str:
    options = choices_of(question)
    if token.isdigit() and 1 <= int(token) <= len(options):
        return options[int(token) - 1][0]
    for value, label in options:
        if token in (value, label.lower(), value.replace("_", " ")):
            return value
    raise ValueError(f"'{token}' is not one of the choices; type a number from 1 to {len(options)}")


def _yes_no(raw: str) -> bool:
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    if raw.isdigit():
        # Say why: the person may think the numbers of the question before still apply.
        raise ValueError(f"{_YES_NO} ('{raw}' is not an answer to a yes/no question)")
    raise ValueError(_YES_NO)


def _number(spec: FieldSpec, raw: str) -> float | int:
    try:
        number = float(raw)
    except ValueError:
        raise ValueError("please type a number") from None
    if number < spec.low or (spec.high is not None and number > spec.high):
        top = f" to {spec.high:g}" if spec.high is not None else " or more"
        raise ValueError(f"please type a number from {spec.low:g}{top}")
    if spec.kind == "int":
        if not number.is_integer():
            raise ValueError("please type a whole number")
        return int(number)
    return number


def parse_answer(question: Question, text: str) -> Any:
    """The intake value for a typed answer, UNKNOWN for "don't know"; ValueError if unclear."""
    spec = field_spec(question.field)
    raw = text.strip().lower()
    if raw in _DONT_KNOW:
        return UNKNOWN
    if not raw:
        # An empty answer is never "don't know" unseen (an empty Enter on a warning sign used
        # to become one): "don't know" is said with ?, on every kind of question.
        raise NoAnswerError(_YES_NO if spec.kind == "bool" else f"please type {how_to_answer(spec)}")
    if spec.kind == "bool":
        return _yes_no(raw)
    if spec.kind == "choice":
        return _pick(question, raw)
    if spec.kind == "multi":
        if raw in (*_NONE, "0"):
            return []
        return list(dict.fromkeys(_pick(question, t.strip()) for t in raw.split(",") if t.strip()))
    if spec.kind == "text_list":
        if raw in _NONE:
            return []
        return [t.strip() for t in text.split(",") if t.strip()]
    return _number(spec, raw)
