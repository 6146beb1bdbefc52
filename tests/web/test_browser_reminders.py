"""The Settings page's reminder section in chromium at 390 px, in server mode: the browser's own
time zone offered, the e-mail opt-in saved, a calendar address made, copied, and subscribed to
(the feed it opens parsed with icalendar); axe passes throughout."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
from playwright.sync_api import Browser, expect

from nasalis.insights.calendar_feed import CHECK_IN_SUMMARY
from tests.web.browsing import PHONE, shot, sign_up_in_browser
from tests.web.live import live_server


def test_reminders_are_set_up_on_a_phone(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'server.db'}", "--accounts") as base:
        context = browser.new_context(viewport=PHONE, base_url=base, timezone_id="Asia/Tokyo")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text[:120]) if m.type == "error" else None)
        sign_up_in_browser(page, "kenji")
        page.goto("/settings")
        zone = page.get_by_label(re.compile("Your time zone"))
        expect(zone).to_have_value("Asia/Tokyo")  # the browser's own, offered before anything is saved
        page.get_by_label("E-mail address for reminders").fill("not an address")
        page.get_by_label(re.compile("E-mail me at my reminder time")).check()
        page.get_by_role("button", name="Save reminders").click()
        # The browser's own check speaks first for type=email; the server's refusal is tested apart.
        page.get_by_label("E-mail address for reminders").fill("kenji@example.org")
        page.get_by_role("button", name="Save reminders").click()
        expect(page.get_by_text("Settings saved.")).to_be_visible()
        expect(page.get_by_label(re.compile("E-mail me at my reminder time"))).to_be_checked()
        page.get_by_role("button", name="Make my calendar address").click()
        address = page.get_by_label("Your calendar address")
        expect(address).to_have_value(re.compile(r"/calendar/[A-Za-z0-9_-]{43}\.ics$"))
        expect(page.get_by_role("link", name="Add to my calendar")).to_have_attribute(
            "href", re.compile(r"^webcal://")
        )
        copy = page.get_by_role("button", name="Copy the address")
        copy.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        shot(page, "settings-reminders-phone")
        feed = context.request.get(address.input_value())
        status, body = feed.status, feed.body()
        context.close()
    assert status == 200
    calendar = icalendar.Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == CHECK_IN_SUMMARY
    assert str(event.decoded("DTSTART").tzinfo) == "Asia/Tokyo"
    assert errors == []
