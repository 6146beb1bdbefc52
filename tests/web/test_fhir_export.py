"""The FHIR Bundle over HTTP: a download per person, nobody else's data in it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from tests.report.bundles import SNOMED, codes_of, resources_of


def test_the_web_downloads_it_and_each_person_gets_only_their_own(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, alice_csrf, bob, _ = two_people
    made = alice.post(
        "/api/episodes",
        json={"started_at": "2026-03-02T08:15:00+01:00", "intensity": 8, "areas": ["nose"], "side": "left"},
        headers={"X-CSRF-Token": alice_csrf},
    )
    assert made.status_code == 201, made.text
    mine = alice.get("/api/export", params={"format": "fhir"})
    assert mine.status_code == 200
    assert mine.headers["content-type"] == "application/fhir+json"
    assert "attachment" in mine.headers["content-disposition"]
    Bundle.model_validate(mine.json())
    (symptom,) = [o for o in resources_of(mine.json(), "Observation") if "profile" in o.get("meta", {})]
    assert codes_of(symptom["component"][0]["valueCodeableConcept"]) == {(SNOMED, "24484000")}  # 8/10: severe
    theirs = bob.get("/export", params={"format": "fhir"}).json()
    assert [e["resource"]["resourceType"] for e in theirs["entry"]] == ["Patient", "Provenance"]
    (only,) = theirs["entry"][1]["resource"]["target"]  # bob's provenance names his Patient alone
    assert only["reference"] == theirs["entry"][0]["fullUrl"]
    assert alice.get("/export", params={"format": "xml"}).status_code == 422
    assert "FHIR R4 Bundle" in alice.get("/export").text
