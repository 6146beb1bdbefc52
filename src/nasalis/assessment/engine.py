"""Assess an intake: red-flag rules first, then contributors, steps and checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from nasalis.assessment.conditions import OPEN, Truth, evaluate
from nasalis.assessment.intake import FIELDS, Intake, field_spec
from nasalis.assessment.result import (
    AssessmentResult,
    ContributorResult,
    GetHelp,
    MedicationResult,
    Reason,
    UncheckedSign,
)
from nasalis.knowledge import Knowledge, load_knowledge, match_medication
from nasalis.knowledge.curated import LEVELS, Entry, Level, Rule

DISCLAIMER = (
    "nasalis is not a diagnosis and does not replace a doctor. It gives general information "
    "from the sources it cites. If you are worried, or anything changes, contact a doctor. "
    "Never stop or change a prescribed medicine without talking to the prescriber."
)

# Facts the engine derives, and the intake field each comes from (for `because`/`missing`).
DERIVED_FROM = {
    "medication_classes": "medications",
    "medication_tags": "medications",
    "medication_link": "medications",
    "serotonergic_medicines": "medications",
    "postpartum": "weeks_since_giving_birth",
}

POSTPARTUM_WEEKS = 6
"""How long after giving birth the pregnancy rules still apply: pre-eclampsia and eclampsia
can develop in the weeks after the birth (NHS — Pre-eclampsia)."""

CHILDBEARING_YEARS = (10, 60)
"""Outside these ages pregnancy and a recent birth are taken as 'no' unless said."""

IMPLIES = {"numbness_onset": "numbness", "hearing_onset": "hearing_change"}
"""An answer that is only given when another is yes ("how did the numbness start?")."""

HEADLINE_SIGNS = 5
"""How many unchecked signs the headline names; the rest are listed under it."""


def rank(level: Level) -> int:
    """How serious a level is: self_care 0 … emergency 3."""
    return LEVELS.index(level)


def facts_of(intake: Intake, kb: Knowledge) -> dict[str, Any]:
    """The known intake values plus derived facts the rules read."""
    facts = intake.known()
    if "medications" in facts:
        names = [m for m in facts["medications"] if m.strip()]
        matches = [m for m in (match_medication(n, kb) for n in names) if m is not None]
        facts["medication_classes"] = sorted({m.klass.id for m in matches})
        facts["medication_tags"] = sorted({t for m in matches for t in m.klass.tags})
        facts["serotonergic_medicines"] = len(
            {m.drug.name for m in matches if "serotonergic" in m.klass.tags}
        )
        links = {m.klass.link for m in matches}
        facts["medication_link"] = next((x for x in ("strong", "weak") if x in links), "none")
        if len(matches) < len(names):
            # A name we could not read may be any medicine: what it could add stays unknown.
            facts[OPEN] = ("medication_classes", "medication_tags", "serotonergic_medicines")
    for given, implied in IMPLIES.items():
        if given in facts:
            facts.setdefault(implied, True)
    age = facts.get("age_years")
    cannot_carry = facts.get("sex") == "male" or (
        age is not None and not CHILDBEARING_YEARS[0] <= age <= CHILDBEARING_YEARS[1]
    )
    if cannot_carry:
        facts.setdefault("pregnant", False)  # an explicit `pregnant: true` still counts
    weeks = facts.get("weeks_since_giving_birth")
    if weeks is not None:
        facts["postpartum"] = weeks <= POSTPARTUM_WEEKS
    elif cannot_carry:
        facts["postpartum"] = False
    return facts


def _intake_fields(fields: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(DERIVED_FROM.get(f, f) for f in fields))


@dataclass(frozen=True)
class _Triage:
    fired: list[Reason]
    missing: list[str]
    unchecked: dict[Level, list[str]]
    """Unanswered fields that alone could raise the level, by the level they could raise to."""


def probe_answers(field: str, kb: Knowledge) -> list[Any]:
    """Answers that stand for every answer a field could get (its options, or probe numbers)."""
    spec = field_spec(field)
    if spec.kind == "bool":
        return [True, False]
    if spec.kind == "choice":
        return list(spec.options)
    if spec.kind == "multi":
        return [[], *([o] for o in spec.options)]
    if spec.kind == "text_list":
        return []  # free text cannot be probed
    question = kb.question_by_field.get(field)
    probes = question.probes if question is not None else ()
    return [int(p) for p in probes] if spec.kind == "int" else list(probes)


def _alone_fires(rule: Rule, field: str, facts: Mapping[str, Any], kb: Knowledge) -> bool:
    """Whether some answer to `field`, with nothing else changed, makes `rule` fire."""
    for probe in probe_answers(field, kb) if field in FIELDS else []:
        probed = {**facts, field: probe}
        if field in IMPLIES:
            probed.setdefault(IMPLIES[field], True)
        if evaluate(rule.when, probed).truth is Truth.TRUE and not (
            rule.unless is not None and evaluate(rule.unless, probed).truth is Truth.TRUE
        ):
            return True
    return False


def _is_sign(field: str, kb: Knowledge) -> bool:
    question = kb.question_by_field.get(field)
    return question is not None and bool(question.short)


def _triage(facts: Mapping[str, Any], kb: Knowledge) -> _Triage:
    """Rules that fire; unknown fields of rules that might still raise the level, worst first."""
    fired: list[Reason] = []
    pending: list[tuple[Rule, tuple[str, ...]]] = []
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
            pending.append((rule, when.unknown))
    top = max((rank(r.level) for r in fired), default=0)
    raising = sorted((p for p in pending if rank(p[0].level) > top), key=lambda p: -rank(p[0].level))
    missing = _intake_fields(tuple(f for _, unknown in raising for f in unknown))
    unchecked: dict[Level, list[str]] = {}
    seen: set[str] = set()
    for level in ("emergency", "urgent"):
        fields = [
            DERIVED_FROM.get(f, f)
            for rule, unknown in raising
            if rule.level == level
            for f in unknown
            if _is_sign(DERIVED_FROM.get(f, f), kb)
            # A medicine we could not read might be the one the rule is about.
            and (_alone_fires(rule, f, facts, kb) or (f in DERIVED_FROM and OPEN in facts))
        ]
        fields = [f for f in dict.fromkeys(fields) if f not in seen]
        if fields:
            unchecked[level] = fields
            seen.update(fields)
    return _Triage(fired, missing, unchecked)


def _unchecked_reason(unchecked: Mapping[Level, list[str]], kb: Knowledge) -> Reason:
    rule = kb.rulebook.unchecked.rule
    return Reason(
        rule=rule.id,
        level=rule.level,
        because=[f for fields in unchecked.values() for f in fields],
        says=rule.says,
        sources=[kb.source_label(s) for s in rule.sources],
    )


def _unchecked_signs(
    unchecked: Mapping[Level, list[str]], unrecognised: list[str], facts: Mapping[str, Any], kb: Knowledge
) -> list[UncheckedSign]:
    unanswered = {f for f, implied in IMPLIES.items() if implied not in facts}
    signs: list[UncheckedSign] = []
    for level, fields in unchecked.items():
        for raw in fields:
            # "Did it start suddenly?" stands for the numbness itself when that is unanswered.
            f = IMPLIES[raw] if raw in IMPLIES and raw in unanswered else raw
            label = kb.question_by_field[f].short
            if f == "medications" and unrecognised:
                label = (
                    f"whether {', '.join(unrecognised)} could be involved (a medicine we did not recognise)"
                )
            if any(s.field == f for s in signs):
                continue
            then = kb.rulebook.levels[level].headline
            signs.append(UncheckedSign(field=f, sign=label, if_true=level, then=then))
    return signs


def _headline(base: str, signs: list[UncheckedSign], kb: Knowledge) -> str:
    if not signs:
        return base
    parts: list[str] = []
    for level in ("emergency", "urgent"):
        named = [s.sign for s in signs if s.if_true == level]
        if not named:
            continue
        shown = "; ".join(named[:HEADLINE_SIGNS])
        if len(named) > HEADLINE_SIGNS:
            shown += f"; and {len(named) - HEADLINE_SIGNS} more listed below"
        action = kb.rulebook.levels[level].headline
        parts.append(kb.rulebook.unchecked.headline.format(signs=shown, action=action))
    return " ".join([*parts, f"Otherwise: {base}"])


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


def _selected(entries: tuple[Entry, ...], present: set[str], facts: Mapping[str, Any]) -> list[str]:
    def shown(e: Entry) -> bool:
        if e.always:
            return True
        holds = e.when is None or evaluate(e.when, facts).truth is Truth.TRUE
        return bool(present & set(e.for_)) and holds

    return [f"{e.name}: {e.summary}" for e in entries if shown(e)]


@cache  # per knowledge base: the rules do not change while it is loaded
def get_help(kb: Knowledge) -> GetHelp:
    """Every sign of every emergency and urgent rule, shown with every result."""
    signs: dict[Level, list[str]] = {"emergency": [], "urgent": []}
    for rule in kb.rulebook.rules:
        if rule.level in signs:
            signs[rule.level] += [s for s in rule.signs if s not in signs[rule.level]]
    line = kb.rulebook.get_help.format(
        emergency="; ".join(signs["emergency"]), urgent="; ".join(signs["urgent"])
    )
    return GetHelp(emergency=signs["emergency"], urgent=signs["urgent"], line=line)


def get_help_line(kb: Knowledge) -> str:
    """The signs of `get_help` in one sentence (the first self-care line of every result)."""
    return get_help(kb).line


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
    triage = _triage(facts, kb)
    reasons = list(triage.fired)
    # An unanswered core warning sign (questions.yaml `core`) rules out "manage at home"; the
    # other unanswered signs are said first but keep the level. (No core sign is one of the
    # contract's Additions, so an intake without them means what it meant before.)
    floor = {lv: [f for f in fs if kb.question_by_field[f].core] for lv, fs in triage.unchecked.items()}
    if any(floor.values()) and max((rank(r.level) for r in reasons), default=0) < rank("appointment"):
        reasons.append(_unchecked_reason(floor, kb))
    reasons.sort(key=lambda r: -rank(r.level))  # stable: rule order within a level
    level: Level = reasons[0].level if reasons else "self_care"
    top_rule = next((r for r in kb.rulebook.rules if reasons and r.id == reasons[0].rule), None)
    base = (top_rule.headline if top_rule else None) or kb.rulebook.levels[level].headline
    contributors = _contributors(facts, kb)
    present = {c.id for c in contributors}
    medications, unrecognised = _medications(intake, kb)
    signs = _unchecked_signs(triage.unchecked, unrecognised, facts, kb)
    return AssessmentResult(
        level=level,
        headline=_headline(base, signs, kb),
        reasons=reasons,
        contributors=contributors,
        self_care=[get_help_line(kb), *_selected(kb.of_kind("self_care"), present, facts)],
        get_help=get_help(kb),
        doctor_may=_selected(kb.of_kind("doctor_check"), present, facts),
        medications=medications,
        unrecognised_medications=unrecognised,
        missing_that_would_change_this=triage.missing,
        unchecked_warning_signs=signs,
        disclaimer=DISCLAIMER,
    )
