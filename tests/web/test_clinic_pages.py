"""The clinic's pages over the real app (both backends): codes, scores, bad input, limits, personal mode."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nasalis.config import Settings
from nasalis.diary import accounts, clinic, clinician_scores
from nasalis.diary.models import Account, ClinicianScore
from nasalis.web.app import create_app
from tests.web.conftest import PASSWORD, sign_in, sign_up


@pytest.fixture
def clinic_app(server_app: Settings) -> Iterator[tuple[TestClient, str, TestClient, str, int]]:
    """alice (a person) and drlee (a clinician) signed in on one app; alice's person id."""
    app = create_app(server_app)
    with app.state.store.write() as session:
        clinic.add_clinician(session, "drlee", accounts.hash_password(PASSWORD))
    with TestClient(app) as alice, TestClient(app) as doctor:
        alice_token = sign_up(alice, "alice")
        yield (
            alice,
            alice_token,
            doctor,
            sign_in(doctor, "drlee"),
            app.state.store.person_id("account:alice"),
        )
    app.state.store.close()


def test_a_code_is_shown_once_works_once_and_wrong_ones_are_limited(
    clinic_app: tuple[TestClient, str, TestClient, str, int],
) -> None:
    alice, alice_token, doctor, doctor_token, _alice_id = clinic_app
    made = doctor.post("/clinic/codes", data={"csrf_token": doctor_token})
    found = re.search(r'class="one-time-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', made.text)
    assert found
    code = found.group(1)
    assert code not in str(made.url)  # never in an address, so never in a log or the history
    assert code not in doctor.get("/clinic").text  # shown on that answer only
    no_scope = alice.post("/clinicians", data={"csrf_token": alice_token, "code": code})
    assert no_scope.status_code == 422
    assert 'id="scopes-error"' in no_scope.text
    granted = alice.post("/clinicians", data={"csrf_token": alice_token, "code": code, "scopes": "videos"})
    assert granted.url.query == b"msg=granted"
    for _ in range(clinic.MAX_CODE_TRIES - 2):  # two tries counted already
        wrong = alice.post("/clinicians", data={"csrf_token": alice_token, "code": code, "scopes": "summary"})
        assert wrong.status_code == 422
    limited = alice.post(
        "/clinicians", data={"csrf_token": alice_token, "code": "ZZZZ-ZZZZ", "scopes": "summary"}
    )
    assert limited.status_code == 429
    assert "too many" in limited.text
    by_name = alice.post(
        "/clinicians", data={"csrf_token": alice_token, "clinician": "drlee", "scopes": "diary"}
    )
    assert by_name.url.query == b"msg=granted"  # a username is not a code: not held by the limit
    nobody = alice.post(
        "/clinicians", data={"csrf_token": alice_token, "clinician": "alice", "scopes": "diary"}
    )
    assert nobody.status_code == 422
    assert 'id="clinician-error"' in nobody.text


def test_a_clinician_records_a_score_attributed_to_them_and_the_person_sees_it_in_the_log(
    clinic_app: tuple[TestClient, str, TestClient, str, int],
) -> None:
    alice, alice_token, doctor, doctor_token, alice_id = clinic_app
    url = f"/clinic/people/{alice_id}/scores"
    assert doctor.get(url).status_code == 404  # no grant yet
    alice.post("/clinicians", data={"csrf_token": alice_token, "clinician": "drlee", "scopes": "summary"})
    assert doctor.get(url).status_code == 200
    bad = doctor.post(
        url, data={"csrf_token": doctor_token, "scale": "JRS", "value": "", "rated_on": "2026-13-01"}
    )
    assert bad.status_code == 422
    assert 'id="value-error"' in bad.text
    assert 'id="rated_on-error"' in bad.text
    no_token = doctor.post(url, data={"scale": "JRS", "value": "3", "rated_on": "2026-02-01"})
    assert no_token.status_code == 403
    store = alice.app.state.store  # type: ignore[attr-defined]
    with store.read() as session:
        assert clinician_scores.scores_of(session, alice_id) == []  # nothing from the refusals
    form = {
        "csrf_token": doctor_token,
        "scale": "Jankovic Rating Scale",
        "value": "3",
        "rated_on": "2026-02-01",
    }
    assert "Score saved" in doctor.post(url, data=form).text
    assert "Score saved" in doctor.post(url, data=form).text  # a retry adds nothing
    with store.read() as session:
        [score] = session.scalars(select(ClinicianScore).where(ClinicianScore.person_id == alice_id)).all()
        clinician = session.scalar(select(Account.id).where(Account.username == "drlee"))
    assert (score.source, score.rated_by, score.entered_by_account) == ("clinic", "drlee", clinician)
    log = alice.get("/clinicians").text
    assert "recorded a clinician-rated score" in log
    assert "Jankovic Rating Scale 3" in log
    # The person's Undo takes back their own last entry, never the clinician's score.
    undone = alice.post("/api/undo", headers={"x-csrf-token": alice_token})
    assert "Jankovic" not in undone.text
    with store.read() as session:
        assert len(clinician_scores.scores_of(session, alice_id)) == 1


def test_the_dashboard_shows_only_what_each_grant_opens(
    clinic_app: tuple[TestClient, str, TestClient, str, int],
) -> None:
    alice, alice_token, doctor, _doctor_token, alice_id = clinic_app
    alice.post("/clinicians", data={"csrf_token": alice_token, "clinician": "drlee", "scopes": "videos"})
    board = doctor.get("/clinic").text
    assert "New video measures" in board
    assert "Latest assessment" not in board
    assert "Twitches per day" not in board
    report = doctor.get(f"/clinic/people/{alice_id}/report?first=2026-01-01&last=2026-02-01")
    assert report.status_code == 200
    assert "Latest assessment" not in report.text
    assert "Daily record" not in report.text
    assert doctor.get(f"/clinic/people/{alice_id}/report?first=yesterday").status_code == 422


def test_personal_mode_has_no_clinic(personal: TestClient) -> None:
    for path in ("/clinic", "/clinicians", "/clinic/people/1/report"):
        assert personal.get(path).status_code == 404, path


def test_removing_a_clinician_ends_their_sessions_at_once(
    clinic_app: tuple[TestClient, str, TestClient, str, int],
) -> None:
    alice, alice_token, doctor, _doctor_token, alice_id = clinic_app
    alice.post("/clinicians", data={"csrf_token": alice_token, "clinician": "drlee", "scopes": "summary"})
    assert doctor.get("/clinic").status_code == 200
    with alice.app.state.store.write() as session:  # type: ignore[attr-defined]
        clinic.remove_clinician(session, "drlee")
    gone = doctor.get(f"/clinic/people/{alice_id}/report", follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/login")
    assert "drlee" in alice.get("/clinicians").text  # the log still says who looked
