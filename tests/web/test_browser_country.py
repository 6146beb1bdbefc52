"""The country question in a real browser (Debian's chromium): a German phone is asked once on
Today, answers Yes and sees 112 on every page; a browser whose language has no region gets the
list, preselected from navigator.language where it has one."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server


def test_a_german_phone_is_asked_once_and_then_sees_112(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=PHONE, locale="de-DE")
        page = context.new_page()
        page.goto(base + "/")
        expect(page.locator(".country-ask")).to_contain_text("Is your country Germany?")
        # only a guess until the person says: Germany's number first, the generic ones after it
        expect(page.locator("footer")).to_contain_text("In an emergency call 112, 999 or 911.")
        shot(page, "country-ask-phone")
        page.locator(".country-ask").get_by_role("button", name="Yes").click()
        page.wait_for_url("**/?msg=saved")
        expect(page.locator(".country-ask")).to_have_count(0)
        expect(page.locator(".emergency-note")).to_contain_text("Call 112 now.")
        page.goto(base + "/settings")
        expect(page.locator("#country-choice")).to_have_value("DE")
        shot(page, "settings-country-phone")
        page.locator("#country-choice").select_option("AT")
        page.get_by_role("button", name="Save country").click()
        page.wait_for_url("**/settings?msg=settings*")
        expect(page.locator("footer")).to_contain_text("In an emergency call 144 or 112.")
        context.close()


def test_a_language_without_a_region_gets_the_list(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        headers = {"Accept-Language": "de"}
        context = browser.new_context(viewport=PHONE, locale="de", extra_http_headers=headers)
        page = context.new_page()
        page.goto(base + "/")
        expect(page.locator("footer")).to_contain_text("In an emergency call 999, 112 or 911.")
        ask = page.locator(".country-ask")
        expect(ask).to_contain_text("Which country are you in?")
        region = page.evaluate("() => (navigator.language.split('-')[1] || '').toUpperCase()")
        if region:  # the page preselects the browser's own region when it has one
            expect(page.locator("#country-ask")).to_have_value(region)
        page.locator("#country-ask").select_option("AU")
        ask.get_by_role("button", name="Save").click()
        page.wait_for_url("**/?msg=saved")
        expect(page.locator("footer")).to_contain_text("In an emergency call 000.")
        context.close()
