"""Clinician-rated scores on the web: the /scores page, its Undo, and /api/scores, on both backends."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of


def test_a_score_is_added_refused_with_its_field_deleted_and_undone(personal: TestClient) -> None:
    page = personal.get("/scores")
    assert page.status_code == 200
    assert '<datalist id="scale-names">' in page.text
    token = csrf_of(page.text)
    bad = personal.post(
        "/scores",
        data={"csrf_token": token, "scale": "Hemifacial spasm grade", "value": "", "rated_on": "2026-02-30"},
    )
    assert bad.status_code == 422
    assert 'id="value-error"' in bad.text
    assert 'id="rated_on-error"' in bad.text
    assert 'value="Hemifacial spasm grade"' in bad.text  # what was typed stays
    assert personal.get("/api/scores").json() == []  # nothing saved
    form = {
        "csrf_token": token,
        "scale": "Hemifacial spasm grade",
        "value": "Grade II",
        "rated_on": "2026-02-03",
        "rated_by": "Dr Okafor, neurology",
    }
    saved = personal.post("/scores", data=form)
    assert saved.status_code == 200
    assert "Saved." in saved.text
    assert "Hemifacial spasm grade: Grade II" in saved.text
    [score] = personal.get("/api/scores").json()
    assert score["value"] == "Grade II"
    assert score["value_number"] is None
    assert score["source"] == "letter"
    deleted = personal.post("/scores/delete", data={"csrf_token": token, "score": str(score["id"])})
    assert "Deleted." in deleted.text
    assert personal.get("/api/scores").json() == []
    change = re.search(r'name="change" value="(\d+)"', deleted.text)
    assert change, "the message offers Undo for the deletion"
    undone = personal.post("/undo", data={"csrf_token": token, "change": change.group(1)})
    assert "Brought back" in undone.text
    assert [x["id"] for x in personal.get("/api/scores").json()] == [score["id"]]
    report = personal.get("/report").text
    assert "<td>Hemifacial spasm grade</td><td>Grade II</td>" in report


def test_the_api_adds_once_names_a_bad_field_and_deletes(personal: TestClient) -> None:
    body = {"scale": "JRS", "value": "3", "rated_on": "2026-04-01"}
    first = personal.post("/api/scores", json=body)
    assert first.status_code == 201
    assert first.json()["value_number"] == 3.0
    again = personal.post("/api/scores", json=body)  # a retry without a key: still one score
    assert again.json()["id"] == first.json()["id"]
    assert len(personal.get("/api/scores").json()) == 1
    bad = personal.post("/api/scores", json={**body, "rated_on": "April"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "rated_on"]
    assert personal.delete(f"/api/scores/{first.json()['id']}").status_code == 204
    assert personal.delete(f"/api/scores/{first.json()['id']}").status_code == 404
    assert personal.get("/api/scores").json() == []


def test_one_person_never_sees_or_deletes_anothers_scores(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, alice_csrf, bob, bob_csrf = two_people
    made = alice.post(
        "/api/scores",
        json={"scale": "JRS", "value": "2", "rated_on": "2026-04-01"},
        headers={"x-csrf-token": alice_csrf},
    )
    assert made.status_code == 201, made.text
    score_id = made.json()["id"]
    assert bob.get("/api/scores").json() == []
    assert "JRS" not in bob.get("/scores").text
    assert bob.delete(f"/api/scores/{score_id}", headers={"x-csrf-token": bob_csrf}).status_code == 404
    page = bob.post("/scores/delete", data={"csrf_token": bob_csrf, "score": str(score_id)})
    assert page.status_code == 404
    assert len(alice.get("/api/scores").json()) == 1
