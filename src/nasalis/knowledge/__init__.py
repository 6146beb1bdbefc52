"""Curated knowledge: causes, signs, steps, checks, treatments, conditions, with citations."""

from nasalis.knowledge.lexicon import MedicationMatch, match_medication
from nasalis.knowledge.loader import Knowledge, KnowledgeError, load_knowledge
from nasalis.knowledge.search import search

__all__ = [
    "Knowledge",
    "KnowledgeError",
    "MedicationMatch",
    "load_knowledge",
    "match_medication",
    "search",
]
