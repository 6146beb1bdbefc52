"""Find knowledge entries by id, name, alias or words of their text."""

from __future__ import annotations

import re

from nasalis.knowledge.curated import LEVELS, Entry
from nasalis.knowledge.loader import Knowledge, load_knowledge

AT_ONCE = ("emergency", "urgent")
"""Levels of a warning sign that a worried search puts before the reassurance."""

NAMED_SHOWN = 3
"""How many other entries a worried search names are shown before the list of warning signs."""


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))


def _score(q: str, q_words: set[str], entry: Entry) -> float:
    names = [entry.id.replace("_", " "), entry.name, *entry.aliases]
    names_lower = [n.lower().replace("'", "") for n in names]
    if q in names_lower or q.replace(" ", "_") == entry.id:
        return 100.0
    if any(q in n for n in names_lower):
        return 50.0
    title_words = set().union(*(_words(n) for n in names))
    body_words = _words(entry.summary)
    score = 10.0 * len(q_words & title_words) + 3.0 * len(q_words & body_words)
    if q_words and not q_words <= (title_words | body_words):
        score /= 4
    return score


def _matches(q: str, kb: Knowledge) -> list[Entry]:
    q_words = _words(q)
    scored = [(-s, order, e) for order, e in enumerate(kb.entries) if (s := _score(q, q_words, e)) > 0]
    return [e for _, _, e in sorted(scored, key=lambda t: (t[0], t[1]))]


def sign_level(entry: Entry, kb: Knowledge) -> int:
    """How serious the rule behind a warning sign is (0 when it names no rule)."""
    rule = next((r for r in kb.rulebook.rules if r.id == entry.rule), None)
    return LEVELS.index(rule.level) if rule else 0


def is_worried(query: str, kb: Knowledge | None = None) -> bool:
    """Whether a search asks "is it serious?" in any of its words (search.yaml)."""
    kb = kb or load_knowledge()
    return bool(_words(query) & set(kb.worried.words))


def _named(words: set[str], kb: Knowledge) -> list[Entry]:
    """Entries with a word of the search in their name or aliases, most such words first
    (then the best match by the usual score)."""
    q = " ".join(sorted(words))
    counted = [
        (len(words & _title_words(e)), _score(q, words, e), order, e) for order, e in enumerate(kb.entries)
    ]
    return [e for n, _, _, e in sorted(counted, key=lambda t: (-t[0], -t[1], t[2])) if n]


def _title_words(entry: Entry) -> set[str]:
    return set().union(*(_words(n) for n in (entry.id.replace("_", " "), entry.name, *entry.aliases)))


def _worried(q: str, kb: Knowledge) -> list[Entry]:
    """The answer to a worried search: named urgent signs, the reassurance, named topics, signs."""
    said = _words(q) - set(kb.worried.filler)
    # A worry word may name a topic too ("tumour"), but never a sign that needs help at once.
    at_once = [
        e
        for e in _named(said - set(kb.worried.words), kb)
        if e.kind == "warning_sign" and LEVELS[sign_level(e, kb)] in AT_ONCE
    ]
    at_once.sort(key=lambda e: -sign_level(e, kb))  # stable: best named first within a level
    answer = kb.entry(kb.worried.answer)
    named = [e for e in _named(said, kb) if e.id != answer.id][:NAMED_SHOWN]
    ordered = [*at_once, answer, *named]
    # Nothing after the signs: words like "is it" would match half the knowledge base.
    ordered += sorted(kb.of_kind("warning_sign"), key=lambda e: -sign_level(e, kb))
    first = {e.id: e for e in reversed(ordered)}  # entries are unhashable: keep each first one
    ids = [e.id for e in ordered]
    return sorted(first.values(), key=lambda e: ids.index(e.id))


def search(query: str, kb: Knowledge | None = None) -> list[Entry]:
    """Entries matching `query`, best first: exact id/name/alias, then word overlap.

    A worried search ("is it serious?") answers first with the benign-twitching entry and then
    the warning signs that do matter; a sign it names that needs help at once comes first.
    """
    kb = kb or load_knowledge()
    q = query.strip().lower().replace("'", "")
    if not q:
        return list(kb.entries)
    if is_worried(q, kb):
        return _worried(q, kb)
    return _matches(q, kb)
