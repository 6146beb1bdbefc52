"""Assessment: a pure, explainable function from intake to triage result."""

from nasalis.assessment.engine import assess
from nasalis.assessment.intake import Intake, IntakeError, parse_intake, parse_intake_json
from nasalis.assessment.interview import next_question
from nasalis.assessment.result import AssessmentResult

__all__ = [
    "AssessmentResult",
    "Intake",
    "IntakeError",
    "assess",
    "next_question",
    "parse_intake",
    "parse_intake_json",
]
