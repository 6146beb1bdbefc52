"""Import benchmark: reading and checking an uploaded diary, per 10,000 rows, beside a bare parse.

Run: .venv/bin/python -m bench.import_bench
Five years of a heavy diary (20,000 episodes, 1,825 days) as an episodes.csv upload, a zip of
both CSV files and a JSON bundle; each is read by `read_upload` (what the web import runs
before it touches the store) and, as the baseline in the same run, by the standard library
alone (csv.reader over the same bytes, zipfile plus csv.reader, json.loads), which checks
nothing. The figures are the median of three passes. Then the probe's attack files (issue 17):
how long each takes to be read or refused.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench.support.builders import generated_diary
from bench.support.hostile_imports import episodes_strings_json, zip_bomb
from nasalis.diary.bundle import DAYS_CSV, EPISODES_CSV, InterchangeError
from nasalis.diary.csv_files import write_folder
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.transfer import read_upload

DAYS, EPISODES = 1825, 20_000


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _zip_rows(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(len(_csv_rows(archive.read(name))) for name in (EPISODES_CSV, DAYS_CSV))


def _files() -> dict[str, bytes]:
    diary = generated_diary(DAYS, EPISODES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_folder(folder, diary.episodes, diary.days)
        write_bundle(folder / "diary.json", diary.episodes, diary.days)
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in (EPISODES_CSV, DAYS_CSV):
                archive.write(folder / name, name)
        return {
            EPISODES_CSV: (folder / EPISODES_CSV).read_bytes(),
            "diary.zip": zipped.getvalue(),
            "diary.json": (folder / "diary.json").read_bytes(),
        }


def _refused_in(name: str, data: bytes) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        read_upload(name, data)
        outcome = "read"
    except InterchangeError:
        outcome = "refused"
    return time.perf_counter() - start, outcome


def main() -> int:
    """Print the per-10k-row times and the attack files' times."""
    files = _files()
    baselines: dict[str, Callable[[bytes], object]] = {
        EPISODES_CSV: _csv_rows,
        "diary.zip": _zip_rows,
        "diary.json": json.loads,
    }
    print(f"{EPISODES:,} episodes and {DAYS:,} days; seconds per 10,000 rows (median of 3)")
    print(f"  {'file':<14}{'size':>10}{'nasalis':>10}{'baseline':>10}{'ratio':>8}  baseline")
    for name, data in files.items():
        rows = EPISODES if name == EPISODES_CSV else EPISODES + DAYS
        ours = _median(lambda data=data, name=name: read_upload(name, data)) / rows * 10_000
        bare = _median(lambda data=data, name=name: baselines[name](data)) / rows * 10_000
        what = {"diary.json": "json.loads"}.get(
            name, "csv.reader" if name.endswith("csv") else "zipfile + csv"
        )
        print(f"  {name:<14}{len(data) / 1e6:>8.2f}MB{ours:>10.3f}{bare:>10.3f}{ours / bare:>7.1f}x  {what}")
    print("attack files (issue 17): time to be read or refused")
    for name, data in (("diary.json", episodes_strings_json()), ("bomb.zip", zip_bomb())):
        took, outcome = _refused_in(name, data)
        print(f"  {name:<14}{len(data) / 1e6:>8.2f}MB{took:>10.3f} s  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
