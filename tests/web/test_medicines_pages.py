"""/medicines on the web: list, add, stop, undo; each person sees only their own; from an assessment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.web.app import create_app
from nasalis.web.routes import medicines_pages
from tests.web.conftest import csrf_of, sign_up


def app_with_medicines(settings: Settings) -> FastAPI:
    """The app, with the medicines pages whether or not app.py lists them yet."""
    app = create_app(settings)
    if not any(getattr(r, "path", "") == "/medicines" for r in app.routes):
        app.include_router(medicines_pages.router)
    return app


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = app_with_medicines(Settings(db_url=db_url))
    with TestClient(app) as browser:
        yield browser
    app.state.store.close()


def _listed(html: str, heading: str) -> list[str]:
    """The medicine names under a heading of the page ("Taking now" or "Stopped")."""
    part = html.split(f"<h2>{heading}</h2>", 1)
    if len(part) == 1:
        return []
    section = part[1].split("<h2>", 1)[0]
    return re.findall(r"<li>\s*<strong>([^<]+)</strong>", section)


def _med_id(html: str, name: str) -> str:
    found = re.search(
        rf'name="medication" value="(\d+)">\s*<label for="stopped-\d+">Stopped on</label>'
        rf"[^<]*<input[^>]*>\s*<button[^>]*>Mark {re.escape(name)} as stopped",
        html,
    )
    assert found, f"no stop form for {name}"
    return found.group(1)


def _undo(client: TestClient, html: str) -> None:
    change = re.search(r'name="change" value="(\d+)"', html)
    assert change, "the page offers no Undo"
    done = client.post(
        "/undo", data={"csrf_token": csrf_of(html), "change": change.group(1), "back": "/medicines"}
    )
    assert done.status_code == 200


def test_add_list_stop_and_undo(client: TestClient) -> None:
    page = client.get("/medicines")
    assert page.status_code == 200
    assert "No medicines on the list yet." in page.text
    assert "talking to your prescriber" in page.text
    added = client.post(
        "/medicines",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "Ventolin",
            "dose": "2 puffs",
            "started": "2026-01-05",
        },
    )
    assert added.url.path == "/medicines"
    assert "msg=saved" in str(added.url)
    assert _listed(added.text, "Taking now") == ["Ventolin"]
    assert "(salbutamol)" in added.text  # matched to the lexicon
    assert "since 2026-01-05" in added.text
    med = _med_id(added.text, "Ventolin")
    stopped = client.post(
        "/medicines/stop",
        data={"csrf_token": csrf_of(added.text), "medication": med, "stopped": "2026-02-01"},
    )
    assert _listed(stopped.text, "Taking now") == []
    assert _listed(stopped.text, "Stopped") == ["Ventolin"]
    assert "2026-01-05 to 2026-02-01" in stopped.text
    _undo(client, stopped.text)  # the stop is taken back, the medicine is not
    again = client.get("/medicines").text
    assert _listed(again, "Taking now") == ["Ventolin"]
    assert _listed(again, "Stopped") == []
    second = client.post("/medicines", data={"csrf_token": csrf_of(again), "name": "sertraline"})
    _undo(client, second.text)
    assert _listed(client.get("/medicines").text, "Taking now") == ["Ventolin"]


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(client: TestClient) -> None:
    token = csrf_of(client.get("/medicines").text)
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    bad = client.post(
        "/medicines", data={"csrf_token": token, "name": " ", "dose": "x" * 201, "started": tomorrow}
    )
    assert bad.status_code == 422
    for field, message in (
        ("name", "Give the medicine&#39;s name"),
        ("dose", "At most 200 characters"),
        ("started", "Is in the future"),
    ):
        assert f'id="{field}-error">{message}' in bad.text
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', bad.text)
    assert 'value="' + "x" * 201 + '"' in bad.text  # what was typed stays
    assert 'role="alert"' in bad.text
    assert (
        client.post("/medicines", data={"csrf_token": token, "name": "a", "started": "5 May"}).status_code
        == 422
    )
    assert "No medicines on the list yet." in client.get("/medicines").text
    page = client.post(
        "/medicines", data={"csrf_token": token, "name": "lithium", "started": "2026-01-10"}
    ).text
    med = _med_id(page, "lithium")
    early = client.post(
        "/medicines/stop", data={"csrf_token": token, "medication": med, "stopped": "2026-01-01"}
    )
    assert early.status_code == 422
    assert f'id="stopped-{med}-error">The stop date is before the start date' in early.text
    future = client.post(
        "/medicines/stop", data={"csrf_token": token, "medication": med, "stopped": tomorrow}
    )
    assert future.status_code == 422
    assert _listed(client.get("/medicines").text, "Taking now") == ["lithium"]
    assert client.post("/medicines/stop", data={"csrf_token": token, "medication": "x"}).status_code == 404
    assert client.post("/medicines", data={"name": "no token"}).status_code == 403


def test_a_person_sees_and_stops_only_their_own(db_url: str) -> None:
    app = app_with_medicines(Settings(db_url=db_url, accounts=True))
    with TestClient(app) as alice, TestClient(app) as bob:
        alice_token, bob_token = sign_up(alice, "alice"), sign_up(bob, "bob")
        page = alice.post("/medicines", data={"csrf_token": alice_token, "name": "alice's secret pill"}).text
        med = _med_id(page, "alice&#39;s secret pill")
        assert "secret" not in bob.get("/medicines").text
        refused = bob.post(
            "/medicines/stop", data={"csrf_token": bob_token, "medication": med, "stopped": "2026-01-01"}
        )
        assert refused.status_code == 404
        assert "secret" not in refused.text
        assert _listed(alice.get("/medicines").text, "Taking now") == ["alice&#39;s secret pill"]
        anonymous = TestClient(app).get("/medicines", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login")
    app.state.store.close()


def _to_medicines_question(client: TestClient) -> str:
    page = client.get("/assess").text
    for _ in range(40):
        if 'name="field" value="medications"' in page:
            return page
        yes_no = 'value="no"' in page
        data = {"csrf_token": csrf_of(page), "field": re.findall(r'name="field" value="([^"]+)"', page)[0]}
        data |= {"value": "no"} if yes_no else {"skip": "?"}
        page = client.post("/assess", data=data).text
    raise AssertionError("the medicines question never came")


def _finish(client: TestClient, page: str) -> str:
    for _ in range(60):
        if 'class="result' in page:
            return page
        field = re.findall(r'name="field" value="([^"]+)"', page)[0]
        data = {"csrf_token": csrf_of(page), "field": field}
        data |= {"value": "no"} if 'value="no"' in page else {"skip": "?"}
        page = client.post("/assess", data=data).text
    raise AssertionError("the questionnaire did not end")


def test_medicines_typed_in_an_assessment_are_offered_to_the_list(client: TestClient) -> None:
    token = csrf_of(client.get("/medicines").text)
    client.post("/medicines", data={"csrf_token": token, "name": "Sertraline"})
    page = _to_medicines_question(client)
    typed = "ventolin, sertraline, Ventolin, my herbal tea"
    page = client.post("/assess", data={"csrf_token": token, "field": "medications", "value": typed}).text
    result = _finish(client, page)
    assert "Add these to your medicines list" in result
    assert "2 medicines you named are not on your medicines list yet: ventolin, my herbal tea." in result
    assert _listed(client.get("/medicines").text, "Taking now") == ["Sertraline"]  # nothing automatic
    assessment = re.search(r'name="assessment" value="(\d+)"', result)
    assert assessment
    added = client.post("/assess/medicines", data={"csrf_token": token, "assessment": assessment.group(1)})
    assert added.url.path == "/medicines"
    assert sorted(_listed(added.text, "Taking now")) == ["Sertraline", "my herbal tea", "ventolin"]
    shown = client.get(f"/assess/result?assessment={assessment.group(1)}").text
    assert "Add these to your medicines list" not in shown  # all on the list now
    _undo(client, added.text)  # one undo takes back both
    assert _listed(client.get("/medicines").text, "Taking now") == ["Sertraline"]
    assert client.get("/assess/result?assessment=999999").status_code == 404
