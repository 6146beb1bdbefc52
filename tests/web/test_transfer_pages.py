"""The Import and Export pages as a person meets them: real downloads, errors by the file field, formats."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nasalis.diary.bundle import SCHEMA
from nasalis.diary.import_formats import EXAMPLES, bundle_formats, formats
from nasalis.diary.records import DAY_RULES, EPISODE_RULES
from nasalis.diary.vocab import AREAS, SIDES, SOURCES
from nasalis.knowledge.curated import LEVELS
from tests.web.conftest import csrf_of

DOC = Path(__file__).parents[2] / "docs" / "import-formats.md"


def _upload(client: TestClient, name: str, data: bytes) -> str:
    token = csrf_of(client.get("/import").text)
    done = client.post("/import", data={"csrf_token": token}, files={"file": (name, data, "text/plain")})
    return f"{done.status_code}\n{done.text}"


def test_export_links_are_downloads_not_boosted_pages(personal: TestClient) -> None:
    """Each Export link is a real download: not boosted by htmx, marked download, sent as an attachment."""
    html = personal.get("/export").text
    links = re.findall(r"<a [^>]*href=\"(/(?:export|report)\?format=\w+)\"[^>]*>", html)
    assert sorted(links) == [
        "/export?format=csv",
        "/export?format=fhir",
        "/export?format=json",
        "/report?format=pdf",
    ]
    for tag in re.findall(r"<a [^>]*href=\"/(?:export|report)\?format=\w+\"[^>]*>", html):
        assert 'hx-boost="false"' in tag, tag
        assert " download" in tag, tag


@pytest.mark.parametrize(
    ("kind", "media", "name"),
    [
        ("json", "application/json", "nasalis-diary-{day}.json"),
        ("csv", "application/zip", "nasalis-diary-{day}.zip"),
        ("fhir", "application/fhir+json", "nasalis-diary-{day}.fhir.json"),
    ],
)
def test_each_export_is_an_attachment_named_by_the_day(
    personal: TestClient, kind: str, media: str, name: str
) -> None:
    for path in ("/export", "/api/export"):
        before = dt.date.today()  # the request's day, not the collection's: a run may cross midnight
        got = personal.get(path, params={"format": kind})
        days = {before, dt.date.today()}
        assert got.status_code == 200
        assert got.headers["content-type"].split(";")[0] == media
        named = {f'attachment; filename="{name.format(day=d)}"' for d in days}
        assert got.headers["content-disposition"] in named
    if kind == "csv":
        assert sorted(zipfile.ZipFile(io.BytesIO(got.content)).namelist()) == ["days.csv", "episodes.csv"]
    else:
        assert json.loads(got.content)["resourceType" if kind == "fhir" else "schema"] in ("Bundle", SCHEMA)


def test_a_bad_file_is_refused_beside_the_file_field(personal: TestClient) -> None:
    reply = _upload(personal, "episodes.csv", b"started_at,intensity,side\r\n2025-03-02T08:15:00Z,11,up\r\n")
    status, html = reply.split("\n", 1)
    assert status == "422"
    field = re.search(r'<input id="file"[^>]*>', html)
    assert field
    assert 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="file-error"' in field.group(0)
    beside = re.search(r'<p class="field-error" id="file-error">([^<]*)</p>', html)
    assert beside, "no message beside the file field"
    assert "episodes.csv, line 2, column 2 (intensity): must be from 1 to 10" in beside.group(1)
    assert "column 3 (side)" in beside.group(1)  # every bad column of the row, not only the first
    assert 'role="alert"' in html
    assert personal.get("/api/episodes").json() == []


def test_a_good_file_shows_what_it_added_in_words_that_agree(personal: TestClient) -> None:
    episodes = "".join(f"2025-03-0{d}T08:15:00Z,3\r\n" for d in (1, 2, 3))
    days = b"date,stress\r\n2025-03-01,4\r\n"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("episodes.csv", f"started_at,intensity\r\n{episodes}")
        z.writestr("days.csv", days)
    first = _upload(personal, "diary.zip", archive.getvalue())
    assert "Imported 3 twitches and 1 check-in." in first
    assert 'name="change"' in first  # Undo names this import, not whatever changed last
    again = _upload(personal, "diary.zip", archive.getvalue())
    assert "Nothing new" in again
    assert "(3 twitches and 1 check-in were already there.)" in again
    assert "Undo the whole import" not in again


def test_a_bundle_import_names_its_medicines_notes_and_settings(personal: TestClient) -> None:
    bundle = {
        "schema": SCHEMA,
        "episodes": [{"started_at": "2025-03-02T08:15:00Z"}],
        "medications": [{"name": "Ventolin", "dose": "2 puffs"}],
        "notes": [{"written_at": "2025-03-02T09:00:00Z", "text": "after the drive"}],
        "settings": {"units": "imperial", "reminder_time": "20:00"},
    }
    done = _upload(personal, "all.json", json.dumps(bundle).encode())
    assert "Imported 1 twitch, 0 check-ins, 1 medicine, 1 note and your settings." in done
    assert personal.get("/api/settings").json()["units"] == "imperial"


def test_the_import_page_shows_the_files_columns_and_an_example(personal: TestClient) -> None:
    short = personal.get("/import").text
    full = personal.get("/import/formats").text
    for f in formats():
        assert f"<code>{f.name}</code>" in short
        assert f.example.splitlines()[0] in short
        for column in f.columns:
            assert f"<code>{column.name}</code>" in full
    assert 'href="/import/formats"' in short
    for f in bundle_formats():
        for column in f.columns:
            assert f"<code>{column.name}</code>" in full


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_example_rows_shown_import_as_they_are(personal: TestClient, name: str) -> None:
    assert _upload(personal, name, EXAMPLES[name].encode()).startswith("200\n")


def test_the_formats_doc_names_everything_the_importer_accepts() -> None:
    """docs/import-formats.md stays true: every column, field, choice and example the code has."""
    doc = DOC.read_text(encoding="utf-8")
    columns = [*EPISODE_RULES, *DAY_RULES] + [c.name for f in bundle_formats() for c in f.columns]
    for name in [*columns, *(f.name for f in bundle_formats()), "settings"]:
        assert f"`{name}`" in doc, name
    for word in (*SIDES, *AREAS, *SOURCES, *LEVELS):
        assert f"`{word}`" in doc, word
    assert f'"schema": "{SCHEMA}"' in doc
    for example in EXAMPLES.values():
        assert example.replace("\r\n", "\n") in doc
    assert "../shared" not in doc  # the repository stands alone
