"""treatments.csv and the bundle's `treatments`: all or nothing, errors named, re-import adds nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from nasalis.diary import journal
from nasalis.diary.bundle import InterchangeError
from nasalis.diary.csv_files import write_folder
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import read_any
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.store import open_store
from nasalis.diary.transfer import diary_of, export_bytes, read_upload
from nasalis.diary.treatments import TreatmentRecord, add_treatment, list_treatments

TREATMENTS = [
    TreatmentRecord(
        dt.date(2026, 1, 10), "botulinum_toxin", "Botox", 25.0, ("eyelid", "cheek"), "left", "first"
    ),
    TreatmentRecord(dt.date(2026, 4, 8), "botulinum_toxin", "=Dysport", None, None, None, 'said "sooner"'),
    TreatmentRecord(dt.date(2026, 5, 1), "procedure"),
]


def _treatments(db_url: str) -> list[TreatmentRecord]:
    store = open_store(db_url)
    with store.read() as s:
        found = [t.record for t in list_treatments(s, store.person_id())]
    store.close()
    return found


def test_csv_folder_round_trip_and_reimport_adds_nothing(db_url: str, tmp_path: Path) -> None:
    write_folder(tmp_path / "out", [], [], TREATMENTS)
    assert (
        (tmp_path / "out" / "treatments.csv")
        .read_text()
        .startswith("date,kind,product,units,sites,side,note")
    )
    store = open_store(db_url)
    me = store.person_id()
    first = import_bundle(store, me, read_any(tmp_path / "out"))
    assert first.treatments_added == 3
    again = import_bundle(store, me, read_any(tmp_path / "out"))
    assert again.treatments_added == 0
    assert again.extras_skipped == 3
    assert not again.anything_added
    store.close()
    assert _treatments(db_url) == TREATMENTS  # the formula-like product came back as typed


def test_json_bundle_and_zip_export_round_trip(db_url: str, tmp_path: Path) -> None:
    store = open_store(db_url)
    me = store.person_id()
    with store.write() as s:
        for rec in TREATMENTS:
            add_treatment(s, me, rec)
    with store.read() as s:
        bundle = diary_of(s, me)
        zipped = export_bytes(s, me, "csv")
        as_json = json.loads(export_bytes(s, me, "json"))
    assert bundle.extras.treatments == TREATMENTS
    assert as_json["treatments"][0] == {
        "date": "2026-01-10", "kind": "botulinum_toxin", "product": "Botox", "units": 25.0,
        "sites": ["eyelid", "cheek"], "side": "left", "note": "first",
    }  # fmt: skip
    assert "treatments.csv" in zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    other = store.person_id("other")
    assert import_bundle(store, other, read_upload("diary.zip", zipped)).treatments_added == 3
    write_bundle(tmp_path / "d.json", bundle.episodes, bundle.days, bundle.extras)
    result = import_bundle(store, other, read_any(tmp_path / "d.json"))
    assert result.treatments_added == 0
    with store.write() as s:
        # the zip's import, named with all it brought
        assert journal.undo_last(s, other) == "undid: import: 0 episodes, 0 days, 3 treatments"
    with store.read() as s:
        assert list_treatments(s, other) == []
        assert [t.record for t in list_treatments(s, me)] == TREATMENTS
    store.close()


def test_a_bad_row_names_file_line_and_column_and_nothing_is_imported(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "days.csv").write_text("date,stress\r\n2026-01-02,4\r\n")
    (folder / "treatments.csv").write_text(
        "date,kind,units\r\n2026-01-10,botulinum_toxin,25\r\n2026-02-10,botulinum_toxin,lots\r\n"
    )
    with pytest.raises(InterchangeError) as caught:
        read_any(folder)
    assert str(caught.value) == "treatments.csv, line 3, column 3 (units): must be a number (got 'lots')"
    bad_json = {"schema": "nasalis.diary/1", "treatments": [{"date": "2026-01-10", "kind": "pill"}]}
    (tmp_path / "b.json").write_text(json.dumps(bad_json))
    with pytest.raises(InterchangeError) as caught:
        read_any(tmp_path / "b.json")
    assert "b.json, line 1, treatments[0], field 'kind'" in str(caught.value)
    assert _treatments(db_url) == []
