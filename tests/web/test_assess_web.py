"""The web app's assessment: /api/assess per contract, and the no-JavaScript questionnaire."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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


def _field(page: str) -> str:
    found = re.search(r'name="field" value="([^"]+)"', page)
    assert found, "not a question page"
    return found.group(1)


def _post(client: TestClient, page: str, value: str | Sequence[str] = (), skip: str | None = None) -> Any:
    """Answer the question `page` shows, as its form would send it; the reply after redirects."""
    data: dict[str, Any] = {"csrf_token": csrf_of(page), "field": _field(page), "value": value}
    if skip is not None:
        data["skip"] = skip
    return client.post("/assess", data=data)


def _step(client: TestClient, page: str, value: str | list[str], skip: str | None = None) -> str:
    response = _post(client, page, value, skip)
    assert response.status_code == 200, response.text[:500]
    return str(response.text)


def _answer(client: TestClient, page: str, answers: dict[str, str]) -> str:
    """Answer from `answers` ("no" to a yes/no or choice question, "don't know" else) to the result."""
    for _ in range(70):
        if 'class="result' in page:
            return page
        answer = answers.get(_field(page))
        if answer is not None:
            page = _step(client, page, answer)
        elif 'type="number"' in page or 'type="text"' in page or 'type="checkbox"' in page:
            page = _step(client, page, [], skip="?")
        else:
            page = _step(client, page, "no" if 'value="no"' in page else "?")
    raise AssertionError("the questionnaire did not end")


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[TestClient]:
    """A browser of its own (the questionnaire under way is kept in its cookie), over its own diary."""
    from nasalis.config import Settings

    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'assess.db'}"))
    with TestClient(app) as browser:
        yield browser
    app.state.store.close()


def test_questionnaire_to_an_emergency(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    assert "Question 1" in page
    assert "face drooped" in page
    assert "Back to question" not in page  # nothing to go back to
    page = _step(fresh, page, "no")
    page = _step(fresh, page, "yes")  # arm weakness
    assert "Emergency — call emergency services now" in page
    assert "level-emergency" in page


def test_questionnaire_to_self_care(fresh: TestClient) -> None:
    page = _answer(fresh, fresh.get("/assess").text, SELF_CARE_ANSWERS)
    assert "level-self_care" in page
    assert "caffeine" in page


def test_a_result_with_unanswered_warning_signs_says_so_first(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    page = _step(fresh, page, "?")  # face drooping: don't know
    page = _answer(fresh, page, SELF_CARE_ANSWERS)
    assert "level-appointment" in page  # never "manage at home" with a stroke sign unchecked
    unchecked = page.index("What could not be checked")
    assert unchecked < page.index("<h2>Why</h2>")
    assert "a face that droops or is weak" in page[unchecked:]
    assert 'role="alert"' in page


def test_progress_counts_questions_honestly(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    first = re.search(r"up to (\d+) more questions", page)
    assert first
    assert "fewer if some no longer matter" in page
    page = _step(fresh, page, "no")
    second = re.search(r"<strong>Question 2</strong> ·\s+up to (\d+) more questions", page)
    assert second
    assert int(second.group(1)) < int(first.group(1))


def test_back_returns_to_the_question_before_with_its_answer(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    for value in ("no", "no", "no"):
        page = _step(fresh, page, value)
    page = _step(fresh, page, "gradual")  # vision: changed gradually
    assert "Question 5" in page
    back = fresh.post("/assess/back", data={"csrf_token": csrf_of(page)})
    assert back.status_code == 200
    assert "Question 4" in back.text
    assert re.search(r'value="gradual"\s+required checked', back.text)  # the answer is kept
    again = fresh.post("/assess/back", data={"csrf_token": csrf_of(page)}).text
    assert "Question 3" in again
    assert re.search(r'value="no" checked', again)


def test_a_reload_keeps_the_answers_and_they_never_travel_in_a_url(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    for value in ("no", "no", "no", "none"):
        response = _post(fresh, page, value)
        assert response.history
        assert response.history[0].status_code == 303
        assert response.url.path == "/assess"
        assert not response.url.query
        page = response.text
    reloaded = fresh.get("/assess").text
    assert "Question 5" in reloaded
    assert 'name="answers"' not in reloaded  # no answers in the page: the draft is in this browser's cookie
    cookie = fresh.cookies.get("nasalis_assess")
    assert cookie
    assert "none" not in cookie
    other = TestClient(fresh.app)  # another browser does not see them
    assert "Question 1" in other.get("/assess").text
    fresh.post("/assess/restart", data={"csrf_token": csrf_of(page)})
    assert "Question 1" in fresh.get("/assess").text


def test_an_answer_from_an_older_page_rewinds_the_interview_to_it(fresh: TestClient) -> None:
    page1 = fresh.get("/assess").text
    page2 = _step(fresh, page1, "no")
    _step(fresh, page2, "no")
    page = _step(fresh, page1, "no")  # the first page, kept in the browser's history, sent again
    assert "Question 2" in page
    assert re.search(r'value="no" checked', page)  # the later answer is offered again


def test_empty_answers_are_asked_again_beside_the_field(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    bad = _post(fresh, page, [])
    assert bad.status_code == 422
    assert 'class="field-error" id="value-error"' in bad.text
    assert "Choose Yes, No or Don&#39;t know." in bad.text
    assert 'aria-invalid="true" aria-describedby="value-error"' in bad.text
    assert "Question 1" in bad.text


def test_the_medicines_question_gives_one_instruction(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    for _ in range(40):
        if _field(page) == "medications":
            break
        page = _step(fresh, page, "no" if 'value="no"' in page else [], None if 'value="no"' in page else "?")
    assert "Names, separated by commas" in page
    assert "leave empty" not in page
    assert 'name="skip" value="none"' in page
    assert 'name="skip" value="?"' in page
    empty = _post(fresh, page, "")
    assert empty.status_code == 422
    assert "Type the names, or choose None or I don" in empty.text
    typed = _post(fresh, page, "Ventolin, sertraline")
    assert typed.status_code == 200
    assert _field(typed.text) != "medications"
    back = fresh.post("/assess/back", data={"csrf_token": csrf_of(page)}).text
    assert 'value="Ventolin, sertraline"' in back


def test_questionnaire_reasks_on_a_bad_answer_and_refuses_tampering(fresh: TestClient) -> None:
    token = csrf_of(fresh.get("/assess").text)
    # Only the question the interview is at can be answered: anything else shows that question.
    skipped = fresh.post("/assess", data={"field": "duration_days", "value": "-3", "csrf_token": token})
    assert skipped.status_code == 200
    assert _field(skipped.text) == "new_face_weakness"
    fresh.cookies.set("nasalis_assess", "bm90IGEgZHJhZnQ=", path="/assess")  # tampered: a new start
    assert "Question 1" in fresh.get("/assess").text
    forged = fresh.post("/assess", data={"field": "new_face_weakness", "value": "no"})
    assert forged.status_code == 403


def test_a_number_out_of_range_is_explained(fresh: TestClient) -> None:
    page = fresh.get("/assess").text
    for _ in range(20):
        if _field(page) == "age_years":
            break
        page = _step(fresh, page, "no")
    bad = _post(fresh, page, "200")
    assert bad.status_code == 422
    assert "Please type a number from 0 to 120" in bad.text
    assert 'value="200"' in bad.text  # what was typed stays


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
