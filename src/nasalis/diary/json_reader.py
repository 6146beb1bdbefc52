"""Read the JSON bundle: parsed once, linearly, each item checked as it is read."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nasalis.assessment.json_keys import RepeatedKeyError, unique_keys
from nasalis.diary.bundle import LINES, LIST_KEYS, SCHEMA, Bundle, InterchangeError, NoteRecord, check_unique
from nasalis.diary.bundle_extras import (
    NOTE_RULES,
    assessment,
    experiment,
    fields,
    json_errors,
    medicine,
    read_settings,
)
from nasalis.diary.clinician_scores import score_from_json
from nasalis.diary.read_limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_CHARS, Budget, file_budget
from nasalis.diary.records import FieldError, RecordError, build_day, build_episode
from nasalis.diary.treatment_records import build_treatment


class _Unreadable:
    """A number the bundle wrote that no field could hold: too many digits, or not finite."""

    def __init__(self, literal: str) -> None:
        self.literal = literal

    @property
    def problem(self) -> str:
        """Why it is refused, as a message after the field's name."""
        if len(self.literal) > MAX_NUMBER_CHARS:
            return (
                f"is a number of {len(self.literal)} characters; a number may have at most {MAX_NUMBER_CHARS}"
            )
        return f"must be a finite number (got {self.literal[:20]})"

    def __repr__(self) -> str:
        return f"a number of {len(self.literal)} characters"


def _json_int(literal: str) -> int | _Unreadable:
    # int() of thousands of digits is slow (and refused past 4300); no field needs more than a few.
    return int(literal) if len(literal) <= MAX_NUMBER_CHARS else _Unreadable(literal)


def _json_float(literal: str) -> float | _Unreadable:
    value = float(literal) if len(literal) <= MAX_NUMBER_CHARS else math.inf
    return value if math.isfinite(value) else _Unreadable(literal)


_DECODER = json.JSONDecoder(
    object_pairs_hook=unique_keys,
    parse_int=_json_int,
    parse_float=_json_float,
    parse_constant=_Unreadable,
)
_SPACE = re.compile(r"[ \t\n\r]*")


def _odd(value: object, depth: int = 0) -> str | None:
    """Why a value read from JSON cannot be kept (an unreadable number, too deep), or None."""
    if isinstance(value, _Unreadable):
        return value.problem
    if isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            return f"is nested more than {MAX_DEPTH} levels deep"
        inside = value.items() if isinstance(value, dict) else enumerate(value)
        for key, inner in inside:
            problem = _odd(inner, depth + 1)
            if problem:
                return f"[{key!r}] {problem}" if problem[0] != "[" else f"[{key!r}]{problem}"
    return None


def _refuse_odd(item: dict[str, Any]) -> None:
    """RecordError naming every field of `item` holding a value no field could keep."""
    errors = {key: problem for key, value in item.items() if (problem := _odd(value))}
    if errors:
        raise RecordError(errors)


def decode_json(name: str, raw: bytes) -> str:
    """The text of a JSON file; InterchangeError names the line of a byte that is not UTF-8."""
    try:
        # Decode the bytes ourselves: read_text would turn a "\r" inside a string into "\n".
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InterchangeError(f"{name}, line {line}: not UTF-8 text") from None


class _Walker:
    """The top-level object of a bundle, read once from start to end: each key, and each item
    of the lists with the line it starts on (the counting only ever moves forward)."""

    def __init__(self, name: str, text: str) -> None:
        self.name, self.text = name, text
        self.pos = self._space(0)
        self.line, self._counted = 1, 0

    def _space(self, pos: int) -> int:
        end: int = _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]
        return end

    def _expect(self, chars: str, what: str) -> str:
        if self.pos >= len(self.text) or self.text[self.pos] not in chars:
            raise json.JSONDecodeError(f"Expecting {what}", self.text, self.pos)
        found = self.text[self.pos]
        self.pos = self._space(self.pos + 1)
        return found

    def line_here(self) -> int:
        """The line the walker is on (counting only the text not yet counted)."""
        self.line += self.text.count("\n", self._counted, self.pos)
        self._counted = self.pos
        return self.line

    def value(self) -> Any:
        """The JSON value at the walker, decoded; the walker moves past it."""
        value, end = _DECODER.raw_decode(self.text, self.pos)
        self.pos = self._space(end)
        return value

    def members(self) -> Iterator[str]:
        """Each key of the top-level object; the caller reads its value before asking for the next."""
        self._expect("{", "'{'")
        if self.text.startswith("}", self.pos):
            self.pos = self._space(self.pos + 1)
        else:
            while True:
                if not self.text.startswith('"', self.pos):
                    raise json.JSONDecodeError(
                        "Expecting property name enclosed in double quotes", self.text, self.pos
                    )
                key = self.value()
                self._expect(":", "':' delimiter")
                yield key
                if self._expect(",}", "',' delimiter") == "}":
                    break
        if self.pos != len(self.text):
            raise json.JSONDecodeError("Extra data", self.text, self.pos)

    def items(self, key: str) -> Iterator[tuple[str, Any]]:
        """(where, item) of each item of the list `key` at the walker: file, line and index."""
        self._expect("[", "'['")
        if self.text.startswith("]", self.pos):
            self.pos = self._space(self.pos + 1)
            return
        for index in itertools.count():
            line = self.line_here()
            where = f"{self.name}, line {line}, {key}[{index}]"
            try:
                item = self.value()
            except RepeatedKeyError as exc:
                raise InterchangeError(
                    f"{where}, field '{exc.key}': given twice (each field only once)"
                ) from None
            except RecursionError:
                raise InterchangeError(f"{where}: nested too deeply") from None
            yield where, item
            if self._expect(",]", "',' delimiter") == "]":
                return


def read_bundle_text(name: str, text: str) -> Bundle:
    """A JSON bundle {"schema": "nasalis.diary/1", "days": [...], "episodes": [...], ...extras}.

    The text is parsed once, linearly, and each item is checked as it is read; a key given
    twice (at the top or inside an item) makes the bundle bad, so what is checked is what is
    imported.
    """
    walker = _Walker(name, text)
    try:
        if not text.startswith("{", walker.pos):
            _DECODER.decode(text)  # valid JSON, but not an object: not a bundle
            raise InterchangeError(f'{name}, line 1: not a diary bundle ("schema": "{SCHEMA}" expected)')
        return _read_members(walker)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            f"{name}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    except RepeatedKeyError as exc:
        raise InterchangeError(f"{name}, line {walker.line_here()}: key '{exc.key}' given twice") from None
    except RecursionError:
        raise InterchangeError(f"{name}, line {walker.line_here()}: nested too deeply") from None


def _read_members(walker: _Walker) -> Bundle:
    name, bundle, budget = walker.name, Bundle(), file_budget()
    seen: dict[str, int] = {}
    top: dict[str, Any] = {}
    for key in walker.members():
        line = walker.line_here()
        if key in seen:
            raise InterchangeError(f"{name}, line {line}: key '{key}' given twice (also on line {seen[key]})")
        seen[key] = line
        if key in LIST_KEYS and walker.text.startswith("[", walker.pos):
            for where, item in walker.items(key):
                _take(bundle, budget, key, where, item)
        elif key in LIST_KEYS:
            raise InterchangeError(f"{name}, line {line}: '{key}' must be a list")
        else:
            try:
                top[key] = walker.value()
            except RecursionError:
                raise InterchangeError(f"{name}, line {line}, '{key}': nested too deeply") from None
    if top.get("schema") != SCHEMA:
        raise InterchangeError(f'{name}, line 1: not a diary bundle ("schema": "{SCHEMA}" expected)')
    settings = top.get("settings")
    problem = _odd(settings)
    if problem:
        raise InterchangeError(f"{name}, settings: {problem}")
    bundle.extras.settings = read_settings(name, settings)
    check_unique(bundle)
    return bundle


def _take(bundle: Bundle, budget: Budget, key: str, where: str, item: object) -> None:
    """Check one item of the list `key` and add it to `bundle`; InterchangeError names its fields."""
    budget.row(where)
    if not isinstance(item, dict):
        raise InterchangeError(f"{where}: each entry must be an object")
    try:
        _refuse_odd(item)
        _read_item(bundle, key, item)
    except FieldError as exc:
        raise InterchangeError(json_errors(where, exc)) from None
    if key in LINES:
        getattr(bundle, LINES[key]).append(where)


def read_bundle(path: Path) -> Bundle:
    """A JSON bundle from disk (see read_bundle_text)."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InterchangeError(f"{path.name}: too large ({file_budget().limit_said})")
    return read_bundle_text(path.name, decode_json(path.name, path.read_bytes()))


def _read_item(bundle: Bundle, key: str, item: dict[str, Any]) -> None:
    """Check one object of the list `key` and add it to `bundle`; FieldError names its bad fields."""
    if key == "episodes":
        bundle.episodes.append(build_episode(item, text=False))
    elif key == "days":
        factors = item.get("factors") or {}
        if not isinstance(factors, dict):
            raise FieldError("factors", "must be an object of name: number")
        values = {k: v for k, v in item.items() if k != "factors"}
        bundle.days.append(build_day(values, text=False, factors=factors))
    elif key == "medications":
        bundle.extras.medications.append(medicine(item))
    elif key == "notes":
        bundle.extras.notes.append(NoteRecord(**fields(item, NOTE_RULES)))
    elif key == "assessments":
        bundle.extras.assessments.append(assessment(item))
    elif key == "treatments":
        bundle.extras.treatments.append(build_treatment(item, text=False))
    elif key == "clinician_scores":
        bundle.extras.clinician_scores.append(score_from_json(item))
    else:
        bundle.extras.experiments.append(experiment(item))
