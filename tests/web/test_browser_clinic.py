"""Clinicians in chromium at 390 px, server mode: a person grants, the clinician opens the dashboard
and the report, the person revokes, the clinician's next request is refused; axe throughout."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.browsing import PHONE, shot, sign_in_in_browser, sign_up_in_browser
from tests.web.live import add_clinician, live_server


def test_a_person_grants_a_clinician_reads_and_the_person_revokes(browser: Browser, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.db'}"
    add_clinician(db, "drlee")
    with live_server(db, "--accounts") as base:
        mine = browser.new_context(viewport=PHONE, base_url=base)
        theirs = browser.new_context(viewport=PHONE, base_url=base)
        person, doctor = mine.new_page(), theirs.new_page()
        errors: list[str] = []
        for page in (person, doctor):
            page.on("console", lambda m: errors.append(m.text[:120]) if m.type == "error" else None)
        sign_up_in_browser(person, "rosa")
        csrf = person.locator("#waiting").get_attribute("data-csrf") or ""
        today = dt.date.today()
        for back in range(1, 70, 3):  # ten weeks of check-ins, fewer twitches lately
            day = today - dt.timedelta(days=back)
            assert person.request.put(
                f"/api/days/{day}", data={"stress": 3}, headers={"x-csrf-token": csrf}
            ).ok
            for hour in range(min(8, 2 + back // 10)):
                started = f"{day}T{8 + hour:02d}:00:00+00:00"
                sent = person.request.post(
                    "/api/episodes", data={"started_at": started}, headers={"x-csrf-token": csrf}
                )
                assert sent.ok, sent.text()
        person.goto("/clinicians")
        person.get_by_label("The clinician's username").fill("drlee")
        person.get_by_label("Full diary, day by day").check()
        person.get_by_role("button", name="Give access").click()
        expect(person.get_by_text("Access given")).to_be_visible()
        expect(person.get_by_role("button", name="Take back access from drlee")).to_be_visible()

        sign_in_in_browser(doctor, "drlee")
        expect(doctor).to_have_url(re.compile(r"/clinic$"))
        expect(doctor.get_by_role("heading", name="rosa")).to_be_visible()
        expect(doctor.get_by_role("img", name=re.compile("twitches per day by week"))).to_be_attached()
        shot(doctor, "clinic-dashboard-phone")
        doctor.get_by_role("link", name="Open the report").first.click()
        expect(doctor.get_by_text(re.compile("Daily record"))).to_be_visible()
        report_url = doctor.url

        person.goto("/clinicians")
        expect(person.get_by_text("opened your report")).to_be_visible()
        shot(person, "clinicians-phone")
        person.get_by_role("button", name="Take back access from drlee").click()
        expect(person.get_by_text("Access taken back")).to_be_visible()

        assert errors == []  # the refusal below is a 404 that chromium reports as an error, rightly
        refused = doctor.goto(report_url)
        assert refused is not None
        assert refused.status == 404
        expect(doctor.get_by_text("Daily record")).to_have_count(0)
        doctor.goto("/clinic")
        expect(doctor.get_by_text("Nobody has given you access yet.")).to_be_visible()
        mine.close()
        theirs.close()
