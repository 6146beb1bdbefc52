"""Clinicians across two real `nasalis serve` processes on one database (both backends).

The person grants on one server and the clinician reads on the other; the person revokes and
the clinician's very next request, in the other process, is refused: the grant is read from
the database on every request, never cached. A code works once. No log line of either
server carries the code, a name, a password or a session token.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx2

from tests.web.conftest import sign_in, sign_up
from tests.web.live import add_clinician, serving

PERSON = "zzpatientname"
DOCTOR = "zzdoctorname"
PASSWORD = "zz-marker-password-123"
NOTE = "zz-marker-note-after-coffee"


def test_revoking_on_one_worker_refuses_the_clinician_at_once_on_the_other(
    db_url: str, tmp_path: Path
) -> None:
    add_clinician(db_url, DOCTOR, PASSWORD)
    logs = tmp_path / "a.log", tmp_path / "b.log"
    with (
        serving(db_url, "--accounts", log=logs[0]) as (base_a, _a),
        serving(db_url, "--accounts", log=logs[1]) as (base_b, _b),
        httpx2.Client(base_url=base_a, timeout=60, follow_redirects=True) as person,
        httpx2.Client(base_url=base_b, timeout=60, follow_redirects=True) as doctor,
    ):
        token = sign_up(person, PERSON, PASSWORD)
        made = person.post(
            "/api/episodes",
            json={"started_at": "2026-02-01T08:00:00+00:00", "note": NOTE},
            headers={"x-csrf-token": token},
        )
        assert made.status_code == 201
        assert person.put(
            "/api/days/2026-02-01", json={"stress": 3}, headers={"x-csrf-token": token}
        ).is_success
        doctor_token = sign_in(doctor, DOCTOR, PASSWORD, lands_on="/clinic")  # a clinician lands there
        shown = doctor.post("/clinic/codes", data={"csrf_token": doctor_token})
        found = re.search(r'class="one-time-code">([A-Z0-9-]+)<', shown.text)
        assert found, shown.text
        code = found.group(1)
        grant = {"csrf_token": token, "code": code.lower(), "scopes": ["summary", "diary"]}
        assert person.post("/clinicians", data=grant).url.query == b"msg=granted"
        again = person.post("/clinicians", data=grant)
        assert again.status_code == 422  # single use
        assert "codes work once" in again.text
        board = doctor.get("/clinic")
        assert PERSON in board.text
        person_id = re.search(r"/clinic/people/(\d+)/report", board.text)
        assert person_id
        report_url = f"/clinic/people/{person_id.group(1)}/report?first=2026-01-01&last=2026-03-01"
        report = doctor.get(report_url)
        assert report.status_code == 200
        assert "Daily record" in report.text  # full diary: granted
        assert "Video measures" not in report.text  # videos: not granted
        assert NOTE not in report.text
        page = person.get("/clinicians")
        revoke = re.search(r'action="(/clinicians/\d+/revoke)"', page.text)
        assert revoke
        assert person.post(revoke.group(1), data={"csrf_token": token}).url.query == b"msg=access_revoked"
        refused = doctor.get(report_url)  # the very next request, in the other process
        assert refused.status_code == 404
        assert PERSON not in doctor.get("/clinic").text
        assert (
            doctor.post(
                f"/clinic/people/{person_id.group(1)}/scores", data={"csrf_token": doctor_token}
            ).status_code
            == 404
        )
        log_page = person.get("/clinicians").text
        assert "opened your report" in log_page
        assert "lost access" in log_page
        session_tokens = [person.cookies["nasalis_session"], doctor.cookies["nasalis_session"]]
    text = "\n".join(log.read_text(encoding="utf-8") for log in logs)
    assert "nasalis.request" in text
    for secret in (
        code,
        code.replace("-", ""),
        code.lower(),
        PERSON,
        DOCTOR,
        PASSWORD,
        NOTE,
        token,
        *session_tokens,
    ):
        assert secret not in text, secret
