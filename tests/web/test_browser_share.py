"""Share links in chromium at 390 px (server mode): a person makes a link, a browser without their
session opens it and sees only the chosen section, the person revokes it, and the next opening
is refused with a plain 410 page; axe passes on each page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.browsing import PHONE, shot, sign_up_in_browser
from tests.web.live import live_server


def test_a_link_is_made_opened_and_revoked_on_a_phone(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'server.db'}", "--accounts") as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text[:120]) if m.type == "error" else None)
        sign_up_in_browser(page, "noor")
        page.get_by_role("button", name="Twitch now").click()
        expect(page.get_by_text("Twitch logged.")).to_be_visible()
        page.goto("/sharing")
        page.get_by_label(re.compile("Name of the link")).fill("Dr Rao, neurology")
        for other in ("Summary", "Video measures", "Experiments"):
            page.get_by_role("checkbox", name=re.compile(other)).uncheck()
        page.get_by_role("button", name="Make the link").click()
        address = page.get_by_label("Your share link")
        expect(address).to_have_value(re.compile(r"/shared/[A-Za-z0-9_-]{43}$"))
        link = address.input_value()
        shot(page, "sharing-new-link-phone")

        clinician = browser.new_context(viewport=PHONE)  # another browser: no cookies, no session
        report = clinician.new_page()
        report.goto(link)
        expect(report.get_by_role("heading", name=re.compile("Daily record"))).to_be_visible()
        expect(report.get_by_role("heading", name="Latest assessment")).to_have_count(0)
        expect(report.get_by_role("heading", name="Video measures")).to_have_count(0)
        expect(report.get_by_role("navigation", name="Main")).to_have_count(0)
        assert report.evaluate("() => navigator.serviceWorker.controller") is None
        shot(report, "shared-report-phone")

        page.goto("/sharing")
        expect(page.get_by_text("Opened 1 time")).to_be_visible()
        page.get_by_text("Revoke…").click()
        page.get_by_role("button", name='Revoke the link "Dr Rao, neurology"').click()
        expect(page.get_by_text("Link revoked")).to_be_visible()
        expect(page.get_by_text(re.compile("^revoked "))).to_be_visible()
        shot(page, "sharing-phone")

        answer = report.goto(link)
        assert answer is not None
        assert answer.status == 410
        expect(report.get_by_role("heading", name="This link no longer works")).to_be_visible()
        shot(report, "shared-gone-phone")
        clinician.close()
        context.close()
    assert errors == []
