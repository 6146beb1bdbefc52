"""A link on another site that a signed-in clinician's browser follows logs the view and changes
nothing else: the report is not marked as seen (the dashboard's "new since" stays), and the
person's audit log says another site led there. A real `nasalis serve` process, as a browser
would reach it, told apart by the Sec-Fetch-Site header browsers send."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx2
from sqlalchemy import select

from nasalis.diary.clinic import FROM_ANOTHER_SITE
from nasalis.diary.models import ClinicAudit, ClinicGrant
from nasalis.diary.store import open_store
from tests.web.conftest import sign_in, sign_up
from tests.web.live import add_clinician, live_server


def _seen_and_audit(db: str) -> tuple[dt.datetime | None, list[tuple[str, str | None]]]:
    """The grant's last-seen mark and the audit lines (action, detail), oldest first."""
    store = open_store(db)
    try:
        with store.read() as session:
            seen = session.scalar(select(ClinicGrant.last_seen_at))
            lines = session.execute(select(ClinicAudit.action, ClinicAudit.detail).order_by(ClinicAudit.id))
            return seen, [(action, detail) for action, detail in lines]
    finally:
        store.close()


def test_a_cross_site_link_is_logged_as_such_and_marks_nothing_seen(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.db'}"
    add_clinician(db, "drlee")
    with (
        live_server(db, "--accounts") as base,
        httpx2.Client(base_url=base, timeout=60, follow_redirects=True) as person,
        httpx2.Client(base_url=base, timeout=60, follow_redirects=True) as doctor,
    ):
        token = sign_up(person, "rosa")
        granted = person.post(
            "/clinicians", data={"csrf_token": token, "clinician": "drlee", "scopes": ["summary"]}
        )
        assert granted.url.query == b"msg=granted", granted.text
        sign_in(doctor, "drlee", lands_on="/clinic")
        found = re.search(r"/clinic/people/(\d+)/report", doctor.get("/clinic").text)
        assert found
        report = f"/clinic/people/{found.group(1)}/report"
        before, lines = _seen_and_audit(db)
        assert before is None
        assert lines[-1] == ("dashboard", None)  # the clinician's own page: a plain view

        elsewhere = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"}
        assert doctor.get(report, headers=elsewhere).status_code == 200  # still shown, still logged
        assert doctor.get("/clinic", headers=elsewhere).status_code == 200
        seen, lines = _seen_and_audit(db)
        assert seen is None  # "new since" is not cleared by another site's link
        assert lines[-2:] == [("report", f"summary; {FROM_ANOTHER_SITE}"), ("dashboard", FROM_ANOTHER_SITE)]
        assert FROM_ANOTHER_SITE in person.get("/clinicians").text  # the person reads it too

        same = {"sec-fetch-site": "same-origin", "sec-fetch-mode": "navigate"}
        assert doctor.get(report, headers=same).status_code == 200
        seen, lines = _seen_and_audit(db)
        assert seen is not None  # the clinician's own click marks it seen, as before
        assert lines[-1] == ("report", "summary")
