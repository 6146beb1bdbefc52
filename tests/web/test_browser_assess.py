"""The questionnaire and the medicines list in a real chromium at phone width, with the keyboard.

A real server process (as `nasalis serve` runs it) with JavaScript and htmx on: Back, a reload,
the progress count and an error beside its field; medicines added, stopped and undone, and
those typed in an assessment added to the list. Screenshots go to docs/screenshots.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server


@pytest.fixture
def phone(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        yield context.new_page()
        context.close()


def _at_question(page: Page, number: int) -> None:
    expect(page.locator("#progress")).to_contain_text(f"Question {number}")


def _next_by_keyboard(page: Page, number: int) -> None:
    """From the focused answer, Tab to Next and press Enter; wait for question `number`."""
    page.keyboard.press("Tab")
    expect(page.locator("button:focus")).to_have_text("Next")
    page.keyboard.press("Enter")
    _at_question(page, number)


def test_questionnaire_by_keyboard_back_reload_and_errors(phone: Page) -> None:
    page = phone
    page.goto("/assess")
    _at_question(page, 1)
    expect(page.locator("#progress")).to_contain_text(re.compile(r"up to \d+ more questions"))
    for number in (2, 3, 4):  # face, arm, speech: the focus is on "Yes"; the arrow key picks "No"
        expect(page.locator("input[value=yes]:focus")).to_have_count(1)
        page.keyboard.press("ArrowDown")
        expect(page.locator("input[value=no]")).to_be_checked()
        _next_by_keyboard(page, number)
    expect(page.locator("input[value=none]:focus")).to_have_count(1)
    page.keyboard.press("Space")  # vision: the first choice, "No"
    expect(page.locator("input[value=none]")).to_be_checked()
    _next_by_keyboard(page, 5)
    shot(page, "assess-question-phone")

    page.keyboard.press("Tab")  # Next
    page.keyboard.press("Tab")
    expect(page.locator("button:focus")).to_have_text("Back to question 4")
    page.keyboard.press("Enter")
    _at_question(page, 4)
    expect(page.locator("input[value=none]")).to_be_checked()  # the answer is kept
    expect(page.locator("input[value=none]:focus")).to_have_count(1)
    shot(page, "assess-back-phone")
    page.reload()
    _at_question(page, 4)
    expect(page.locator("input[value=none]")).to_be_checked()
    _next_by_keyboard(page, 5)
    page.reload()  # a reload keeps every answer
    _at_question(page, 5)
    for number in (6, 7, 8):  # balance, headache, breathing: no
        expect(page.locator("input[value=yes]:focus")).to_have_count(1)
        page.keyboard.press("ArrowDown")
        _next_by_keyboard(page, number)

    expect(page.locator("legend")).to_contain_text("How old")
    expect(page.locator("#value:focus")).to_have_count(1)
    page.keyboard.type("200")
    page.keyboard.press("Enter")
    error = page.locator("#value-error")
    expect(error).to_have_text("Please type a number from 0 to 120")
    expect(page.locator("#value")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#value")).to_have_attribute("aria-describedby", "value-error")
    expect(page.locator("#value")).to_have_value("200")
    _at_question(page, 8)
    shot(page, "assess-error-phone")
    expect(page.locator("#value:focus")).to_have_count(1)  # focused again after the error
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    page.keyboard.press("Enter")
    _at_question(page, 9)
    assert page.url.endswith("/assess")  # no answers in the URL


def _answer_all(page: Page, medicines: str) -> None:
    """Answer "no" or "don't know" to everything, and `medicines` to the medicines question."""
    for _ in range(60):
        if page.locator(".result").count():
            return
        field = page.locator("input[name=field]").get_attribute("value")
        step = page.locator("input[name=step]").get_attribute("value")
        if field == "medications":
            page.locator("#value").fill(medicines)
            page.get_by_role("button", name="Next").click()
        elif page.locator("input[type=radio]").count():
            page.locator("input[type=radio][value=no], input[type=radio][value='?']").first.check()
            page.get_by_role("button", name="Next").click()
        else:
            page.get_by_role("button", name="I don't know").click()
        page.wait_for_function(
            "prev => document.querySelector('.result')"
            " || document.querySelector('input[name=step]').value !== prev",
            arg=step,
        )
    raise AssertionError("the questionnaire did not end")


def test_medicines_add_stop_undo_and_from_an_assessment(phone: Page) -> None:
    page = phone
    page.goto("/medicines")
    expect(page.get_by_text("No medicines on the list yet.")).to_be_visible()
    page.get_by_label(re.compile("^Name")).focus()
    page.keyboard.type("Ventolin")
    page.keyboard.press("Tab")
    page.keyboard.type("2 puffs when needed")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Saved.")
    taking = page.locator("ul.medicines").first
    expect(taking).to_contain_text("Ventolin (salbutamol), 2 puffs when needed")
    shot(page, "medicines-phone")

    page.get_by_role("button", name="Mark Ventolin as stopped").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Stopped")).to_be_visible()
    expect(page.get_by_text(f"stopped on {dt.date.today()}")).to_be_visible()
    shot(page, "medicines-stopped-phone")
    page.get_by_role("button", name="Undo").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Put back as it was: medicine Ventolin stopped on")
    page.goto("/medicines")
    expect(page.get_by_role("button", name="Mark Ventolin as stopped")).to_be_visible()
    expect(page.get_by_role("heading", name="Stopped")).to_have_count(0)

    page.goto("/assess")
    _answer_all(page, "Ventolin, sertraline")
    offer = page.locator(".offer-medicines")
    expect(offer).to_contain_text("1 medicine you named is not on your medicines list yet: sertraline.")
    shot(page, "assess-result-medicines-phone")
    offer.get_by_role("button", name="Add it to your medicines list").click()
    expect(page).to_have_url(re.compile(r"/medicines\?msg=saved"))
    expect(page.locator("ul.medicines").first).to_contain_text("sertraline")
    page.go_back()  # the result has a URL of its own: back there, nothing is left to offer
    page.reload()
    expect(page.locator(".result")).to_be_visible()
    expect(page.locator(".offer-medicines")).to_have_count(0)
