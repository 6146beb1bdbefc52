"""Import from uploaded bytes and export to bytes for the web; the whole diary as one bundle."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import entries, preferences
from nasalis.diary.interchange import (
    DAYS_CSV,
    EPISODES_CSV,
    AssessmentRecord,
    Bundle,
    ExperimentRecord,
    Extras,
    InterchangeError,
    MedicineRecord,
    NoteRecord,
    read_any,
    write_bundle,
    write_folder,
)
from nasalis.diary.models import Assessment, Experiment, Medication, Note, Preferences

MAX_UNZIPPED = 200_000_000


def read_upload(filename: str, data: bytes) -> Bundle:
    """A bundle from an uploaded .json, episodes.csv, days.csv, or a .zip holding the CSVs.

    Only the base name of the upload is used, so a name like ../../x cannot reach outside
    the temporary folder; zip members other than the two CSVs are ignored, never extracted.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    with tempfile.TemporaryDirectory(prefix="nasalis-import-") as tmp:
        try:
            return _read_in(Path(tmp), name, data)
        except InterchangeError as exc:
            # Name the uploaded file, not the temporary folder it was read from.
            raise InterchangeError(str(exc).replace(f"{tmp}/", "").replace(tmp, name)) from None


def _read_in(folder: Path, name: str, data: bytes) -> Bundle:
    if name.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise InterchangeError(f"{name}: not a zip file") from None
        members = {PurePosixPath(i.filename).name: i for i in archive.infolist() if not i.is_dir()}
        wanted = [members[n] for n in (EPISODES_CSV, DAYS_CSV) if n in members]
        if sum(i.file_size for i in wanted) > MAX_UNZIPPED:
            raise InterchangeError(f"{name}: the CSV files inside are too large")
        for info in wanted:
            (folder / PurePosixPath(info.filename).name).write_bytes(archive.read(info))
        if not wanted:
            raise InterchangeError(f"{name}: no {EPISODES_CSV} or {DAYS_CSV} inside")
        return read_any(folder)
    path = folder / name
    path.write_bytes(data)
    return read_any(path)


def diary_of(session: Session, person_id: int) -> Bundle:
    """Everything a person's diary holds that the JSON bundle carries, oldest first."""
    episodes = [entries.episode_record(e) for e in entries.episodes_between(session, person_id)]
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
        write_folder(folder, diary.episodes, diary.days)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in (EPISODES_CSV, DAYS_CSV):
                archive.write(folder / member, member)
        return out.getvalue()
