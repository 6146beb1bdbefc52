"""Import from uploaded bytes and export to bytes, for the web (the CLI works on paths)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from sqlalchemy.orm import Session

from nasalis.diary import entries
from nasalis.diary.interchange import (
    DAYS_CSV,
    EPISODES_CSV,
    Bundle,
    InterchangeError,
    read_any,
    write_bundle,
    write_folder,
)

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


def export_bytes(session: Session, person_id: int, kind: str) -> tuple[str, bytes]:
    """The whole diary as (filename, content): a JSON bundle, or a zip of the two CSV files."""
    eps = [entries.episode_record(e) for e in entries.episodes_between(session, person_id)]
    days = [entries.day_record(d) for d in entries.days_between(session, person_id)]
    with tempfile.TemporaryDirectory(prefix="nasalis-export-") as tmp:
        folder = Path(tmp)
        if kind == "json":
            write_bundle(folder / "diary.json", eps, days)
            return "nasalis-diary.json", (folder / "diary.json").read_bytes()
        write_folder(folder, eps, days)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in (EPISODES_CSV, DAYS_CSV):
                archive.write(folder / member, member)
        return "nasalis-diary-csv.zip", out.getvalue()
