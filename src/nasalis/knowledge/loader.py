"""Load and cross-check the YAML knowledge base once per process."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from nasalis.knowledge.curated import (
    Citation,
    Contributor,
    Entry,
    Level,
    Lexicon,
    Plain,
    Question,
    RuleBook,
    Sources,
    Worried,
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


LINKED_KINDS: dict[str, str] = {"helps": "self_care", "see_doctor": "warning_sign"}
"""Entry fields that list other entries -> the kind those entries must be."""


class KnowledgeError(ValueError):
    """The knowledge base's data files are inconsistent; the message names the file."""


@dataclass(frozen=True)
class Said:
    """A plain sentence as shown to a person, with its sources by title."""

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CitedSource:
    """One source of an entry as shown: its title, the seed file it is, the passages quoted."""

    title: str
    seed: str | None
    passages: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # identity hash: the lexicon index caches per instance
class Knowledge:
    """The whole validated knowledge base."""

    sources: Sources
    entries: tuple[Entry, ...]
    lexicon: Lexicon
    rulebook: RuleBook
    contributors: tuple[Contributor, ...]
    questions: tuple[Question, ...]
    worried: Worried

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
        """The label of one citation's source (a seed by file name, as the JSON cites it)."""
        return citation.seed or self.source_label(citation.guidance or "")

    @cached_property
    def _titles(self) -> dict[str, str]:
        titles = {s.file: s.title for s in self.sources.seeds}
        for g in self.sources.guidance:
            titles[g.id] = titles[g.label] = g.label
        return titles

    def source_title(self, source: str) -> str:
        """A source as a person reads it: a seed file name, guidance id or label -> its title."""
        return self._titles.get(source, source)

    def citation_title(self, citation: Citation) -> str:
        """The title of one citation's source (the article's title for a seed)."""
        return self.source_title(citation.seed or citation.guidance or "")

    def cited(self, citations: Iterable[Citation]) -> tuple[CitedSource, ...]:
        """Citations grouped by source, in order: each source once with all its passages."""
        grouped: dict[str, list[Citation]] = {}
        for c in citations:
            grouped.setdefault(self.citation_title(c), []).append(c)
        return tuple(
            CitedSource(title, cs[0].seed, tuple(c.passage for c in cs if c.passage))
            for title, cs in grouped.items()
        )

    def titles(self, citations: Iterable[Citation]) -> tuple[str, ...]:
        """The titles of these citations' sources, each once, in order."""
        return tuple(dict.fromkeys(self.citation_title(c) for c in citations))

    def said(self, plain: Plain, text: str | None = None) -> Said:
        """A plain sentence (or `text` resting on the same citations) with its source titles."""
        return Said(text if text is not None else plain.says, self.titles(plain.cites))

    def level_means(self, level: Level) -> Said | None:
        """With whom and how fast a level sends a person to a doctor (None when it does not say)."""
        means = self.rulebook.levels[level].means
        return self.said(means) if means else None

    def reassurance(self, level: Level, contributors: Sequence[str], unchecked: bool) -> Said | None:
        """The plain reassurance for a result, or None where it would not be true.

        True only for a self-care result with no warning sign left unchecked whose every
        contributor is one the sentence names (stress, short sleep, caffeine...).
        """
        words = self.rulebook.reassurance
        if level != "self_care" or unchecked or not set(contributors) <= set(words.triggers):
            return None
        named = [words.triggers[c] for c in contributors]
        triggers = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
        text = words.says.format(triggers=triggers or words.no_triggers)
        return Said(text, self.titles(words.cites))

    def linked(self, entry: Entry, field: str) -> tuple[Entry, ...]:
        """The entries an entry lists in `field` (helps, see_doctor or related)."""
        ids: tuple[str, ...] = getattr(entry, field)
        return tuple(self.by_id[i] for i in ids)


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
        worried=_parse("search.yaml", TypeAdapter(Worried), _read("search.yaml")["worried"]),
    )
    _cross_check(kb)
    from nasalis.knowledge.emergency import load_numbers  # it reads its file with this module's helpers

    load_numbers()
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
    cited = all_citations(kb)
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
    problems += _link_problems(kb)
    if problems:
        raise KnowledgeError("; ".join(problems))


def all_citations(kb: Knowledge) -> list[tuple[str, Citation]]:
    """Every citation in the knowledge base, with the id of what makes it."""
    cited = [(e.id, c) for e in kb.entries for c in e.cites]
    cited += [(m.id, c) for m in kb.lexicon.classes for c in m.cites]
    cited += [("reassurance", c) for c in kb.rulebook.reassurance.cites]
    cited += [
        (f"levels.{level}.means", c)
        for level, text in kb.rulebook.levels.items()
        if text.means
        for c in text.means.cites
    ]
    return cited


def _link_problems(kb: Knowledge) -> list[str]:
    """Entries that list an unknown entry, or one of the wrong kind; an unknown search answer."""
    problems = [
        f"{e.kind} {e.id}: {field} names {i!r}, which is not a {kind} entry"
        for e in kb.entries
        for field, kind in LINKED_KINDS.items()
        for i in getattr(e, field)
        if i not in kb.by_id or kb.by_id[i].kind != kind
    ]
    problems += [
        f"{e.kind} {e.id}: related names unknown {i!r}"
        for e in kb.entries
        for i in e.related
        if i not in kb.by_id
    ]
    if kb.worried.answer not in kb.by_id:
        problems.append(f"search.yaml: unknown answer {kb.worried.answer!r}")
    problems += [
        f"rules.yaml reassurance: unknown contributor {c!r}"
        for c in kb.rulebook.reassurance.triggers
        if c not in {x.id for x in kb.contributors}
    ]
    return problems
