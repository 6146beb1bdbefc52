"""The report page's downloads, the list of assessments (and deleting one), and /progress."""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nasalis.assessment import assess, parse_intake
from nasalis.config import Settings
from nasalis.diary import assessments
from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store
from nasalis.web.app import create_app
from tests.web.conftest import csrf_of, sign_up

MISTAPPED = {"new_face_weakness": True}
"""A drooping face tapped by mistake: an emergency that should not stay on the report."""
OLDER = {"duration_days": 21, "areas": ["nose"]}


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as c:
        yield c
    app.state.store.close()


def _store(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def _save(store: Store, person: int, *intakes: dict[str, Any]) -> list[int]:
    with store.write() as session:
        return [assessments.save(session, person, i, assess(parse_intake(i))).id for i in intakes]


def _count(store: Store, person: int) -> int:
    with store.read() as session:
        return assessments.count(session, person)


def test_the_report_page_offers_the_pdf_and_fhir_as_files(client: TestClient, tmp_path: Path) -> None:
    """Bug 2: the report had no PDF link, and downloads were pasted into the page by htmx."""
    page = client.get("/report")
    links = dict(re.findall(r'<a href="([^"]+)" download hx-boost="false">([^<]+)</a>', page.text))
    assert set(links) == {"/report?format=pdf", "/report?format=file", "/export?format=fhir"}
    pdf = client.get("/report?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="nasalis-report-[\d-]+\.pdf"', pdf.headers["content-disposition"]
    )
    assert pdf.content.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Not a diagnosis" in text
    assert "Download" not in text  # the links are the web page's, not the PDF's
    fhir = client.get("/export?format=fhir")
    assert fhir.headers["content-type"].startswith("application/fhir+json")
    assert re.fullmatch(r'attachment; filename="[\w.-]+\.json"', fhir.headers["content-disposition"])
    assert json.loads(fhir.content)["resourceType"] == "Bundle"
    file = client.get("/report?format=file")
    assert re.fullmatch(
        r'attachment; filename="nasalis-report-[\d-]+\.html"', file.headers["content-disposition"]
    )
    assert "Not a diagnosis" in file.text
    # A file that travels: no link into the app, no script, no manifest, its own policy inside it.
    assert "<a " not in file.text
    assert "<script" not in file.text
    assert "manifest" not in file.text
    assert "default-src 'none'" in html.unescape(file.text)


def test_a_mistaken_assessment_is_listed_confirmed_deleted_and_can_be_undone(client: TestClient) -> None:
    """Bug 6: any assessment, even a mis-tapped one, stayed on the report; the web could not delete it."""
    store = _store(client)
    person = store.person_id()
    older, mistake = _save(store, person, OLDER, MISTAPPED)
    listed = client.get("/assessments").text
    assert listed.index(f'value="{mistake}"') < listed.index(f'value="{older}"')  # newest first
    assert "Emergency" in listed
    assert "See a doctor — appointment" in listed
    assert "Emergency" in client.get("/report").text
    ask = client.get("/assessments/delete", params={"assessment_id": mistake})
    assert ask.status_code == 200
    assert "Delete this assessment?" in ask.text
    assert "the doctor's report shows now" in ask.text
    assert _count(store, person) == 2  # asking deletes nothing
    token = csrf_of(ask.text)
    assert client.post("/assessments/delete", data={"assessment_id": str(mistake)}).status_code == 403
    bad = client.post("/assessments/delete", data={"csrf_token": token, "assessment_id": "two"})
    assert bad.status_code == 422
    assert "assessment_id" in bad.text
    assert _count(store, person) == 2
    done = client.post("/assessments/delete", data={"csrf_token": token, "assessment_id": str(mistake)})
    assert done.status_code == 200
    assert done.url.path == "/assessments"
    assert "Deleted." in done.text
    assert f'value="{mistake}"' not in done.text
    assert _count(store, person) == 1
    report = client.get("/report").text
    assert "Emergency" not in report
    assert "See a doctor" in report
    change = re.search(r'name="change" value="(\d+)"', done.text)
    assert change, "the message after deleting offers Undo"
    client.post("/undo", data={"csrf_token": token, "change": change.group(1)})
    assert _count(store, person) == 2
    assert "Emergency" in client.get("/report").text
    assert client.get("/assessments/delete", params={"assessment_id": "9999"}).status_code == 404


def test_a_person_reaches_only_their_own_assessments(server_app: Settings) -> None:
    app = create_app(server_app)
    with TestClient(app) as alice, TestClient(app) as bob, TestClient(app) as nobody:
        sign_up(alice, "alice")
        bob_token = sign_up(bob, "bob")
        store: Store = app.state.store
        (secret,) = _save(store, store.person_id("account:alice"), MISTAPPED)
        assert "Emergency" in alice.get("/assessments").text
        assert "Emergency" not in bob.get("/assessments").text
        assert bob.get("/assessments/delete", params={"assessment_id": secret}).status_code == 404
        taken = bob.post("/assessments/delete", data={"csrf_token": bob_token, "assessment_id": str(secret)})
        assert taken.status_code == 404
        assert _count(store, store.person_id("account:alice")) == 1
        for path in ("/assessments", "/progress", f"/assessments/delete?assessment_id={secret}"):
            assert nobody.get(path, follow_redirects=False).headers["location"].startswith("/login")
    app.state.store.close()


def _diary(store: Store, rates: list[int], today: dt.date) -> None:
    """A check-in on each of len(rates) days up to today, with rates[i] twitches on day i."""
    zone = dt.datetime.now().astimezone().tzinfo
    bundle = Bundle()
    for i, n in enumerate(rates):
        date = today - dt.timedelta(days=len(rates) - 1 - i)
        bundle.days.append(DayRecord(date=date, stress=3))
        bundle.episodes += [
            EpisodeRecord(started_at=dt.datetime.combine(date, dt.time(8 + k % 12, k), zone))
            for k in range(n)
        ]
    import_bundle(store, store.person_id(), bundle)


def _plot_svg(html: str) -> str:
    found = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"[^>]*alt="([^"]+)"', html)
    assert found, "the page has the plot, with a text alternative"
    assert "week by week" in found.group(2)
    return base64.b64decode(found.group(1)).decode()


def test_progress_says_fewer_from_the_diary(client: TestClient) -> None:
    today = dt.date.today()
    _diary(_store(client), [5] * 28 + [3] * 28, today)
    page = client.get("/progress").text
    assert "Last 4 weeks: 3.0 a day; the 4 weeks before: 5.0 a day — fewer." in page
    assert "counted on 28 days in the last 4 weeks and 28 in the 4 before" in " ".join(page.split())
    assert "<svg" in _plot_svg(page)
    weeks = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>(\d+)</td><td>(\d+)</td>", page)
    assert sum(int(n) for _, n, _ in weeks) == 5 * 28 + 3 * 28  # every twitch, week by week
    assert sum(int(c) for _, _, c in weeks) == 56


def test_progress_is_honest_with_too_little_data(client: TestClient) -> None:
    assert "Nothing logged yet" in client.get("/progress").text
    # Ten check-ins, the last today. Checking in daily from today, the four weeks before the
    # last four need 7 of them: their window ends 28 days before the last day, so the last day
    # must be 6 days after the first check-in (today - 9) plus 28: today + 25, 26 days from today.
    _diary(_store(client), [2] * 10, dt.date.today())
    page = " ".join(client.get("/progress").text.split())
    assert "Not enough check-ins yet to say." in page
    assert "they have 10 and 0" in page
    assert "it can be said in 26 days" in page
    assert "So far in the last 4 weeks: 2.0 a day, over 10 days with a check-in." in page
