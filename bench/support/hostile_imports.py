"""Import files the security probe built (issue 17): refused quickly by the import limits.

The import tests check each is refused by name and nothing is stored; bench/import_bench.py
times how quickly.
"""

from __future__ import annotations

import io
import zipfile

from nasalis.diary.bundle import SCHEMA


def episodes_strings_json(count: int = 400_000) -> bytes:
    """The probe's 4.4 MB bundle: many "episodes" strings, each sending the old item finder
    on a scan to the far end of the list (49 s on one worker)."""
    strings = ",".join(['"episodes"'] * count)
    return f'{{"schema": "{SCHEMA}", "x": [{strings}], "y": 1, "episodes": []}}'.encode()


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding `members`, compressed with `method`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def zip_bomb(rows: int = 856_000) -> bytes:
    """The probe's zip: a few tens of kB that unzip to an episodes.csv of `rows` rows."""
    return zip_of({"episodes.csv": b"started_at\n" + b"2026-01-01T00:00:00Z\n" * rows})
