"""Assess an intake: red-flag rules first, then contributors, steps and checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nasalis.assessment.conditions import Truth, evaluate
from nasalis.assessment.intake import Intake
from nasalis.assessment.result import (
    AssessmentResult,
    ContributorResult,
    MedicationResult,
    Reason,
)
from nasalis.knowledge import Knowledge, load_knowledge, match_medication
from nasalis.knowledge.models import LEVELS, Entry, Level

DISCLAIMER = (
    "nasalis is not a diagnosis and does not replace a doctor. It gives general information "
    "from the sources it cites. If you are worried, or anything changes, contact a doctor. "
    "Never stop or change a prescribed medicine without talking to the prescriber."
)

# Facts the engine derives, and the intake field each comes from (for `because`/`missing`).
DERIVED_FROM = {"medication_classes": "medications"}


def rank(level: Level) -> int:
    """How serious a level is: self_care 0 … emergency 3."""
    return LEVELS.index(level)


def facts_of(intake: Intake, kb: Knowledge) -> dict[str, Any]:
    """The known intake values plus derived facts the rules read."""
    facts = intake.known()
    if "medications" in facts:
        matches = [match_medication(m, kb) for m in facts["medications"] if m.strip()]
        facts["medication_classes"] = sorted({m.klass.id for m in matches if m is not None})
    if facts.get("sex") == "male":
        facts.setdefault("pregnant", False)
    return facts


def _intake_fields(fields: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(DERIVED_FROM.get(f, f) for f in fields))


def _fired_rules(facts: Mapping[str, Any], kb: Knowledge) -> tuple[list[Reason], list[str]]:
    """Rules that fire, and the unknown fields of rules that might still fire."""
    fired: list[Reason] = []
    pending: list[tuple[Level, tuple[str, ...]]] = []
    for rule in kb.rulebook.rules:
        when = evaluate(rule.when, facts)
        excluded = rule.unless is not None and evaluate(rule.unless, facts).truth is Truth.TRUE
        if when.truth is Truth.TRUE and not excluded:
            fired.append(
                Reason(
                    rule=rule.id,
                    level=rule.level,
                    because=_intake_fields(when.because),
                    says=rule.says,
                    sources=[kb.source_label(s) for s in rule.sources],
                )
            )
        elif when.truth is Truth.UNKNOWN and not excluded:
            pending.append((rule.level, when.unknown))
    top = max((rank(r.level) for r in fired), default=0)
    missing = [f for level, unknown in pending if rank(level) > top for f in unknown]
    return fired, _intake_fields(tuple(missing))


def _contributors(facts: Mapping[str, Any], kb: Knowledge) -> list[ContributorResult]:
    scored: list[tuple[float, int, ContributorResult]] = []
    for order, contributor in enumerate(kb.contributors):
        remaining = 1.0
        because: list[str] = []
        for evidence in contributor.evidence:
            outcome = evaluate(evidence.when, facts)
            if outcome.truth is Truth.TRUE:
                remaining *= 1.0 - evidence.weight
                because += _intake_fields(outcome.because)
        if because:
            score = round(1.0 - remaining, 2)
            result = ContributorResult(
                id=contributor.id,
                score=score,
                because=list(dict.fromkeys(because)),
                says=contributor.says,
            )
            scored.append((-score, order, result))
    return [c for *_, c in sorted(scored, key=lambda t: (t[0], t[1]))]


def _selected(entries: tuple[Entry, ...], present: set[str]) -> list[str]:
    return [f"{e.name}: {e.summary}" for e in entries if e.always or present & set(e.for_)]


def _medications(intake: Intake, kb: Knowledge) -> tuple[list[MedicationResult], list[str]]:
    recognised: list[MedicationResult] = []
    unknown: list[str] = []
    for name in intake.medications or []:
        if not name.strip():
            continue
        match = match_medication(name, kb)
        if match is None:
            unknown.append(name)
        else:
            recognised.append(
                MedicationResult(
                    name=name, matched=match.drug.name, class_=match.klass.id, says=match.klass.says
                )
            )
    return recognised, unknown


def assess(intake: Intake, kb: Knowledge | None = None) -> AssessmentResult:
    """The assessment of one intake: pure and deterministic."""
    kb = kb or load_knowledge()
    facts = facts_of(intake, kb)
    reasons, missing = _fired_rules(facts, kb)
    reasons.sort(key=lambda r: -rank(r.level))  # stable: rule order within a level
    level: Level = reasons[0].level if reasons else "self_care"
    top_rule = next((r for r in kb.rulebook.rules if reasons and r.id == reasons[0].rule), None)
    headline = (top_rule.headline if top_rule else None) or kb.rulebook.levels[level].headline
    contributors = _contributors(facts, kb)
    present = {c.id for c in contributors}
    medications, unrecognised = _medications(intake, kb)
    return AssessmentResult(
        level=level,
        headline=headline,
        reasons=reasons,
        contributors=contributors,
        self_care=_selected(kb.of_kind("self_care"), present),
        doctor_may=_selected(kb.of_kind("doctor_check"), present),
        medications=medications,
        unrecognised_medications=unrecognised,
        missing_that_would_change_this=missing,
        disclaimer=DISCLAIMER,
    )
