"""Load and cross-check the YAML knowledge base once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from nasalis.knowledge.models import (
    Citation,
    Contributor,
    Entry,
    Lexicon,
    Question,
    RuleBook,
    Sources,
)

ENTRY_FILES: dict[str, str] = {
    "cause": "causes.yaml",
    "symptom": "symptoms.yaml",
    "warning_sign": "warning_signs.yaml",
    "self_care": "self_care.yaml",
    "doctor_check": "doctor_checks.yaml",
    "treatment": "treatments.yaml",
    "condition": "conditions.yaml",
}
"""Entry kind -> the data file that holds entries of that kind."""

KIND_TITLES: dict[str, str] = {
    "cause": "Causes and triggers",
    "symptom": "Symptoms",
    "warning_sign": "Warning signs — when to see a doctor",
    "self_care": "What you can do",
    "doctor_check": "What a doctor may do",
    "treatment": "Treatments",
    "condition": "Conditions",
}
"""How each entry kind is titled wherever the knowledge base is browsed."""


class KnowledgeError(ValueError):
    """The knowledge base's data files are inconsistent; the message names the file."""


@dataclass(frozen=True, eq=False)  # identity hash: the lexicon index caches per instance
class Knowledge:
    """The whole validated knowledge base."""

    sources: Sources
    entries: tuple[Entry, ...]
    lexicon: Lexicon
    rulebook: RuleBook
    contributors: tuple[Contributor, ...]
    questions: tuple[Question, ...]

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        """Entries by id (derived from `entries`, never passed in)."""
        return {e.id: e for e in self.entries}

    @cached_property
    def question_by_field(self) -> dict[str, Question]:
        """Questions by the intake field each fills (derived from `questions`)."""
        return {q.field: q for q in self.questions}

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id (KeyError if there is none)."""
        return self.by_id[entry_id]

    def of_kind(self, kind: str) -> tuple[Entry, ...]:
        """Entries of one kind, in file order."""
        return tuple(e for e in self.entries if e.kind == kind)

    def source_label(self, source_id: str) -> str:
        """A cited source as shown to people: seed file name, or 'Organisation — Title'."""
        for g in self.sources.guidance:
            if g.id == source_id:
                return g.label
        return source_id

    def citation_label(self, citation: Citation) -> str:
        """The label of one citation's source."""
        return citation.seed or self.source_label(citation.guidance or "")


def _read(name: str) -> Any:
    text = resources.files("nasalis.knowledge").joinpath("data", name).read_text("utf-8")
    return yaml.safe_load(text)


def _parse(name: str, adapter: TypeAdapter[Any], data: Any) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise KnowledgeError(f"{name}: {exc}") from exc


@cache
def load_knowledge() -> Knowledge:
    """Load, validate and cross-check every data file (cached: the files are read once)."""
    sources: Sources = _parse("sources.yaml", TypeAdapter(Sources), _read("sources.yaml"))
    entries: list[Entry] = []
    for kind, name in ENTRY_FILES.items():
        for raw in _parse(name, TypeAdapter(list[dict[str, Any]]), _read(name)):
            entries.append(_parse(name, TypeAdapter(Entry), {**raw, "kind": kind}))
    kb = Knowledge(
        sources=sources,
        entries=tuple(entries),
        lexicon=_parse("medications.yaml", TypeAdapter(Lexicon), _read("medications.yaml")),
        rulebook=_parse("rules.yaml", TypeAdapter(RuleBook), _read("rules.yaml")),
        contributors=_parse(
            "contributors.yaml", TypeAdapter(tuple[Contributor, ...]), _read("contributors.yaml")
        ),
        questions=_parse("questions.yaml", TypeAdapter(tuple[Question, ...]), _read("questions.yaml")),
    )
    _cross_check(kb)
    return kb


def _cross_check(kb: Knowledge) -> None:
    """Fail loudly when one file names something another does not define."""
    problems: list[str] = []
    if len(kb.by_id) != len(kb.entries):
        problems.append("entry ids are not unique across the entry files")
    titles = [(g.organisation.lower(), g.title.lower()) for g in kb.sources.guidance]
    problems += [
        f"sources.yaml: {g.label} is declared more than once"
        for i, g in enumerate(kb.sources.guidance)
        if titles.index(titles[i]) != i
    ]
    seeds = {s.file for s in kb.sources.seeds}
    guidance = {g.id for g in kb.sources.guidance}
    cited = [(e.id, c) for e in kb.entries for c in e.cites]
    cited += [(m.id, c) for m in kb.lexicon.classes for c in m.cites]
    for owner, c in cited:
        if c.seed is not None and c.seed not in seeds:
            problems.append(f"{owner}: unknown seed {c.seed!r}")
        if c.guidance is not None and c.guidance not in guidance:
            problems.append(f"{owner}: unknown guidance {c.guidance!r}")
    cited_by_rules = [(r.id, r.sources) for r in kb.rulebook.rules]
    cited_by_rules.append((kb.rulebook.unchecked.rule.id, kb.rulebook.unchecked.rule.sources))
    for rule_id, sources in cited_by_rules:
        problems += [
            f"rules.yaml {rule_id}: unknown source {s!r}"
            for s in sources
            if s not in seeds and s not in guidance
        ]
    problems += [
        f"rules.yaml {rule.id}: an {rule.level} rule must give `signs` for the always-shown list"
        for rule in kb.rulebook.rules
        if rule.level in ("emergency", "urgent") and not rule.signs
    ]
    contributor_ids = {c.id for c in kb.contributors}
    problems += [
        f"contributors.yaml {x.id}: unknown entry {x.entry!r}"
        for x in kb.contributors
        if x.entry not in kb.by_id
    ]
    for e in kb.entries:
        problems += [
            f"{e.kind} {e.id}: unknown contributor {x!r}"
            for x in (*e.for_, *([e.contributor] if e.contributor else []))
            if x not in contributor_ids
        ]
    rule_ids = {r.id for r in kb.rulebook.rules}
    problems += [
        f"warning sign {e.id}: unknown rule {e.rule!r}"
        for e in kb.entries
        if e.rule is not None and e.rule not in rule_ids
    ]
    class_ids = {m.id for m in kb.lexicon.classes}
    problems += [
        f"medications.yaml {d.name}: unknown class {d.class_!r}"
        for d in kb.lexicon.drugs
        if d.class_ not in class_ids
    ]
    asked = {q.field for q in kb.questions}
    problems += [
        f"questions.yaml {q.field}: unknown prerequisite {q.prerequisite!r}"
        for q in kb.questions
        if q.prerequisite is not None and q.prerequisite not in asked
    ]
    if problems:
        raise KnowledgeError("; ".join(problems))
