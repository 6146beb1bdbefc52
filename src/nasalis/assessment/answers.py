"""Turn a typed or form answer into an intake value (shared by the terminal and the web)."""

from __future__ import annotations

from typing import Any, Final

from nasalis.assessment.intake import field_spec
from nasalis.knowledge.models import Question

UNKNOWN: Final = object()
"""The answer "don't know": the field stays out of the intake."""

# No digits: right after a numbered choice question, "1" typed at a yes/no question meant
# "No" (option 1) and was read as yes — and a yes to a warning sign is an emergency.
_YES = {"y", "yes", "true"}
_NO = {"n", "no", "false"}
_DONT_KNOW = {"?", "dk", "don't know", "dont know", "not sure", "skip"}


def choices_of(question: Question) -> list[tuple[str, str]]:
    """(value, label) pairs a choice or multi-choice question offers, in order."""
    spec = field_spec(question.field)
    return [(o, question.labels.get(o, o.replace("_", " "))) for o in spec.options]


def _pick(question: Question, token: str) -> str:
    options = choices_of(question)
    if token.isdigit() and 1 <= int(token) <= len(options):
        return options[int(token) - 1][0]
    for value, label in options:
        if token in (value, label.lower(), value.replace("_", " ")):
            return value
    raise ValueError(f"'{token}' is not one of the choices; type a number from 1 to {len(options)}")


def parse_answer(question: Question, text: str) -> Any:
    """The intake value for a typed answer, UNKNOWN for "don't know"; ValueError if unclear."""
    spec = field_spec(question.field)
    raw = text.strip().lower()
    if raw in _DONT_KNOW:
        return UNKNOWN
    if not raw:
        # An empty Enter is not an answer to a yes/no or a choice (it used to become "don't
        # know" unseen); for a number or a list it is the documented "don't know".
        if spec.kind == "bool":
            raise ValueError("please answer y (yes), n (no) or ? (don't know)")
        if spec.kind == "choice":
            raise ValueError(f"please type a number from 1 to {len(spec.options)}, or ? if you don't know")
        return UNKNOWN
    if spec.kind == "bool":
        if raw in _YES:
            return True
        if raw in _NO:
            return False
        raise ValueError("please answer y (yes), n (no) or ? (don't know)")
    if spec.kind == "choice":
        return _pick(question, raw)
    if spec.kind == "multi":
        if raw in ("none", "no", "n", "0"):
            return []
        return list(dict.fromkeys(_pick(question, t.strip()) for t in raw.split(",") if t.strip()))
    if spec.kind == "text_list":
        if raw in ("none", "no", "n"):
            return []
        return [t.strip() for t in text.split(",") if t.strip()]
    try:
        number = float(raw)
    except ValueError:
        raise ValueError("please type a number, or ? if you don't know") from None
    if number < spec.low or (spec.high is not None and number > spec.high):
        top = f" to {spec.high:g}" if spec.high is not None else " or more"
        raise ValueError(f"please type a number from {spec.low:g}{top}")
    if spec.kind == "int":
        if not number.is_integer():
            raise ValueError("please type a whole number")
        return int(number)
    return number
