"""The knowledge base represents everything the seeds name, and quotes them truthfully."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nasalis.knowledge import load_knowledge, search
from nasalis.knowledge.loader import all_citations
from tests.knowledge.seed_terms import SEED_TERMS

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _norm(text: str) -> str:
    text = text.translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


def _entry_text(entry_id: str) -> str:
    e = load_knowledge().entry(entry_id)
    return _norm(" ".join([e.id.replace("_", " "), e.name, *e.aliases, e.summary]))


CASES = [
    (seed, kind, term)
    for seed, kinds in SEED_TERMS.items()
    for kind, terms in kinds.items()
    for term in terms
]


def test_every_seed_has_terms(seeds_dir: Path) -> None:
    """The fixture covers every seed file there is."""
    assert sorted(p.name for p in seeds_dir.glob("*.txt")) == sorted(SEED_TERMS)


@pytest.mark.parametrize(("seed", "kind", "term"), CASES)
def test_seed_term_is_in_seed_and_in_knowledge(seeds_dir: Path, seed: str, kind: str, term: str) -> None:
    assert _norm(term) in _norm((seeds_dir / seed).read_text("utf-8")), f"{term!r} is not in {seed}"
    hits = search(term)
    assert hits, f"{kind} {term!r} from {seed} finds nothing in the knowledge base"
    assert any(
        _norm(term) in _entry_text(e.id) or set(_norm(term).split()) <= set(_entry_text(e.id).split())
        for e in hits[:5]
    ), f"{term!r}: top results {[e.id for e in hits[:5]]} do not mention it"


def test_every_seed_passage_is_quoted_verbatim(seeds_dir: Path) -> None:
    """A seed citation's passage must really be in that seed: no invented quotes."""
    kb = load_knowledge()
    citations = all_citations(kb)  # entries, medicines, the reassurance and what levels mean
    assert {"reassurance", "levels.appointment.means"} <= {owner for owner, _ in citations}
    seed_citations = [(owner, c) for owner, c in citations if c.seed]
    assert len(seed_citations) > 80
    texts = {p.name: _norm(p.read_text("utf-8")) for p in seeds_dir.glob("*.txt")}
    wrong = [
        (owner, c.seed, c.passage)
        for owner, c in seed_citations
        if _norm(c.passage or "") not in texts[c.seed or ""]
    ]
    assert wrong == []


def test_every_seed_is_cited() -> None:
    kb = load_knowledge()
    cited = {c.seed for e in kb.entries for c in e.cites if c.seed}
    assert cited == {s.file for s in kb.sources.seeds}
