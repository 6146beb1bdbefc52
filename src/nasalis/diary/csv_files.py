"""Read and write the CSV folder: episodes.csv and days.csv, row by row, all-or-nothing."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

from nasalis.diary.atomic_file import write_atomically
from nasalis.diary.bundle import (
    CSV_FILES,
    DAYS_CSV,
    EPISODES_CSV,
    TREATMENTS_CSV,
    Bundle,
    InterchangeError,
    check_unique,
)
from nasalis.diary.csv_escape import escape_cell, unescape_cell
from nasalis.diary.json_writer import episode_json
from nasalis.diary.read_limits import MAX_COLUMNS, MAX_LINE, READ_ERRORS, Budget, file_budget
from nasalis.diary.records import (
    DAY_MARKS,
    DAY_RULES,
    EPISODE_RULES,
    DayRecord,
    EpisodeRecord,
    FieldError,
    build_day,
    build_episode,
)
from nasalis.diary.treatment_records import TREATMENT_RULES, TreatmentRecord, build_treatment, treatment_json

_TEXT_COLUMNS = frozenset({"note", "tags", "product", "sites"})


def _where(file: str, line: int) -> str:
    return f"{file}, line {line}"


def _csv_errors(file: str, line: int, header: list[str], exc: FieldError) -> str:
    """Every bad column of one row, after its file and line."""
    columns = [
        (f"column {header.index(name) + 1} ({name})" if name in header else name, message)
        for name, message in exc.errors.items()
    ]
    return f"{file}, line {line}, " + "; ".join(f"{column}: {message}" for column, message in columns)


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
    """Read episodes.csv, days.csv or treatments.csv (named `name`) from `stream` into `bundle`."""
    if name == TREATMENTS_CSV:
        bundle.extras.treatments = _read_csv(
            name, stream, budget, lambda r: build_treatment(r, text=True), "date"
        )[0]
    elif name == EPISODES_CSV:
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
    check_unique(bundle)
    return bundle


def _open_binary(path: Path) -> IO[bytes]:
    return open(path, "rb")


def opened(paths: Iterable[Path]) -> list[tuple[str, Opener]]:
    return [(path.name, functools.partial(_open_binary, path)) for path in paths]


def read_folder(folder: Path) -> Bundle:
    """A folder with episodes.csv and/or days.csv (and treatments.csv, if any)."""
    present = [folder / name for name in CSV_FILES if (folder / name).is_file()]
    if not present:
        raise InterchangeError(f"{folder}: no {EPISODES_CSV} or {DAYS_CSV} in this folder")
    return read_csvs(opened(present), file_budget())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return str(value)


def write_folder(
    folder: Path,
    episodes: Iterable[EpisodeRecord],
    days: Iterable[DayRecord],
    treatments: Iterable[TreatmentRecord] = (),
) -> None:
    """Write episodes.csv and days.csv into `folder` (each atomically), and treatments.csv if any."""
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
    write_atomically(folder / EPISODES_CSV, out.getvalue())
    day_list = list(days)
    custom = sorted({name for d in day_list for name in d.factors})
    # Only when some day has one: an older reader takes an unknown column for a custom factor.
    marks = [name for name in DAY_MARKS if any(getattr(d, name) is not None for d in day_list)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: also quotes a carriage return in a cell
    writer.writerow([*DAY_RULES, *marks, *custom])
    for d in day_list:
        cells = [d.date.isoformat()] + [_cell(getattr(d, n)) for n in list(DAY_RULES)[1:-1]]
        cells.append(escape_cell(";".join(d.tags)) if d.tags is not None else "")
        cells += [_cell(getattr(d, name)) for name in marks]
        cells += [_cell(d.factors.get(name)) for name in custom]
        writer.writerow(cells)
    write_atomically(folder / DAYS_CSV, out.getvalue())
    _write_treatments(folder, list(treatments))


def _write_treatments(folder: Path, treatments: list[TreatmentRecord]) -> None:
    """treatments.csv, only when there are treatments (an older reader never sees the file)."""
    if not treatments:
        return
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TREATMENT_RULES)
    for rec in treatments:
        row = treatment_json(rec)
        writer.writerow(
            [
                row["date"],
                row["kind"],
                escape_cell(rec.product or ""),
                _cell(rec.units),
                escape_cell(";".join(rec.sites)) if rec.sites is not None else "",
                _cell(rec.side),
                escape_cell(rec.note or ""),
            ]
        )
    write_atomically(folder / TREATMENTS_CSV, out.getvalue())
