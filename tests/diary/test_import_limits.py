"""Import limits: a hostile file is refused quickly, by name, and nothing is stored.

Each attack the security probe found (issue 17, items 2 and 8) is rebuilt here as a file:
a JSON bundle full of "episodes" strings (quadratic before), keys given twice (what was
checked differed from what was imported), numbers of hundreds of digits, nesting 100,000
deep, and zips that unzip to far more than they weigh or cannot be unzipped at all.
The builders are shared with tests/web/test_attack_import.py, which sends them to a real server;
the three that bench/import_bench.py times too are in bench/support/hostile_imports.py.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.support.builders import generated_diary
from bench.support.hostile_imports import episodes_strings_json, zip_bomb, zip_of

from nasalis.diary.bundle import SCHEMA, InterchangeError
from nasalis.diary.csv_files import write_folder
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import read_any
from nasalis.diary.read_limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_ROWS
from nasalis.diary.store import Store, open_store
from nasalis.diary.transfer import UNZIP_RATIO, diary_of, read_upload

HEADER = {"schema": SCHEMA}


def patched_zip(data: bytes, central: dict[int, bytes], local: dict[int, bytes] | None = None) -> bytes:
    """`data` with bytes replaced at offsets of the first member's central (and local) header."""
    out = bytearray(data)
    for signature, changes in ((b"PK\x01\x02", central), (b"PK\x03\x04", local or {})):
        at = out.find(signature)
        for offset, value in changes.items():
            out[at + offset : at + offset + len(value)] = value
    return bytes(out)


ONE_DAY = b"date,stress\r\n2026-03-02,4\r\n"


def encrypted_zip() -> bytes:
    """A zip whose days.csv is marked encrypted (general purpose flag bit 0)."""
    return patched_zip(zip_of({"days.csv": ONE_DAY}), {8: b"\x01\x00"}, {6: b"\x01\x00"})


def deflate64_zip() -> bytes:
    """A zip whose days.csv says it uses Deflate64 (method 9: Windows makes these)."""
    return patched_zip(zip_of({"days.csv": ONE_DAY}), {10: b"\x09\x00"}, {8: b"\x09\x00"})


def damaged_zip() -> bytes:
    """A zip whose compressed days.csv has been overwritten with noise."""
    data = bytearray(zip_of({"days.csv": ONE_DAY * 50}))
    start = data.find(b"PK\x03\x04") + 30 + len("days.csv")
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


def lying_zip() -> bytes:
    """A bomb whose headers say its episodes.csv is 1 kB (it is 17 MB)."""
    small = struct.pack("<I", 1000)
    return patched_zip(zip_bomb(), {24: small}, {22: small})


def crowded_zip() -> bytes:
    """A zip listing 2,000 empty files (200,000 in 17 MB take 2 s and 120 MB to open)."""
    return zip_of({f"{n:06}.txt": b"" for n in range(2_000)}, zipfile.ZIP_STORED)


ZIPS = [
    ("bomb.zip", zip_bomb, f"{UNZIP_RATIO} times the"),
    ("lying.zip", lying_zip, "episodes.csv: the file is damaged"),
    ("encrypted.zip", encrypted_zip, "days.csv inside is encrypted"),
    ("deflate64.zip", deflate64_zip, "days.csv inside is compressed with Deflate64"),
    ("damaged.zip", damaged_zip, "days.csv: the file is damaged"),
    ("crowded.zip", crowded_zip, "lists too many files"),
    ("twice.zip", lambda: zip_of({"a/days.csv": ONE_DAY, "b/days.csv": ONE_DAY}), "holds days.csv twice"),
    ("empty.zip", lambda: b"PK\x05\x06" + b"\0" * 18, "no episodes.csv or days.csv inside"),
    ("text.zip", lambda: b"not a zip at all", "not a zip file"),
]
"""(upload name, builder, what the refusal says) for each zip an import must refuse."""


def bundle(**lists: object) -> bytes:
    """A bundle's bytes with the given top-level keys."""
    return json.dumps({**HEADER, **lists}).encode()


EPISODE = {"started_at": "2026-01-01T08:00:00Z"}
JSON_ATTACKS = [
    # An int of hundreds of digits: OverflowError in float(), then a 500.
    (b'{"schema": "%s", "episodes": [{"started_at": "2026-01-01T08:00:00Z", "intensity": 1%s}]}',
     "400", "episodes[0], field 'intensity': is a number of 401 characters"),
    # Past 4,300 digits json.loads itself raised ValueError (not a JSONDecodeError): a 500.
    (b'{"schema": "%s", "days": [{"date": "2026-01-01", "factors": {"pollen": 1%s}}]}',
     "5000", "days[0], field 'factors': ['pollen'] is a number of 5001 characters"),
    (b'{"schema": "%s", "episodes": [{"started_at": "2026-01-01T08:00:00Z", "duration_s": 1e999%s}]}',
     "0", "episodes[0], field 'duration_s': must be a finite number (got 1e999)"),
    (b'{"schema": "%s", "episodes": [{"started_at": "2026-01-01T08:00:00Z", "duration_s": NaN%s}]}',
     "0", "episodes[0], field 'duration_s': must be a finite number (got NaN)"),
]  # fmt: skip
"""(template, digits after the 1, what the refusal says): numbers no field can hold."""


def number_attack(template: bytes, digits: str) -> bytes:
    """A bundle from a JSON_ATTACKS template."""
    return template % (SCHEMA.encode(), b"1" * int(digits))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


def _refused_and_nothing_stored(store: Store, name: str, data: bytes) -> str:
    """Import `data` as `name`: the refusal's message, after checking nothing was stored."""
    with pytest.raises(InterchangeError) as info:
        import_bundle(store, store.person_id(), read_upload(name, data))
    with store.read() as s:
        diary = diary_of(s, store.person_id())
    assert (diary.episodes, diary.days) == ([], [])
    return str(info.value)


def test_a_bundle_full_of_episodes_strings_is_read_in_linear_time() -> None:
    data = episodes_strings_json()
    assert len(data) > 4_000_000
    start = time.perf_counter()
    got = read_upload("diary.json", data)
    took = time.perf_counter() - start
    assert got.episodes == []
    assert took < 2, f"{took:.1f} s for 4.4 MB (the quadratic finder took ~30 s)"


def test_episodes_given_twice_at_the_top_is_refused_naming_the_key(store: Store) -> None:
    # json.loads kept the second list, the checker's text search found the first: a good first
    # list could carry a bad second one past the checks.
    text = (
        f'{{"schema": "{SCHEMA}",\n "episodes": [{json.dumps(EPISODE)}],\n'
        ' "episodes": [{"started_at": "2026-01-01T09:00:00Z", "intensity": 99}]}'
    )
    message = _refused_and_nothing_stored(store, "twice.json", text.encode())
    assert message == "twice.json, line 3: key 'episodes' given twice (also on line 2)"


def test_a_field_given_twice_inside_an_entry_is_refused_naming_it() -> None:
    entry = '{"started_at": "2026-01-01T08:00:00Z", "intensity": 3, "intensity": 99}'
    text = f'{{"schema": "{SCHEMA}", "episodes": [\n{entry}]}}'
    with pytest.raises(
        InterchangeError, match=r"^x.json, line 2, episodes\[0\], field 'intensity': given twice"
    ):
        read_upload("x.json", text.encode())


def test_a_nested_episodes_list_neither_counts_nor_hides_the_line_of_a_bad_entry() -> None:
    # The old finder took the first "episodes": [ anywhere in the text; a nested one made it
    # give up on line numbers. Only the top-level list is read, and lines are exact.
    decoy = {"episodes": [{"started_at": "not a time"}]}
    text = json.dumps({**HEADER, "mine": decoy, "episodes": [EPISODE, {**EPISODE, "intensity": 0}]}, indent=1)
    line = text.splitlines().index(' "episodes": [') + 5  # the second entry's opening brace
    with pytest.raises(InterchangeError) as info:
        read_upload("n.json", text.encode())
    assert str(info.value).startswith(f"n.json, line {line}, episodes[1], field 'intensity'")
    good = json.dumps({**HEADER, "mine": decoy, "episodes": [EPISODE]}).encode()
    assert len(read_upload("n.json", good).episodes) == 1


@pytest.mark.parametrize(("template", "digits", "says"), JSON_ATTACKS)
def test_numbers_no_field_can_hold_are_refused_naming_the_field(
    store: Store, template: bytes, digits: str, says: str
) -> None:
    assert says in _refused_and_nothing_stored(store, "n.json", number_attack(template, digits))


def test_json_nested_100k_deep_is_refused_naming_the_key() -> None:
    deep = b'{"schema": "%s", "x": ' % SCHEMA.encode() + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(InterchangeError, match=r"^deep.json, line 1, 'x': nested too deeply$"):
        read_upload("deep.json", deep)
    entry = b'{"schema": "%s", "episodes": [' % SCHEMA.encode() + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(InterchangeError, match=r"^deep.json, line 1, episodes\[0\]: nested too deeply$"):
        read_upload("deep.json", entry)


def test_an_assessment_nested_deeper_than_the_limit_is_refused() -> None:
    nested: object = "yes"
    for _ in range(MAX_DEPTH + 5):
        nested = {"a": nested}
    text = bundle(assessments=[{"at": "2026-01-01T08:00:00Z", "level": "self_care", "intake": nested}])
    with pytest.raises(
        InterchangeError, match=rf"assessments\[0\], field 'intake': .*nested more than {MAX_DEPTH}"
    ):
        read_upload("a.json", text)


def test_a_csv_row_that_is_not_utf8_is_named_by_its_line_past_the_first_block() -> None:
    rows = "".join(
        f"2025-01-01T{h:02d}:{m:02d}:{s:02d}Z,3\n" for h in range(6) for m in range(60) for s in (0, 30)
    )
    data = b"started_at,intensity\n" + rows.encode() + b"2025-01-02T00:00:00Z,3,caf\xe9\n"
    with pytest.raises(InterchangeError, match=r"^episodes.csv, line 722: not UTF-8 text$"):
        read_upload("episodes.csv", data)


def test_a_csv_with_a_bom_and_old_mac_line_ends_still_reads() -> None:
    data = '\ufeffstarted_at,note\r2026-03-01T08:00:00Z,"a\rb"\r2026-03-01T09:00:00Z,\r'.encode()
    got = read_upload("episodes.csv", data)
    assert [e.note for e in got.episodes] == ["a\rb", None]  # the quoted "\r" kept as it was
    assert got.episode_lines == ["episodes.csv, line 3", "episodes.csv, line 4"]


def test_a_csv_line_or_header_too_long_is_refused_by_line() -> None:
    with pytest.raises(InterchangeError, match=r"^days.csv, line 2: longer than 100,000 characters$"):
        read_upload("days.csv", b"date,stress\n" + b"," * 200_000 + b"\n")
    wide = "date," + ",".join(f"f{n}" for n in range(300))
    with pytest.raises(
        InterchangeError, match=r"^days.csv, line 1: 301 columns; a file may have at most 200"
    ):
        read_upload("days.csv", wide.encode() + b"\n")


def test_more_rows_than_an_import_reads_are_refused_saying_the_limit() -> None:
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    stamps = [(start + dt.timedelta(minutes=n)).isoformat() for n in range(MAX_ROWS + 1)]
    data = ("started_at\n" + "\n".join(stamps) + "\n").encode()
    with pytest.raises(
        InterchangeError, match=rf"line {MAX_ROWS + 2}: too many rows .*at most {MAX_ROWS:,} rows"
    ):
        read_upload("episodes.csv", data)


def test_more_bundle_entries_than_an_import_reads_are_refused_saying_the_limit() -> None:
    # Entries of every list count together: half the limit in episodes, the rest in notes.
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    episodes = [{"started_at": (start + dt.timedelta(minutes=n)).isoformat()} for n in range(MAX_ROWS // 2)]
    notes = [{"written_at": "2026-01-01T08:00:00Z", "text": "x"}] * (MAX_ROWS // 2 + 1)
    at = MAX_ROWS // 2
    with pytest.raises(InterchangeError, match=rf"notes\[{at}\]: too many rows .*at most {MAX_ROWS:,}"):
        read_upload("b.json", bundle(episodes=episodes, notes=notes))


@pytest.mark.parametrize(("name", "build", "says"), ZIPS, ids=[z[0] for z in ZIPS])
def test_a_zip_that_cannot_or_must_not_be_unzipped_is_refused(
    store: Store, name: str, build: object, says: str
) -> None:
    assert callable(build)
    data: bytes = build()
    start = time.perf_counter()
    message = _refused_and_nothing_stored(store, name, data)
    assert says in message, message
    assert time.perf_counter() - start < 2


def test_the_bomb_says_the_limit_in_proportion_to_the_upload() -> None:
    data = zip_bomb()
    with pytest.raises(InterchangeError) as info:
        read_upload("bomb.zip", data)
    message = str(info.value)
    assert message.startswith("bomb.zip: the CSV files inside hold 18.0 MB unzipped")
    assert f"at most {round(UNZIP_RATIO * len(data) / 1000)} kB" in message
    assert f"never more than {MAX_FILE_BYTES / 1e6:.1f} MB" in message


def test_a_heavy_diarys_own_export_is_within_every_limit(tmp_path: Path) -> None:
    diary = generated_diary(1825, 20_000)  # five years of a heavy diary
    write_folder(tmp_path, diary.episodes, diary.days)
    data = zip_of({n: (tmp_path / n).read_bytes() for n in ("episodes.csv", "days.csv")})
    got = read_upload("export.zip", data)
    assert (len(got.episodes), len(got.days)) == (20_000, 1825)
    assert len(read_any(tmp_path).episodes) == 20_000  # the CLI reads the folder the same way
