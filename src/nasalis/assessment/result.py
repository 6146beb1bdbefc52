"""The assessment result (schema nasalis.assessment/1)."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict

from nasalis.knowledge.curated import Level

SCHEMA = "nasalis.assessment/1"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Reason(_Out):
    """A triage rule that fired, why, and its sources."""

    rule: str
    level: Level
    because: list[str]
    says: str
    sources: list[str]


class ContributorResult(_Out):
    """A likely contributor, its score (0-1) and the intake fields behind it."""

    id: str
    score: float
    because: list[str]
    says: str


class MedicationResult(_Out):
    """A recognised medicine, what it was matched to, and what to do about it."""

    name: str
    matched: str
    class_: str
    says: str

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    def to_json(self) -> dict[str, str]:
        """The contract's field names (`class` is a Python keyword)."""
        return {"name": self.name, "matched": self.matched, "class": self.class_, "says": self.says}


class UncheckedSign(_Out):
    """A warning-sign question left unanswered, in words, and the level it could raise to."""

    field: str
    sign: str
    if_true: Level
    then: str
    """What to do if the sign is present: the headline of `if_true`."""


class GetHelp(_Out):
    """Every sign of every emergency and urgent rule, by level; `line` is them in one sentence."""

    emergency: list[str]
    urgent: list[str]
    line: str


class AssessmentResult(_Out):
    """Everything an assessment concludes; deterministic for a given intake."""

    schema_: str = SCHEMA
    level: Level
    headline: str
    reasons: list[Reason]
    contributors: list[ContributorResult]
    self_care: list[str]
    doctor_may: list[str]
    medications: list[MedicationResult]
    unrecognised_medications: list[str]
    missing_that_would_change_this: list[str]
    unchecked_warning_signs: list[UncheckedSign]
    disclaimer: str
    get_help: GetHelp
    """The signs behind `self_care[0]`, for pages that show them as lists (not in the JSON)."""

    @property
    def steps(self) -> list[str]:
        """The self-care steps other than the always-shown line of when to get help."""
        return [s for s in self.self_care if s != self.get_help.line]

    def to_json(self) -> dict[str, object]:
        """The result as the contract's JSON object, keys in contract order."""
        return {
            "schema": self.schema_,
            "level": self.level,
            "headline": self.headline,
            "reasons": [r.model_dump() for r in self.reasons],
            "contributors": [c.model_dump() for c in self.contributors],
            "self_care": list(self.self_care),
            "doctor_may": list(self.doctor_may),
            "medications": [m.to_json() for m in self.medications],
            "unrecognised_medications": list(self.unrecognised_medications),
            "missing_that_would_change_this": list(self.missing_that_would_change_this),
            "unchecked_warning_signs": [u.model_dump() for u in self.unchecked_warning_signs],
            "disclaimer": self.disclaimer,
        }

    def dumps(self) -> str:
        """The result as JSON text, byte-for-byte stable for the same intake."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"
