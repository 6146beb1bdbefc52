"""Read and write the diary interchange formats: a CSV folder, or a JSON bundle.

Reading is all-or-nothing: the whole file is parsed and checked before anything is
stored, and the first problem is reported with its file, line and column.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nasalis.diary.csv_escape import escape_cell, unescape_cell
from nasalis.diary.records import (
    DAY_RULES,
    EPISODE_RULES,
    DayRecord,
    EpisodeRecord,
    FieldError,
    build_day,
    build_episode,
)

SCHEMA = "nasalis.diary/1"
EPISODES_CSV = "episodes.csv"
DAYS_CSV = "days.csv"
MAX_FILE_BYTES = 200 * 1024 * 1024
_TEXT_COLUMNS = frozenset({"note", "tags"})


class InterchangeError(ValueError):
    """A file that cannot be imported; the message names file, line and column."""


@dataclass
class Bundle:
    """The diary content of one import: episodes and days, each with its source line."""

    episodes: list[EpisodeRecord] = field(default_factory=list)
    days: list[DayRecord] = field(default_factory=list)
    episode_lines: list[str] = field(default_factory=list)
    day_lines: list[str] = field(default_factory=list)


def _where(file: str, line: int, column: str | None = None, number: int | None = None) -> str:
    col = f", column {number} ({column})" if column and number else (f", {column}" if column else "")
    return f"{file}, line {line}{col}"


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
                number = header.index(exc.field) + 1 if exc.field in header else None
                raise InterchangeError(
                    f"{_where(path.name, reader.line_num, exc.field, number)}: {exc.message}"
                ) from None
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
    """A JSON bundle {"schema": "nasalis.diary/1", "days": [...], "episodes": [...]}."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InterchangeError(f"{path.name}, line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InterchangeError(f'{path.name}, line 1: not a diary bundle ("schema": "{SCHEMA}" expected)')
    bundle = Bundle()
    for key in ("episodes", "days"):
        if not isinstance(data.get(key, []), list):
            raise InterchangeError(f"{path.name}: '{key}' must be a list")
        for number, (line, item) in enumerate(_array_items(text, key)):
            where = f"{path.name}, line {line}, {key}[{number}]"
            if not isinstance(item, dict):
                raise InterchangeError(f"{where}: each entry must be an object")
            try:
                if key == "episodes":
                    bundle.episodes.append(build_episode(item, text=False))
                    bundle.episode_lines.append(where)
                else:
                    factors = item.get("factors") or {}
                    if not isinstance(factors, dict):
                        raise FieldError("factors", "must be an object of name: number")
                    values = {k: v for k, v in item.items() if k != "factors"}
                    bundle.days.append(build_day(values, text=False, factors=factors))
                    bundle.day_lines.append(where)
            except FieldError as exc:
                raise InterchangeError(f"{where}, field '{exc.field}': {exc.message}") from None
    _check_unique(bundle)
    return bundle


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


def write_bundle(path: Path, episodes: Iterable[EpisodeRecord], days: Iterable[DayRecord]) -> None:
    """Write the JSON bundle (atomically: a crash leaves the old file or the new, never half)."""
    data = {
        "schema": SCHEMA,
        "days": [day_json(d) for d in days],
        "episodes": [episode_json(e) for e in episodes],
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
