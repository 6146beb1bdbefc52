"""The person's own emergency number on the pages, on SQLite and PostgreSQL: guessed from the
browser's region, asked once on Today, stored; the assessment result, the assessments list and
the report carry it; an unknown country keeps the generic "999, 112 or 911"."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from nasalis.assessment import assess, parse_intake
from nasalis.config import Settings
from nasalis.diary import assessments
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.emergency import GENERIC_NUMBERS
from nasalis.web.app import create_app
from tests.web.conftest import csrf_of

PAGES = ("/", "/diary", "/insights", "/learn", "/settings", "/assess", "/assessments")
FOOTER = re.compile(r"In an emergency call ([^.]+)\.")


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as client:
        yield client
    app.state.store.close()


def _footer(client: TestClient, path: str, language: str | None = None) -> str:
    headers = {"Accept-Language": language} if language is not None else {}
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code)
    found = FOOTER.search(answer.text)
    assert found, f"{path} has no emergency line"
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "number"),
    [
        ("de-DE,de;q=0.9", "112, 999 or 911"),
        ("en-US,en;q=0.9", "911, 999 or 112"),
        ("en-GB", "999, 112 or 911"),
        ("en-AU", "000, 999, 112 or 911"),
    ],
)
def test_a_browser_from_each_country_sees_its_number_first_on_every_page(
    client: TestClient, language: str, number: str
) -> None:
    # Only a guess until the person says: an en-US browser may be in Germany, so the others follow.
    for path in PAGES:
        assert _footer(client, path, language) == number, path
    today = client.get("/", headers={"Accept-Language": language}).text
    assert f"Call {number} now." in today


def test_an_unknown_country_keeps_the_generic_wording(client: TestClient) -> None:
    for language in (None, "de", "en-ZZ"):
        assert _footer(client, "/", language) == GENERIC_NUMBERS
    today = client.get("/", headers={"Accept-Language": "de"}).text
    assert f"Call emergency services now ({GENERIC_NUMBERS})." in today
    assert "Which country are you in?" in today
    assert "data-from-browser" in today


def test_today_asks_once_and_the_answer_beats_the_browser(client: TestClient) -> None:
    today = client.get("/", headers={"Accept-Language": "de-DE"}).text
    assert "Is your country Germany?" in today
    saved = client.post(
        "/settings/country",
        data={"csrf_token": csrf_of(today), "country": "DE", "back": "/"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/?msg=saved"
    again = client.get("/", headers={"Accept-Language": "en-US"}).text
    assert "Is your country" not in again
    assert "Which country" not in again
    assert _footer(client, "/", "en-US") == "112"  # the person's answer, not this browser's region
    assert client.get("/api/settings").json()["country"] == "DE"


def test_another_country_is_asked_no_more_and_keeps_the_generic_wording(client: TestClient) -> None:
    csrf = csrf_of(client.get("/settings").text)
    assert client.post("/settings/country", data={"csrf_token": csrf, "country": "other"}).status_code == 200
    assert _footer(client, "/", "en-US") == GENERIC_NUMBERS
    assert "Which country" not in client.get("/").text


def test_a_bad_country_is_refused_naming_the_field_and_changes_nothing(client: TestClient) -> None:
    assert client.put("/api/settings", json={"country": "AT"}).status_code == 200
    form = client.post(
        "/settings/country", data={"csrf_token": csrf_of(client.get("/").text), "country": "XX"}
    )
    api = client.put("/api/settings", json={"country": "Deutschland"})
    assert form.status_code == api.status_code == 422
    assert "country" in form.text
    assert "country" in api.text
    assert client.get("/api/settings").json()["country"] == "AT"
    assert _footer(client, "/settings") == "144 or 112"  # Austria: its ambulance number, and 112
    assert "now Austria, 144 or 112" in client.get("/settings").text


def _emergency_assessment(client: TestClient) -> int:
    store = client.app.state.store  # type: ignore[attr-defined]
    intake = parse_intake({"sudden_severe_headache": True, "areas": ["nose"]})
    with store.write() as session:
        return assessments.save(session, store.person_id(), intake.model_dump(mode="json"), assess(intake)).id


def test_the_assessment_result_and_the_list_carry_the_persons_number(client: TestClient) -> None:
    client.put("/api/settings", json={"country": "AU"})
    kept = _emergency_assessment(client)
    result = client.get(f"/assess/result?assessment={kept}").text
    assert "Call 000 now. Do not drive yourself." in result
    assert "Call emergency services now (000)" in result  # the rule's headline, localised
    assert "Call emergency services (000) for:" in result
    assert GENERIC_NUMBERS not in result
    listed = client.get("/assessments").text
    assert "000" in listed
    assert GENERIC_NUMBERS not in listed
    confirm = client.get(f"/assessments/delete?assessment_id={kept}").text
    assert "call 000 now" in confirm


def test_the_report_carries_the_persons_number_or_the_generic_one(client: TestClient) -> None:
    _emergency_assessment(client)
    generic = client.get("/report").text
    assert f"In an emergency the person calls {GENERIC_NUMBERS}." in generic
    client.put("/api/settings", json={"country": "GB"})
    report = client.get("/report").text
    assert "In an emergency the person calls 999 (United Kingdom)." in report
    assert "Call emergency services now (999)" in report
    assert GENERIC_NUMBERS not in report


def test_the_learn_pages_say_the_persons_number_in_the_curated_texts(client: TestClient) -> None:
    found = [e.id for e in load_knowledge().entries if GENERIC_NUMBERS in e.summary]
    assert found  # "Know when to see a doctor" says whom to call
    entry = client.get(f"/learn/{found[0]}", headers={"Accept-Language": "en-NZ"})
    assert entry.status_code == 200
    said = "111, 999, 112 or 911"  # New Zealand's first: a guess from the browser, not yet chosen
    assert (
        f"call emergency services ({said})" in entry.text
        or f"call emergency services on {said}" in entry.text
    )
    assert f"({GENERIC_NUMBERS})" not in entry.text  # every generic phrase was localised
