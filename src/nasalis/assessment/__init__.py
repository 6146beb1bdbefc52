"""Assessment: a pure, explainable function from intake to triage result."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers (the redundant `as` marks a re-export)
    from nasalis.assessment.engine import assess as assess
    from nasalis.assessment.intake import Intake as Intake
    from nasalis.assessment.intake import IntakeError as IntakeError
    from nasalis.assessment.intake import parse_intake as parse_intake
    from nasalis.assessment.intake import parse_intake_json as parse_intake_json
    from nasalis.assessment.interview import next_question as next_question
    from nasalis.assessment.result import AssessmentResult as AssessmentResult

_HOME = {
    "AssessmentResult": "nasalis.assessment.result",
    "Intake": "nasalis.assessment.intake",
    "IntakeError": "nasalis.assessment.intake",
    "assess": "nasalis.assessment.engine",
    "next_question": "nasalis.assessment.interview",
    "parse_intake": "nasalis.assessment.intake",
    "parse_intake_json": "nasalis.assessment.intake",
}
"""Where each public name lives: loaded on first use, so importing one submodule loads no other."""

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time someone asks for it."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value
