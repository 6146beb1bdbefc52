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
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
MAX_FILE_BYTES = 200 * 1024 * 1024
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


def _read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InterchangeError(f"{path.name}: larger than {MAX_FILE_BYTES // 2**20} MiB")
    raw = path.read_bytes()
    try:
        # Decode the bytes ourselves: read_text would turn a "\r" inside a quoted cell into "\n".
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InterchangeError(f"{path.name}, line {line}: not UTF-8 text") from None


def _read_csv(
    path: Path, build: Callable[[dict[str, str]], Any], required: str
) -> tuple[list[Any], list[str]]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InterchangeError(f"{path.name}, line 1: the file is empty (a header row is needed)") from None
    except csv.Error as exc:
        raise InterchangeError(f"{path.name}, line 1: {exc}") from None
    if required not in header:
        raise InterchangeError(f"{path.name}, line 1: the header has no '{required}' column")
    duplicates = {h for h in header if header.count(h) > 1}
    if duplicates:
        raise InterchangeError(f"{path.name}, line 1: column '{sorted(duplicates)[0]}' appears twice")
    records: list[Any] = []
    lines: list[str] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise InterchangeError(
                    f"{path.name}, line {reader.line_num}: {len(cells)} cells, the header has {len(header)}"
                )
            row = {
                h: (unescape_cell(c) if h in _TEXT_COLUMNS else c) for h, c in zip(header, cells, strict=True)
            }
            try:
                records.append(build(row))
            except FieldError as exc:
                raise InterchangeError(_csv_errors(path.name, reader.line_num, header, exc)) from None
            lines.append(_where(path.name, reader.line_num))
    except csv.Error as exc:
        raise InterchangeError(f"{path.name}, line {reader.line_num}: {exc}") from None
    return records, lines


def _read_one(path: Path, bundle: Bundle) -> None:
    """Read episodes.csv or days.csv into `bundle`."""
    if path.name == EPISODES_CSV:
        bundle.episodes, bundle.episode_lines = _read_csv(
            path, lambda r: build_episode(r, text=True), "started_at"
        )
    else:
        bundle.days, bundle.day_lines = _read_csv(path, lambda r: build_day(r, text=True), "date")


def read_folder(folder: Path) -> Bundle:
    """A folder with episodes.csv and/or days.csv."""
    bundle = Bundle()
    present = [folder / name for name in (EPISODES_CSV, DAYS_CSV) if (folder / name).is_file()]
    if not present:
        raise InterchangeError(f"{folder}: no {EPISODES_CSV} or {DAYS_CSV} in this folder")
    for path in present:
        _read_one(path, bundle)
    _check_unique(bundle)
    return bundle


def _array_items(text: str, key: str) -> list[tuple[int, Any]]:
    """(line, item) for each item of the top-level array `key` — JSON with line numbers."""
    decoder = json.JSONDecoder()
    index = text.find(json.dumps(key))
    while index != -1:
        colon = text.find(":", index + len(key) + 2)
        start = colon + 1
        while start < len(text) and text[start].isspace():
            start += 1
        if start < len(text) and text[start] == "[":
            break
        index = text.find(json.dumps(key), index + 1)
    else:
        return []
    items: list[tuple[int, Any]] = []
    pos = start + 1
    line, counted = text.count("\n", 0, pos) + 1, pos
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return items
        item, end = decoder.raw_decode(text, pos)
        line += text.count("\n", counted, pos)  # count only what is new: linear, not quadratic
        counted = pos
        items.append((line, item))
        pos = end


def read_bundle(path: Path) -> Bundle:
    """A JSON bundle {"schema": "nasalis.diary/1", "days": [...], "episodes": [...], ...extras}."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            f"{path.name}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InterchangeError(f'{path.name}, line 1: not a diary bundle ("schema": "{SCHEMA}" expected)')
    bundle = Bundle()
    for key in ("episodes", "days", *EXTRA_LISTS):
        if not isinstance(data.get(key, []), list):
            raise InterchangeError(f"{path.name}: '{key}' must be a list")
        for where, item in _located(path.name, text, key, data.get(key, [])):
            if not isinstance(item, dict):
                raise InterchangeError(f"{where}: each entry must be an object")
            try:
                _read_item(bundle, key, item)
            except FieldError as exc:
                raise InterchangeError(_json_errors(where, exc)) from None
            if key in LINES:
                getattr(bundle, LINES[key]).append(where)
    bundle.extras.settings = _read_settings(path.name, data.get("settings"))
    _check_unique(bundle)
    return bundle


def _located(file: str, text: str, key: str, items: list[Any]) -> list[tuple[str, Any]]:
    """Each item of the top-level list `key` with where it is: file, line and position."""
    found = _array_items(text, key)
    # The text search finds the first list under this key; if that was a nested one, lines are unknown.
    lines = [line for line, _ in found] if [item for _, item in found] == items else []
    return [
        (f"{file}, line {lines[n]}, {key}[{n}]" if lines else f"{file}, {key}[{n}]", item)
        for n, item in enumerate(items)
    ]


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
        bundle = Bundle()
        _read_one(path, bundle)
        _check_unique(bundle)
        return bundle
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
