"""Read and write the diary interchange formats: a CSV folder, or a JSON bundle.

Reading is all-or-nothing: the whole file is parsed and checked before anything is
stored, and the first bad row is reported with its file, line and every bad column.
The JSON bundle also carries what the CSV files cannot: medicines, notes, assessments,
experiments and settings (the contract lets a bundle add top-level keys; older readers
ignore them).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import json
import lzma
import math
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nasalis.assessment.result import SCHEMA as ASSESSMENT_SCHEMA
from nasalis.assessment.result import Reason
from nasalis.diary import preferences
from nasalis.diary.csv_escape import escape_cell, unescape_cell
from nasalis.diary.records import (
    DAY_RULES,
    EPISODE_RULES,
    MAX_TEXT,
    DayRecord,
    EpisodeRecord,
    FieldError,
    RecordError,
    Rule,
    build_day,
    build_episode,
    read_value,
    refuse_future_date,
    refuse_future_instant,
)
from nasalis.knowledge.models import LEVELS

SCHEMA = "nasalis.diary/1"
EPISODES_CSV = "episodes.csv"
DAYS_CSV = "days.csv"
MAX_FILE_BYTES = 50_000_000
"""The most text one import reads: a file, or a zip's CSV files once unzipped (5 years of a heavy
diary are about 1.3 MB of CSV)."""
MAX_ROWS = 100_000
"""The most rows (and bundle entries) one import reads: 20 years of a heavy diary, 4,400 a year."""
MAX_COLUMNS = 200
"""The most columns a CSV file may have (days.csv: the contract's and your own factors)."""
MAX_LINE = 100_000
"""The longest line of a CSV file, in characters (a note may have 5,000)."""
MAX_NUMBER_CHARS = 32
"""The longest number in a bundle, in characters (any float's shortest form is at most 24)."""
MAX_DEPTH = 20
"""How deep a bundle's answers and results may nest (an assessment's nest 4 levels)."""
_TEXT_COLUMNS = frozenset({"note", "tags"})


class InterchangeError(ValueError):
    """A file that cannot be imported; the message names file, line and column."""


@dataclass(frozen=True)
class MedicineRecord:
    """A medicine as the bundle carries it (its lexicon match is worked out again on import)."""

    name: str
    dose: str | None = None
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None


@dataclass(frozen=True)
class NoteRecord:
    """A free-text note and when it was written."""

    written_at: dt.datetime
    text: str


@dataclass(frozen=True)
class AssessmentRecord:
    """An assessment as it was answered and shown."""

    at: dt.datetime
    level: str
    intake: dict[str, Any]
    result: dict[str, Any]


@dataclass(frozen=True)
class ExperimentRecord:
    """An N-of-1 experiment's plan, and the day it was stopped early if it was."""

    title: str
    start_date: dt.date
    block_days: int
    washout_days: int
    schedule: tuple[str, ...]
    stopped_on: dt.date | None = None


@dataclass
class Extras:
    """What only the JSON bundle carries, beside the episodes and days."""

    medications: list[MedicineRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    experiments: list[ExperimentRecord] = field(default_factory=list)
    settings: dict[str, Any] | None = None


@dataclass
class Bundle:
    """The diary content of one import: episodes and days, each with its source line, and extras."""

    episodes: list[EpisodeRecord] = field(default_factory=list)
    days: list[DayRecord] = field(default_factory=list)
    episode_lines: list[str] = field(default_factory=list)
    day_lines: list[str] = field(default_factory=list)
    extras: Extras = field(default_factory=Extras)


def _where(file: str, line: int) -> str:
    return f"{file}, line {line}"


def _csv_errors(file: str, line: int, header: list[str], exc: FieldError) -> str:
    """Every bad column of one row, after its file and line."""
    columns = [
        (f"column {header.index(name) + 1} ({name})" if name in header else name, message)
        for name, message in exc.errors.items()
    ]
    return f"{file}, line {line}, " + "; ".join(f"{column}: {message}" for column, message in columns)


def _json_errors(where: str, exc: FieldError) -> str:
    """Every bad field of one JSON object, after where it is."""
    return f"{where}, " + "; ".join(f"field '{name}': {message}" for name, message in exc.errors.items())


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


class _RepeatedKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys, so what was checked could differ from what
    # a reader of the file sees: a repeated key makes the object bad (as an intake's does).
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _RepeatedKeyError(key)
        data[key] = value
    return data


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique_keys,
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


@dataclass
class Budget:
    """What one import may still read: rows over all its files, and bytes of text."""

    bytes_left: int
    limit_said: str
    """The byte limit in words, for the message that refuses more."""
    rows_left: int = MAX_ROWS

    def spend(self, name: str, count: int) -> None:
        """Count `count` more bytes read from `name`; InterchangeError past the limit."""
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise InterchangeError(f"{name}: too large ({self.limit_said})")

    def row(self, where: str) -> None:
        """Count one more row (or bundle entry); InterchangeError past MAX_ROWS."""
        self.rows_left -= 1
        if self.rows_left < 0:
            raise InterchangeError(
                f"{where}: too many rows (an import reads at most {MAX_ROWS:,} rows; split the diary)"
            )


def file_budget() -> Budget:
    """The budget for reading a file on disk or an uploaded file as it is (not a zip)."""
    return Budget(MAX_FILE_BYTES, f"a file may have at most {MAX_FILE_BYTES // 1_000_000} MB")


READ_ERRORS = (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error, lzma.LZMAError)
"""What a damaged (compressed) stream raises while it is read: a bad CRC, truncated data."""


class _Counted(io.RawIOBase):
    """A byte stream that spends the budget as it is read, and names damage by the file."""

    def __init__(self, name: str, stream: IO[bytes], budget: Budget) -> None:
        super().__init__()
        self._name, self._stream, self._budget = name, stream, budget

    def readable(self) -> bool:
        """Always: it only reads."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read into `buffer`; InterchangeError when the stream is damaged or over budget."""
        try:
            data = self._stream.read(len(buffer))
        except READ_ERRORS as exc:
            raise InterchangeError(f"{self._name}: the file is damaged and cannot be read ({exc})") from None
        self._budget.spend(self._name, len(data))
        buffer[: len(data)] = data
        return len(data)


def _text_lines(name: str, stream: IO[bytes], budget: Budget) -> Iterator[str]:
    """The lines of a UTF-8 byte stream (endings kept, as csv wants), read a block at a time."""
    text = io.TextIOWrapper(
        io.BufferedReader(_Counted(name, stream, budget)),
        encoding="utf-8-sig",
        errors="surrogateescape",  # a bad byte is named by its line below, not by a block offset
        newline="",  # a "\r" inside a quoted cell stays a "\r"
    )
    for number, line in enumerate(text, 1):
        if len(line) > MAX_LINE:
            raise InterchangeError(f"{name}, line {number}: longer than {MAX_LINE:,} characters")
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                raise InterchangeError(f"{name}, line {number}: not UTF-8 text") from None
        yield line


def _read_file(name: str, stream: IO[bytes], bundle: Bundle, budget: Budget) -> None:
    """Read episodes.csv or days.csv (named `name`) from `stream` into `bundle`, row by row."""
    if name == EPISODES_CSV:
        records, lines = _read_csv(name, stream, budget, lambda r: build_episode(r, text=True), "started_at")
        bundle.episodes, bundle.episode_lines = records, lines
    else:
        bundle.days, bundle.day_lines = _read_csv(
            name, stream, budget, lambda r: build_day(r, text=True), "date"
        )


def _read_header(name: str, reader: Iterator[list[str]], required: str) -> list[str]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InterchangeError(f"{name}, line 1: the file is empty (a header row is needed)") from None
    except csv.Error as exc:
        raise InterchangeError(f"{name}, line 1: {exc}") from None
    if required not in header:
        raise InterchangeError(f"{name}, line 1: the header has no '{required}' column")
    if len(header) > MAX_COLUMNS:
        raise InterchangeError(
            f"{name}, line 1: {len(header)} columns; a file may have at most {MAX_COLUMNS}"
        )
    duplicates = {h for h in header if header.count(h) > 1}
    if duplicates:
        raise InterchangeError(f"{name}, line 1: column '{sorted(duplicates)[0]}' appears twice")
    return header


def _read_csv(
    name: str, stream: IO[bytes], budget: Budget, build: Callable[[dict[str, str]], Any], required: str
) -> tuple[list[Any], list[str]]:
    reader = csv.reader(_text_lines(name, stream, budget))
    header = _read_header(name, reader, required)
    records: list[Any] = []
    lines: list[str] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            where = _where(name, reader.line_num)
            budget.row(where)
            if len(cells) != len(header):
                raise InterchangeError(f"{where}: {len(cells)} cells, the header has {len(header)}")
            row = {
                h: (unescape_cell(c) if h in _TEXT_COLUMNS else c) for h, c in zip(header, cells, strict=True)
            }
            try:
                records.append(build(row))
            except FieldError as exc:
                raise InterchangeError(_csv_errors(name, reader.line_num, header, exc)) from None
            lines.append(where)
    except csv.Error as exc:
        raise InterchangeError(f"{name}, line {reader.line_num}: {exc}") from None
    return records, lines


Opener = Callable[[], AbstractContextManager[IO[bytes]]]
"""Opens one file for reading (the reader closes it when done, also on an error)."""


def read_csvs(files: Iterable[tuple[str, Opener]], budget: Budget) -> Bundle:
    """episodes.csv and/or days.csv, each (name, opener) read row by row within `budget`."""
    bundle = Bundle()
    for name, opener in files:
        with opener() as stream:
            _read_file(name, stream, bundle, budget)
    _check_unique(bundle)
    return bundle


def _open_binary(path: Path) -> IO[bytes]:
    return open(path, "rb")


def _opened(paths: Iterable[Path]) -> list[tuple[str, Opener]]:
    return [(path.name, functools.partial(_open_binary, path)) for path in paths]


def read_folder(folder: Path) -> Bundle:
    """A folder with episodes.csv and/or days.csv."""
    present = [folder / name for name in (EPISODES_CSV, DAYS_CSV) if (folder / name).is_file()]
    if not present:
        raise InterchangeError(f"{folder}: no {EPISODES_CSV} or {DAYS_CSV} in this folder")
    return read_csvs(_opened(present), file_budget())


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
            except _RepeatedKeyError as exc:
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
    except _RepeatedKeyError as exc:
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
    bundle.extras.settings = _read_settings(name, settings)
    _check_unique(bundle)
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
        raise InterchangeError(_json_errors(where, exc)) from None
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
        bundle.extras.medications.append(_medicine(item))
    elif key == "notes":
        bundle.extras.notes.append(NoteRecord(**_fields(item, NOTE_RULES)))
    elif key == "assessments":
        bundle.extras.assessments.append(_assessment(item))
    else:
        bundle.extras.experiments.append(_experiment(item))


LINES = {"episodes": "episode_lines", "days": "day_lines"}
"""Where each episode and day came from (an import that finds one twice names both places)."""
EXTRA_LISTS = ("medications", "notes", "experiments", "assessments")
"""The bundle's optional lists beside episodes and days, in the order they are written."""
LIST_KEYS = frozenset({"episodes", "days", *EXTRA_LISTS})
"""The bundle's top-level keys whose value is a list of entries."""
MAX_BLOCKS = 48
"""The most blocks an imported experiment may have (the planner makes at most 24)."""
MAX_NAME = 200
"""Medicine names, doses and experiment titles: the longest the store keeps."""
MEDICINE_RULES: dict[str, Rule] = {
    "name": Rule("text", high=MAX_NAME, required=True),
    "dose": Rule("text", high=MAX_NAME),
    "started_on": Rule("date"),
    "stopped_on": Rule("date"),
}
NOTE_RULES: dict[str, Rule] = {
    "written_at": Rule("instant", required=True),
    "text": Rule("text", required=True),
}
ASSESSMENT_RULES: dict[str, Rule] = {
    "at": Rule("instant", required=True),
    "level": Rule("choice", options=LEVELS, required=True),
}
EXPERIMENT_RULES: dict[str, Rule] = {
    "title": Rule("text", high=MAX_NAME, required=True),
    "start_date": Rule("date", required=True),
    "block_days": Rule("int", low=1, high=365, required=True),
    "washout_days": Rule("int", low=0, high=364, required=True),
    "stopped_on": Rule("date"),
}


def _fields(item: dict[str, Any], rules: dict[str, Rule], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """`item` read by `rules`: RecordError names every bad or unknown field; no future dates."""
    errors: dict[str, str] = {k: "is not a field here" for k in item if k not in rules and k not in extra}
    out: dict[str, Any] = {}
    for name, rule in rules.items():
        try:
            out[name] = read_value(name, rule, item.get(name), text=False)
            if rule.required and out[name] is None:
                raise FieldError(name, "is required")
            if rule.kind == "text" and rule.high and len(out[name] or "") > rule.high:
                raise FieldError(name, f"is longer than {rule.high:g} characters")
            if rule.kind == "instant":
                refuse_future_instant(name, out[name])
            elif name == "started_on" and out[name] is not None:
                refuse_future_date(name, out[name])
        except FieldError as exc:
            errors[name] = exc.message
    if errors:
        raise RecordError(errors)
    return out


def _medicine(item: dict[str, Any]) -> MedicineRecord:
    """A medicine; it cannot stop before it started."""
    checked = _fields(item, MEDICINE_RULES)
    started, stopped = checked["started_on"], checked["stopped_on"]
    if started and stopped and stopped < started:
        raise FieldError("stopped_on", "is before started_on")
    return MedicineRecord(**checked)


def _assessment(item: dict[str, Any]) -> AssessmentRecord:
    """An assessment: its time and level, the intake as answered, the result as it was shown."""
    checked = _fields(item, ASSESSMENT_RULES, extra=("intake", "result"))
    intake, result = item.get("intake"), item.get("result")
    if not isinstance(intake, dict):
        raise FieldError("intake", "must be an object (the answers)")
    if not isinstance(result, dict) or result.get("schema") != ASSESSMENT_SCHEMA:
        raise FieldError("result", f'must be an assessment result ("schema": "{ASSESSMENT_SCHEMA}")')
    if result.get("level") != checked["level"]:
        raise FieldError("result", "its level differs from the assessment's level")
    reasons = result.get("reasons", [])
    try:
        # The report and the FHIR export read each reason: a malformed one must not reach them.
        if not isinstance(reasons, list) or not isinstance(result.get("headline", ""), str):
            raise ValueError
        for reason in reasons:
            Reason.model_validate(reason)
    except ValueError:
        raise FieldError("result", "its headline or reasons are not an assessment's") from None
    return AssessmentRecord(checked["at"], checked["level"], intake, result)


def _experiment(item: dict[str, Any]) -> ExperimentRecord:
    """An experiment's plan; the washout must be shorter than a block."""
    checked = _fields(item, EXPERIMENT_RULES, extra=("schedule",))
    schedule = item.get("schedule")
    if not isinstance(schedule, list) or not 0 < len(schedule) <= MAX_BLOCKS or set(schedule) - {"A", "B"}:
        raise FieldError("schedule", f'must be a list of 1 to {MAX_BLOCKS} blocks, each "A" or "B"')
    if checked["washout_days"] >= checked["block_days"]:
        raise FieldError("washout_days", "must be shorter than block_days")
    stopped = checked["stopped_on"]
    if stopped is not None and stopped < checked["start_date"]:
        raise FieldError("stopped_on", "is before start_date")
    return ExperimentRecord(**checked, schedule=tuple(schedule))


def _read_settings(file: str, raw: object) -> dict[str, Any] | None:
    """The bundle's settings object, checked as the Settings page checks them."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InterchangeError(f"{file}, settings: must be an object")
    try:
        typed = {k: "" if v is None else str(v) for k, v in raw.items()}
        bad = [k for k, v in raw.items() if not isinstance(v, str | int | None) or isinstance(v, bool)]
        if bad:
            raise FieldError(bad[0], "must be text or a whole number")
        return preferences.check(typed)
    except FieldError as exc:
        raise InterchangeError(_json_errors(f"{file}, settings", exc)) from None


def _check_unique(bundle: Bundle) -> None:
    seen: dict[object, str] = {}
    for rec, where in zip(bundle.episodes, bundle.episode_lines, strict=True):
        key = rec.started_at.timestamp()
        if key in seen:
            raise InterchangeError(
                f"{where}: an episode at {rec.started_at.isoformat()} is already at {seen[key]}"
            )
        seen[key] = where
    for day, where in zip(bundle.days, bundle.day_lines, strict=True):
        if day.date in seen:
            raise InterchangeError(f"{where}: the day {day.date} is already at {seen[day.date]}")
        seen[day.date] = where


def read_any(path: Path) -> Bundle:
    """A CSV folder, a single episodes.csv/days.csv, or a .json bundle."""
    if not path.exists():
        raise InterchangeError(f"{path}: no such file or folder")
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() == ".json":
        return read_bundle(path)
    if path.name in (EPISODES_CSV, DAYS_CSV):
        return read_csvs(_opened([path]), file_budget())
    raise InterchangeError(f"{path.name}: give a folder, episodes.csv, days.csv or a .json bundle")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _known_fields(rec: EpisodeRecord | DayRecord, names: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(rec, name)
        if value is not None:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def episode_json(rec: EpisodeRecord) -> dict[str, Any]:
    """An episode as the bundle's JSON object (unknown fields left out)."""
    return {"started_at": rec.started_at.isoformat(), **_known_fields(rec, list(EPISODE_RULES)[1:])}


def day_json(rec: DayRecord) -> dict[str, Any]:
    """A day as the bundle's JSON object (unknown fields left out)."""
    out = {"date": rec.date.isoformat(), **_known_fields(rec, list(DAY_RULES)[1:])}
    if rec.factors:
        out["factors"] = dict(sorted(rec.factors.items()))
    return out


def _present(rec: object) -> dict[str, Any]:
    """A record's fields as JSON values, empty ones left out."""
    out: dict[str, Any] = {}
    for name, value in vars(rec).items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def extras_json(extras: Extras) -> dict[str, Any]:
    """The bundle's optional top-level keys: only those with something in them."""
    out: dict[str, Any] = {}
    if extras.settings is not None:
        out["settings"] = extras.settings
    for key in EXTRA_LISTS:
        items = getattr(extras, key)
        if items:
            out[key] = [_present(item) for item in items]
    return out


def write_bundle(
    path: Path, episodes: Iterable[EpisodeRecord], days: Iterable[DayRecord], extras: Extras | None = None
) -> None:
    """Write the JSON bundle (atomically: a crash leaves the old file or the new, never half)."""
    data = {
        "schema": SCHEMA,
        "days": [day_json(d) for d in days],
        "episodes": [episode_json(e) for e in episodes],
        **extras_json(extras or Extras()),
    }
    _atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def write_folder(folder: Path, episodes: Iterable[EpisodeRecord], days: Iterable[DayRecord]) -> None:
    """Write episodes.csv and days.csv into `folder` (each atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: also quotes a carriage return in a cell
    writer.writerow(EPISODE_RULES)
    for rec in episodes:
        row = episode_json(rec)
        writer.writerow(
            [
                rec.started_at.isoformat(),
                _cell(rec.duration_s),
                _cell(rec.intensity),
                _cell(rec.side),
                ";".join(rec.areas) if rec.areas is not None else "",
                rec.source,
                escape_cell(row.get("note", "")),
            ]
        )
    _atomic_write(folder / EPISODES_CSV, out.getvalue())
    day_list = list(days)
    custom = sorted({name for d in day_list for name in d.factors})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: also quotes a carriage return in a cell
    writer.writerow([*DAY_RULES, *custom])
    for d in day_list:
        cells = [d.date.isoformat()] + [_cell(getattr(d, n)) for n in list(DAY_RULES)[1:-1]]
        cells.append(escape_cell(";".join(d.tags)) if d.tags is not None else "")
        cells += [_cell(d.factors.get(name)) for name in custom]
        writer.writerow(cells)
    _atomic_write(folder / DAYS_CSV, out.getvalue())


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


@dataclass(frozen=True)
class Column:
    """One column (or bundle field) an import reads, in plain words."""

    name: str
    accepts: str
    required: bool = False


@dataclass(frozen=True)
class FileFormat:
    """A file an import reads: what it holds, its columns and a small example."""

    name: str
    holds: str
    columns: tuple[Column, ...]
    example: str


EXAMPLES = {
    EPISODES_CSV: (
        "started_at,intensity,side,areas,note\r\n2026-03-02T08:15:00+01:00,6,left,nose;cheek,after coffee\r\n"
    ),
    DAYS_CSV: (
        "date,sleep_hours,stress,caffeine_drinks,tags,pollen\r\n2026-03-02,6.5,7,4,cheese;long_drive,3\r\n"
    ),
}
"""A header and one row of each CSV file: what the import page and docs/import-formats.md show."""


def describe(rule: Rule) -> str:
    """What a column accepts, as the import page says it."""
    low, high = (
        f"{rule.low:g}" if rule.low is not None else "",
        f"{rule.high:g}" if rule.high is not None else "",
    )
    span = f" from {low} to {high}" if high else f", {low} or more" if low else ""
    words = {
        "instant": "a date and time with its UTC offset, like 2026-03-02T08:15:00+01:00 (or Z for UTC)",
        "date": "a date, YYYY-MM-DD",
        "number": f"a number{span}",
        "int": f"a whole number{span}",
        "flag": "0 (no) or 1 (yes)",
        "choice": f"one of: {', '.join(rule.options)}",
        "choices": f"one or more of {', '.join(rule.options)}, separated by ;",
        "text": f"any text, up to {high or MAX_TEXT} characters",
        "labels": "labels of your own separated by ;, like cheese;long_drive",
    }
    return words[rule.kind]


def _columns(rules: dict[str, Rule]) -> tuple[Column, ...]:
    return tuple(Column(name, describe(rule), rule.required) for name, rule in rules.items())


def formats() -> list[FileFormat]:
    """The two CSV files an import reads, column by column (the JSON bundle has the same fields)."""
    custom = Column("any other column", "a factor of your own, like pollen: a number, or 0/1")
    return [
        FileFormat(EPISODES_CSV, "one row per twitch", _columns(EPISODE_RULES), EXAMPLES[EPISODES_CSV]),
        FileFormat(
            DAYS_CSV,
            "one row per day you checked in (a day without twitches counts as zero)",
            (*_columns(DAY_RULES), custom),
            EXAMPLES[DAYS_CSV],
        ),
    ]


def bundle_formats() -> list[FileFormat]:
    """The JSON bundle's optional lists beside episodes and days, field by field."""
    return [
        FileFormat("medications", "medicines you take or took", _columns(MEDICINE_RULES), ""),
        FileFormat("notes", "notes you wrote", _columns(NOTE_RULES), ""),
        FileFormat(
            "experiments",
            "N-of-1 experiments you planned",
            (
                *_columns(EXPERIMENT_RULES),
                Column("schedule", 'the blocks in order, a list of "A" and "B"', True),
            ),
            "",
        ),
        FileFormat(
            "assessments",
            "assessments you ran",
            (
                *_columns(ASSESSMENT_RULES),
                Column("intake", "the answers, as an object", True),
                Column("result", f'the result as it was shown ("schema": "{ASSESSMENT_SCHEMA}")', True),
            ),
            "",
        ),
    ]
