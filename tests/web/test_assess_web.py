"""The web app's assessment: /api/assess per contract, and the no-JavaScript questionnaire."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nasalis.assessment import assess, parse_intake
from nasalis.web.app import create_app
from tests.assessment.vignettes import VIGNETTES
from tests.web.conftest import SELF_CARE_ANSWERS, csrf_of


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize("case", VIGNETTES[::6], ids=lambda v: v.why[:40])
def test_api_gives_the_same_bytes_as_the_cli(client: TestClient, case: Any) -> None:
    response = client.post("/api/assess", json=case.intake)
    assert response.status_code == 200
    assert response.text == assess(parse_intake(case.intake)).dumps()


def test_api_rejects_bad_intake_with_422_naming_fields(client: TestClient) -> None:
    response = client.post("/api/assess", json={"age_years": "old", "extra": 1})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(p.startswith("age_years") for p in problems)
    assert any(p.startswith("extra") for p in problems)
    assert (
        client.post("/api/assess", content=b"[1]", headers={"content-type": "application/json"}).status_code
        == 422
    )
    assert (
        client.post("/api/assess", content=b"{nope", headers={"content-type": "application/json"}).status_code
        == 422
    )


def test_api_refuses_a_key_given_twice_naming_it(client: TestClient) -> None:
    body = b'{"new_face_weakness": true, "new_face_weakness": false}'
    response = client.post("/api/assess", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["problems"] == [
        "new_face_weakness: given more than once (each answer may appear only once)"
    ]


def test_api_takes_the_contract_additions(client: TestClient) -> None:
    response = client.post("/api/assess", json={"numbness": True, "numbness_onset": "sudden"})
    assert response.json()["level"] == "emergency"
    response = client.post("/api/assess", json={"pregnant": True, "sex": "male", "loss_of_awareness": True})
    assert response.json()["reasons"][0]["rule"] == "seizure_in_pregnancy"


def test_openapi_documents_assess(client: TestClient) -> None:
    assert "/api/assess" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def _step(client: TestClient, page: str, value: str | list[str]) -> str:
    fields = dict(re.findall(r'name="(field|answers|asked|csrf_token)" value="([^"]*)"', page))
    fields = {k: v.replace("&#34;", '"').replace("&quot;", '"') for k, v in fields.items()}
    values = value if isinstance(value, list) else [value]
    data: dict[str, Any] = {**fields, "value": values}
    response = client.post("/assess", data=data)
    assert response.status_code == 200
    return response.text


def test_questionnaire_to_an_emergency(client: TestClient) -> None:
    page = client.get("/assess").text
    assert "Question 1" in page
    assert "face drooped" in page
    page = _step(client, page, "no")
    page = _step(client, page, "yes")  # arm weakness
    assert "Emergency — call emergency services now" in page
    assert "level-emergency" in page


def test_questionnaire_to_self_care(client: TestClient) -> None:
    page = client.get("/assess").text
    for _ in range(60):
        if "Your result" in page or 'class="result' in page:
            break
        field = re.search(r'name="field" value="([^"]+)"', page)
        assert field
        default = "" if 'type="number"' in page else "no"
        answer = SELF_CARE_ANSWERS.get(field.group(1), default)
        page = _step(client, page, answer)
    assert "level-self_care" in page
    assert "caffeine" in page


def test_a_result_with_unanswered_warning_signs_says_so_first(client: TestClient) -> None:
    page = client.get("/assess").text
    page = _step(client, page, "?")  # face drooping: don't know
    for _ in range(70):
        if 'class="result' in page:
            break
        field = re.search(r'name="field" value="([^"]+)"', page)
        assert field
        default = "" if 'type="number"' in page else "no"
        page = _step(client, page, SELF_CARE_ANSWERS.get(field.group(1), default))
    assert "level-appointment" in page  # never "manage at home" with a stroke sign unchecked
    unchecked = page.index("What could not be checked")
    assert unchecked < page.index("<h2>Why</h2>")
    assert "a face that droops or is weak" in page[unchecked:]
    assert 'role="alert"' in page


def test_questionnaire_reasks_on_a_bad_answer_and_refuses_tampering(client: TestClient) -> None:
    token = csrf_of(client.get("/assess").text)
    bad = client.post(
        "/assess",
        data={"field": "duration_days", "answers": "{}", "asked": "", "value": "-3", "csrf_token": token},
    )
    assert bad.status_code == 200
    assert "please type a number" in bad.text
    tampered = client.post(
        "/assess",
        data={
            "field": "fever",
            "answers": json.dumps({"age_years": 999}),
            "value": "no",
            "csrf_token": token,
        },
    )
    assert tampered.status_code == 422
    forged = client.post("/assess", data={"field": "fever", "answers": "{}", "value": "no"})
    assert forged.status_code == 403


def test_learn_pages(client: TestClient) -> None:
    assert "Hemifacial spasm" in client.get("/learn").text
    assert "Blood tests" in client.get("/learn", params={"q": "magnesium"}).text
    entry = client.get("/learn/magnesium")
    assert entry.status_code == 200
    assert "003_4bf3e090a705bf91.txt" in entry.text
    assert client.get("/learn/nope").status_code == 404


def test_home_page_puts_emergency_advice_first(client: TestClient) -> None:
    page = client.get("/").text
    assert page.index("Call emergency services") < page.index("Twitch now")
    assert 'name="viewport"' in page


def test_the_app_creates_its_diary_at_start(tmp_path: Path) -> None:
    from nasalis.config import Settings

    db = tmp_path / "web.db"
    app = create_app(Settings(db_url=f"sqlite:///{db}"))
    assert db.is_file()
    assert app.state.store.person_id() >= 1
