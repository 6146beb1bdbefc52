"""Read any diary interchange format from disk: a CSV folder, one CSV file, or a JSON bundle.

Reading is all-or-nothing: the whole file is parsed and checked before anything is
stored, and the first bad row is reported with its file, line and every bad column.
The formats themselves live beside this module: nasalis.diary.bundle (what an import
holds), nasalis.diary.csv_files, nasalis.diary.json_reader and nasalis.diary.json_writer.
"""

from __future__ import annotations

from pathlib import Path

from nasalis.diary.bundle import CSV_FILES, Bundle, InterchangeError
from nasalis.diary.csv_files import opened, read_csvs, read_folder
from nasalis.diary.json_reader import read_bundle
from nasalis.diary.read_limits import file_budget


def read_any(path: Path) -> Bundle:
    """A CSV folder, a single episodes.csv/days.csv, or a .json bundle."""
    if not path.exists():
        raise InterchangeError(f"{path}: no such file or folder")
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() == ".json":
        return read_bundle(path)
    if path.name in CSV_FILES:
        return read_csvs(opened([path]), file_budget())
    raise InterchangeError(f"{path.name}: give a folder, episodes.csv, days.csv or a .json bundle")
