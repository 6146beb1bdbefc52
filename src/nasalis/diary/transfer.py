"""Import from uploaded bytes and export to bytes for the web; the whole diary as one bundle."""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import clinician_scores, entries, local_dates, preferences
from nasalis.diary.bundle import (
    CSV_FILES,
    DAYS_CSV,
    EPISODES_CSV,
    AssessmentRecord,
    Bundle,
    ExperimentRecord,
    Extras,
    InterchangeError,
    MedicineRecord,
    NoteRecord,
)
from nasalis.diary.clinician_scores import ScoreRecord
from nasalis.diary.csv_files import Opener, read_csvs, write_folder
from nasalis.diary.json_reader import decode_json, read_bundle_text
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.models import Assessment, Experiment, Medication, Note, Preferences
from nasalis.diary.read_limits import MAX_FILE_BYTES, READ_ERRORS, Budget, file_budget
from nasalis.diary.treatments import list_treatments

UNZIP_RATIO = 10
"""A zip's CSV files may unzip to at most this many times the upload (a diary's own export: 5)."""
MAX_DIRECTORY = 64_000
"""The most bytes of a zip's table of contents: a diary's zip lists 2 files, not 200,000."""
READABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
"""The compression methods an import unzips (Python's own)."""
METHOD_NAMES = {6: "Implode", 9: "Deflate64", 98: "PPMd", 99: "AES encryption"}
"""Methods other zip programs use that Python cannot unzip, by the name a person may recognise."""


def read_upload(filename: str, data: bytes) -> Bundle:
    """A bundle from an uploaded .json, episodes.csv, days.csv, or a .zip holding the CSVs.

    Nothing is written to disk: the bytes are read as they are, and the CSV files inside a
    zip are unzipped a block at a time, row by row, within a budget in proportion to the
    upload. Only the base name of the upload is used; zip members other than the two CSVs
    are ignored, never extracted.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    lowered = name.lower()
    if lowered.endswith(".zip"):
        return _read_zip(name, data)
    if lowered.endswith(".json"):
        return read_bundle_text(name, decode_json(name, data))
    if name in CSV_FILES:
        return read_csvs([(name, lambda: io.BytesIO(data))], file_budget())
    raise InterchangeError(f"{name}: give a .json bundle, {EPISODES_CSV}, {DAYS_CSV} or a .zip of them")


def _size(count: int) -> str:
    """A byte count in words: 121 kB, 1.2 MB."""
    return f"{count / 1_000_000:.1f} MB" if count >= 1_000_000 else f"{max(1, round(count / 1000))} kB"


def _read_zip(name: str, data: bytes) -> Bundle:
    if _directory_size(data) > MAX_DIRECTORY:
        raise InterchangeError(
            f"{name}: lists too many files (a diary's zip holds {EPISODES_CSV} and {DAYS_CSV})"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (struct.error, *READ_ERRORS):
        raise InterchangeError(f"{name}: not a zip file, or a damaged one") from None
    wanted = _members(name, archive)
    limit = min(UNZIP_RATIO * len(data), MAX_FILE_BYTES)
    said = (
        f"an import unzips at most {_size(limit)}: {UNZIP_RATIO} times the {_size(len(data))} upload,"
        f" and never more than {_size(MAX_FILE_BYTES)}"
    )
    declared = sum(info.file_size for info in wanted)
    if declared > limit:
        raise InterchangeError(f"{name}: the CSV files inside hold {_size(declared)} unzipped; {said}")
    return read_csvs(_opened(name, archive, wanted), Budget(limit, said))


def _members(name: str, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's episodes.csv and days.csv, each once, readable; InterchangeError says why not."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        base = PurePosixPath(info.filename).name
        if info.is_dir() or base not in CSV_FILES:
            continue
        if base in found:
            raise InterchangeError(f"{name}: holds {base} twice ({found[base].filename} and {info.filename})")
        if info.flag_bits & 0x1:
            raise InterchangeError(f"{name}: {base} inside is encrypted; zip it again without a password")
        if info.compress_type not in READABLE:
            method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise InterchangeError(
                f"{name}: {base} inside is compressed with {method}, which an import cannot unzip;"
                " zip it again with ordinary (deflate) compression"
            )
        found[base] = info
    if not found:
        raise InterchangeError(f"{name}: no {EPISODES_CSV} or {DAYS_CSV} inside")
    return [found[n] for n in CSV_FILES if n in found]


def _opened(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> list[tuple[str, Opener]]:
    """How to open each member for reading; a member that cannot be opened is named."""

    @contextmanager
    def opener(info: zipfile.ZipInfo) -> Iterator[IO[bytes]]:
        base = PurePosixPath(info.filename).name
        try:
            stream = archive.open(info)
        except (RuntimeError, NotImplementedError, struct.error, *READ_ERRORS) as exc:
            raise InterchangeError(f"{name}: {base} inside is damaged and cannot be read ({exc})") from None
        with stream:
            yield stream

    return [(PurePosixPath(i.filename).name, functools.partial(opener, i)) for i in members]


def _directory_size(data: bytes) -> int:
    """The size of a zip's table of contents, as its end records declare it (0 when none is found).

    Read before the zip is opened: opening reads the whole table into objects, and a 17 MB
    upload can list 200,000 empty files.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    record = end - 20 - 56  # a zip64 end record sits before its locator, which sits before this one
    if end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07" and record >= 0:
        size = max(size, int.from_bytes(data[record + 40 : record + 48], "little"))
    return size


def diary_of(session: Session, person_id: int) -> Bundle:
    """Everything a person's diary holds that the JSON bundle carries, oldest first."""
    episodes = [entries.episode_record(e) for e in local_dates.episodes_on(session, person_id)]
    days = [entries.day_record(d) for d in entries.days_between(session, person_id)]
    return Bundle(episodes, days, extras=_extras_of(session, person_id))


def _extras_of(session: Session, person_id: int) -> Extras:
    mine = {"person_id": person_id}
    saved = session.get(Preferences, person_id)
    return Extras(
        medications=[
            MedicineRecord(m.name, m.dose, m.started_on, m.stopped_on)
            for m in session.scalars(select(Medication).filter_by(**mine).order_by(Medication.id))
        ],
        notes=[
            NoteRecord(_aware(n.written_at), n.text)
            for n in session.scalars(select(Note).filter_by(**mine).order_by(Note.id))
        ],
        assessments=[
            AssessmentRecord(_aware(a.at), a.level, a.intake, a.result)
            for a in session.scalars(select(Assessment).filter_by(**mine).order_by(Assessment.id))
        ],
        experiments=[
            ExperimentRecord(
                e.title, e.start_date, e.block_days, e.washout_days, tuple(e.schedule), e.stopped_on
            )
            for e in session.scalars(select(Experiment).filter_by(**mine).order_by(Experiment.id))
        ],
        treatments=[t.record for t in list_treatments(session, person_id)],
        clinician_scores=[
            ScoreRecord(x.scale, x.value_text, x.rated_on, x.rated_by, x.source, x.note)
            for x in clinician_scores.scores_of(session, person_id)
        ],
        settings=preferences.get(session, person_id) if saved is not None else None,
    )


def _aware(stored: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) instant with its offset, as the bundle writes instants."""
    return stored.replace(tzinfo=dt.UTC)


def export_bytes(session: Session, person_id: int, kind: str) -> bytes:
    """The whole diary: a JSON bundle (with the extras), or a zip of the two CSV files."""
    diary = diary_of(session, person_id)
    with tempfile.TemporaryDirectory(prefix="nasalis-export-") as tmp:
        folder = Path(tmp)
        if kind == "json":
            write_bundle(folder / "diary.json", diary.episodes, diary.days, diary.extras)
            return (folder / "diary.json").read_bytes()
        write_folder(folder, diary.episodes, diary.days, diary.extras.treatments)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in CSV_FILES:
                if (folder / member).is_file():  # treatments.csv only when there are some
                    archive.write(folder / member, member)
        return out.getvalue()
