"""Importers under random and malformed input: a named InterchangeError or a clean import,
never a crash; and whatever got in comes out of a CSV export with formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
import string
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nasalis.diary import entries, local_dates
from nasalis.diary.bundle import EPISODES_CSV, Bundle, InterchangeError
from nasalis.diary.csv_files import write_folder
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import read_any
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import open_store

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER = ["started_at", "duration_s", "intensity", "side", "areas", "note", "source"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "'=already"]

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(FORMULAS),
    st.sampled_from(["", "2026-05-01T08:00:00+02:00", "2026-13-40T99:00", "nan", "inf", "-1", "1e308"]),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=string.printable, min_size=5000, max_size=70_000),  # huge fields
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def _read(name: str, content: bytes) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return read_any(path)
        except InterchangeError as exc:
            refused = exc
    assert str(refused).startswith(name), f"the error must name the file: {refused}"
    return refused


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_as_csv_are_refused_by_name_or_read(content: bytes) -> None:
    _read(EPISODES_CSV, content)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_as_json_are_refused_by_name_or_read(content: bytes) -> None:
    _read("diary.json", content)


@FUZZ
@given(json_values, st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_wrong_types_and_encodings_in_a_json_bundle(value: Any, encoding: str) -> None:
    document = {"format": "nasalis.diary/1", "episodes": [value], "days": value}
    _read("diary.json", json.dumps(document, ensure_ascii=False).encode(encoding, errors="replace"))


def _csv(header: list[str], rows: Any) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode()


def _through_store(bundle: Bundle) -> tuple[list[EpisodeRecord], str]:
    """Import into a fresh SQLite diary; what it stored, and its CSV export as written."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/d.db")
        try:
            import_bundle(store, store.person_id(), bundle)
            with store.read() as session:
                stored = [
                    entries.episode_record(e) for e in local_dates.episodes_on(session, store.person_id())
                ]
        finally:
            store.close()
        write_folder(Path(folder) / "out", stored, [])
        # Bytes decoded by hand: read_text would turn a "\r" inside a quoted cell into "\n".
        return stored, (Path(folder) / "out" / EPISODES_CSV).read_bytes().decode("utf-8")


@FUZZ
@given(st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=4))
def test_malformed_rows_name_their_line_and_whatever_is_read_exports_neutralised(
    rows: list[list[str]],
) -> None:
    got = _read(EPISODES_CSV, _csv(HEADER, rows))
    if isinstance(got, InterchangeError):
        assert ", line " in str(got)
        return
    _, exported = _through_store(got)
    for row in csv.reader(io.StringIO(exported, newline="")):
        for cell in row:
            # A spreadsheet would run any cell starting with one of these; export must prefix "'".
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            if cell.startswith("-"):
                float(cell)  # only a number may start with a minus sign


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(FORMULAS), st.text(max_size=200)), min_size=1, max_size=5))
def test_formulas_in_notes_go_in_as_typed_and_come_out_neutralised(notes: list[str]) -> None:
    rows = ([f"2026-05-01T08:{i:02d}:00+02:00", note] for i, note in enumerate(notes))
    got = _read(EPISODES_CSV, _csv(["started_at", "note"], rows))
    if isinstance(got, InterchangeError):  # e.g. a note of control characters is refused, by line
        assert ", line " in str(got)
        return
    stored, raw = _through_store(got)
    exported = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [rec.note for rec in stored] == [rec.note for rec in got.episodes]  # stored exactly as typed
    for row in exported:
        note = row["note"]
        assert not note.startswith(("=", "+", "-", "@", "\t", "\r")), note
