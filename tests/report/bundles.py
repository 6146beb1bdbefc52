"""Reading a FHIR Bundle in tests."""

from __future__ import annotations

from typing import Any

SNOMED = "http://snomed.info/sct"


def resources_of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The Bundle's resources of one type, in order."""
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes_of(concept: dict[str, Any]) -> set[tuple[str, str]]:
    """(system, code) of each coding of a CodeableConcept."""
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}
