"""Find knowledge entries by id, name, alias or words of their text."""

from __future__ import annotations

import re

from nasalis.knowledge.loader import Knowledge, load_knowledge
from nasalis.knowledge.models import Entry


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))


def search(query: str, kb: Knowledge | None = None) -> list[Entry]:
    """Entries matching `query`, best first: exact id/name/alias, then word overlap."""
    kb = kb or load_knowledge()
    q = query.strip().lower().replace("'", "")
    if not q:
        return list(kb.entries)
    q_words = _words(q)
    scored: list[tuple[float, int, Entry]] = []
    for order, entry in enumerate(kb.entries):
        names = [entry.id.replace("_", " "), entry.name, *entry.aliases]
        names_lower = [n.lower().replace("'", "") for n in names]
        if q in names_lower or q.replace(" ", "_") == entry.id:
            score = 100.0
        elif any(q in n for n in names_lower):
            score = 50.0
        else:
            title_words = set().union(*(_words(n) for n in names))
            body_words = _words(entry.summary)
            score = 10.0 * len(q_words & title_words) + 3.0 * len(q_words & body_words)
            if q_words and not q_words <= (title_words | body_words):
                score /= 4
        if score > 0:
            scored.append((-score, order, entry))
    return [e for _, _, e in sorted(scored, key=lambda t: (t[0], t[1]))]
