"""Match what people call their medicines to the lexicon's drugs and classes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from nasalis.knowledge.curated import Drug, MedicationClass
from nasalis.knowledge.loader import Knowledge, load_knowledge

# Words people add around a name ("Ventolin inhaler 100mcg") that are not part of it.
_NOISE = re.compile(
    r"\b(\d+(\.\d+)?\s*(mg|mcg|µg|ug|g|ml|%|iu|units?)?|tablets?|tabs?|capsules?|caps?|"
    r"inhalers?|puffers?|spray|nasal|oral|syrup|injection|patch|gel|cream|drops|xl|sr|mr|er|"
    r"la|cr|daily|once|twice|a|day|bd|od|tds|prn|as needed|hcl|hydrochloride|sodium|"
    r"potassium|sulfate|sulphate|maleate|tartrate|succinate|fumarate|besilate|besylate)\b"
)
_FUZZY_CUTOFF = 0.84
_FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class MedicationMatch:
    """A recognised medicine: what the person wrote, the generic name and its class."""

    name: str
    drug: Drug
    klass: MedicationClass


def normalise(name: str) -> str:
    """Lower-case, strip doses and form words, and fold spacing and hyphens."""
    text = name.lower().replace("-", " ").replace("\u2019", "'")
    text = _NOISE.sub(" ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    return " ".join(text.split())


@cache
def _index(kb: Knowledge) -> dict[str, Drug]:
    index: dict[str, Drug] = {}
    for drug in kb.lexicon.drugs:
        for alias in (drug.name, *drug.also):
            index.setdefault(normalise(alias), drug)
    return index


def all_names(kb: Knowledge | None = None) -> list[str]:
    """Every name the lexicon recognises exactly (generic, brand and spelling variants)."""
    return sorted(_index(kb or load_knowledge()))


def match_medication(name: str, kb: Knowledge | None = None) -> MedicationMatch | None:
    """The lexicon entry for `name`, tolerating case, doses and small misspellings."""
    return _match(name, kb or load_knowledge())


@lru_cache(maxsize=4096)  # fuzzy matching is the slow part, and the same names recur
def _match(name: str, kb: Knowledge) -> MedicationMatch | None:
    index = _index(kb)
    key = normalise(name)
    if not key:
        return None
    drug = index.get(key)
    if drug is None:
        # Try each word ("ventolin evohaler") before falling back to a fuzzy match.
        drug = next((index[w] for w in key.split() if w in index), None)
    if drug is None and len(key) >= _FUZZY_MIN_LENGTH:
        close = difflib.get_close_matches(key, list(index), n=1, cutoff=_FUZZY_CUTOFF)
        drug = index[close[0]] if close else None
    if drug is None:
        return None
    klass = next(c for c in kb.lexicon.classes if c.id == drug.class_)
    return MedicationMatch(name=name, drug=drug, klass=klass)
