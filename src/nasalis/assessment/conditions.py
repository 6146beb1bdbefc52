"""Evaluate the rule language of rules.yaml and contributors.yaml in three-valued logic.

A condition is `{field: value}` (equality), `{field: {op: arg, ...}}` (every operator must
hold), or `{any: [...]}`, `{all: [...]}`, `{not: cond}`. A field that is not known makes a
leaf UNKNOWN, never false, so the engine can tell which missing answer could change a level.
The one exception is `{field: {known: false}}`, which asks whether the answer is missing
(true) or given (false): "the onset was not said" is itself a fact a rule can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Truth(Enum):
    """Kleene's three truth values."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2


@dataclass(frozen=True)
class Outcome:
    """A condition's truth, the fields that made it true, and the unknown fields it awaits."""

    truth: Truth
    because: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for g in groups for f in g))


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda v, a: v > a,
    "gte": lambda v, a: v >= a,
    "lt": lambda v, a: v < a,
    "lte": lambda v, a: v <= a,
    "in": lambda v, a: v in a,
    "contains": lambda v, a: a in v,
    "contains_any": lambda v, a: any(x in v for x in a),
    "not_empty": lambda v, a: bool(v) == a,
}
_KNOWN = "known"


def fields_of(cond: Any) -> tuple[str, ...]:
    """Every field a condition reads, in order of appearance."""
    if not isinstance(cond, Mapping):
        return ()
    (key, arg), *_ = cond.items()
    if key in ("any", "all"):
        return _merge(*(fields_of(c) for c in arg))
    if key == "not":
        return fields_of(arg)
    return (key,)


def validate(cond: Any, known_fields: frozenset[str]) -> list[str]:
    """Problems with a condition's shape or field names (empty when it is well formed)."""
    if not isinstance(cond, Mapping) or len(cond) != 1:
        return [f"a condition is a mapping with one key, not {cond!r}"]
    (key, arg), *_ = cond.items()
    if key in ("any", "all"):
        if not isinstance(arg, list) or not arg:
            return [f"{key} takes a non-empty list"]
        return [p for c in arg for p in validate(c, known_fields)]
    if key == "not":
        return validate(arg, known_fields)
    problems = [] if key in known_fields else [f"unknown field {key!r}"]
    if isinstance(arg, Mapping):
        problems += [f"unknown operator {op!r}" for op in arg if op not in _OPERATORS and op != _KNOWN]
        if _KNOWN in arg and len(arg) != 1:
            problems.append(f"{key}: 'known' stands alone")
    return problems


OPEN = "__open__"
"""Key of `facts` naming the list facts that may hold more than is known (for example the
classes of a person's medicines when one name was not recognised): on them a `contains`
that does not hold is UNKNOWN, not FALSE, and so is a count that is not reached."""

_OPEN_ENDED = frozenset({"contains", "contains_any", "gt", "gte", "not_empty"})


def evaluate(cond: Any, facts: Mapping[str, Any]) -> Outcome:
    """Evaluate a condition against the known facts (a missing key is unknown)."""
    (key, arg), *_ = cond.items()
    if key == "any":
        parts = [evaluate(c, facts) for c in arg]
        true = [p for p in parts if p.truth is Truth.TRUE]
        if true:
            return Outcome(Truth.TRUE, because=_merge(*(p.because for p in true)))
        unknown = [p for p in parts if p.truth is Truth.UNKNOWN]
        if unknown:
            return Outcome(Truth.UNKNOWN, unknown=_merge(*(p.unknown for p in unknown)))
        return Outcome(Truth.FALSE)
    if key == "all":
        parts = [evaluate(c, facts) for c in arg]
        if any(p.truth is Truth.FALSE for p in parts):
            return Outcome(Truth.FALSE)
        unknown = [p for p in parts if p.truth is Truth.UNKNOWN]
        if unknown:
            return Outcome(Truth.UNKNOWN, unknown=_merge(*(p.unknown for p in unknown)))
        return Outcome(Truth.TRUE, because=_merge(*(p.because for p in parts)))
    if key == "not":
        inner = evaluate(arg, facts)
        flipped = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(inner.truth)
        if flipped is None:
            return inner
        return Outcome(flipped, because=fields_of(arg) if flipped is Truth.TRUE else ())
    if isinstance(arg, Mapping) and _KNOWN in arg:
        holds = (key in facts) == arg[_KNOWN]
        return Outcome(Truth.TRUE, because=(key,) if key in facts else ()) if holds else Outcome(Truth.FALSE)
    if key not in facts:
        return Outcome(Truth.UNKNOWN, unknown=(key,))
    value = facts[key]
    if isinstance(arg, Mapping):
        holds = all(_OPERATORS[op](value, a) for op, a in arg.items())
        if not holds and key in facts.get(OPEN, ()) and set(arg) <= _OPEN_ENDED:
            return Outcome(Truth.UNKNOWN, unknown=(key,))
    else:
        holds = value == arg
    return Outcome(Truth.TRUE, because=(key,)) if holds else Outcome(Truth.FALSE)
