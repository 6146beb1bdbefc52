"""Everyday use in a real browser with JavaScript on (htmx boosting every link and form), at 390 px.

A person mistypes a check-in, filters the diary the wrong way round, goes Back and taps an old
Undo, fills in yesterday from the calendar with the keyboard only — and every page passes axe-core.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.web.axe import violations
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server


@pytest.fixture
def phone(browser: Browser, tmp_path: Path) -> Iterator[tuple[Page, list[str]]]:
    """A phone-sized page on a fresh personal-mode server, and the console errors it logs."""
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text[:120]) if m.type in ("error", "warning") else None)
        yield page, console
        context.close()


def test_errors_appear_beside_their_field_with_javascript_on(phone: tuple[Page, list[str]]) -> None:
    page, console = phone
    page.goto("/")
    shot(page, "first-visit-phone")
    page.get_by_label("Stress today (0-10)").fill("15")
    page.get_by_label("Alcoholic drinks").fill("2")  # sleep is asked in the morning card now
    page.get_by_role("button", name="Save check-in").click()
    stress = page.get_by_label("Stress today (0-10)")
    expect(stress).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#stress-error")).to_have_text("Must be from 0 to 10 (got 15)")
    expect(page.get_by_role("alert")).to_contain_text("One thing needs fixing; nothing was saved")
    expect(page.get_by_label("Alcoholic drinks")).to_have_value("2")  # what was typed stays
    assert page.url.endswith("/"), page.url  # a reload goes to Today, not to a POST-only address
    shot(page, "check-in-error-phone")
    stress.fill("4")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()

    page.goto("/diary")
    page.get_by_label("From").fill("2026-05-10")
    page.get_by_label("To", exact=True).fill("2026-05-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#from-error")).to_have_text("Must not be after 'to'")
    expect(page.get_by_label("From")).to_have_attribute("aria-invalid", "true")
    assert not [m for m in console if "Content Security Policy" in m], console


def test_an_old_undo_takes_back_only_what_it_names(phone: tuple[Page, list[str]]) -> None:
    page, _ = phone
    page.goto("/")
    page.get_by_role("button", name="Twitch now").click()
    expect(page.get_by_text("Twitch logged.")).to_be_visible()
    save = page.get_by_role("button", name="Save details").bounding_box()
    assert save is not None
    assert save["y"] + save["height"] <= PHONE["height"], save  # no scrolling to reach Save
    page.get_by_label("Stress today (0-10)").fill("6")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Twitch logged.")).to_be_visible()
    page.reload()  # Back and reload: the message and its Undo still name the twitch
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Removed again: twitch at \d{4}-\d\d-\d\d \d\d:\d\d")
    )
    expect(page.get_by_role("heading", name="Today's twitches (0)")).to_be_visible()
    expect(page.get_by_label("Stress today (0-10)")).to_have_value("6")  # the check-in stays
    page.go_back()
    page.reload()
    expect(page.get_by_text("This was undone later.")).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)


def test_the_morning_check_in_and_no_twitches_today_on_the_phone(phone: tuple[Page, list[str]]) -> None:
    page, console = phone
    page.goto("/")
    expect(page.get_by_role("heading", name="Morning check-in")).to_be_visible()
    page.get_by_label("Hours slept last night").fill("6.5")
    page.get_by_label("Stress this morning (0-10)").fill("3")
    page.get_by_label("Coffees, energy drinks, strong teas so far today").fill("1")
    shot(page, "today-morning-phone")
    page.get_by_role("button", name="Save morning check-in").click()
    expect(page.get_by_text("Morning check-in saved.")).to_be_visible()
    expect(page.get_by_label("Stress this morning (0-10)")).to_have_value("3")
    expect(page.locator("#morning_at")).to_have_value(re.compile(r"^\d\d:\d\d$"))  # the phone's own clock
    page.get_by_role("button", name="No twitches today").click()
    expect(page.get_by_text("Saved: no twitches today.")).to_be_visible()
    expect(page.locator("#no-twitches-confirmed")).to_contain_text("no twitches today (confirmed)")
    shot(page, "today-no-twitches-phone")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("button", name="No twitches today")).to_be_visible()
    expect(page.get_by_label("Stress this morning (0-10)")).to_have_value("3")  # the morning stays
    page.get_by_role("button", name="No twitches today").click()
    page.goto("/diary")
    expect(page.locator("table.list").last).to_contain_text("no twitches (confirmed)")
    page.goto("/")
    page.get_by_role("button", name="Twitch now").click()
    expect(page.get_by_text("Twitch logged.")).to_be_visible()
    expect(page.locator("#no-twitches-why")).to_contain_text("1 twitch is logged today")
    expect(page.get_by_role("button", name="No twitches today")).to_have_count(0)
    assert not [m for m in console if "Content Security Policy" in m], console


def test_yesterday_is_filled_in_from_the_calendar_with_the_keyboard(phone: tuple[Page, list[str]]) -> None:
    page, _ = phone
    yesterday = dt.date.today() - dt.timedelta(days=1)
    page.goto("/diary")
    expect(page.locator("td.today a[aria-current=date]")).to_have_count(1)
    expect(page.locator("tr.month th").first).to_have_text(re.compile(r"[A-Z][a-z]+ \d{4}"))
    shot(page, "diary-calendar-phone")
    page.locator(f"a[href='/diary/day/{yesterday.isoformat()}']").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(yesterday.strftime("%d %B %Y"))
    page.get_by_label("Add a twitch at").fill("09:15")
    page.get_by_label("Add a twitch at").press("Enter")
    expect(page.get_by_text("Twitch logged.")).to_be_visible()
    expect(page.locator("ul.episodes")).to_contain_text("09:15")
    page.get_by_label("Hours slept last night").fill("5.5")
    page.get_by_label("Time of the morning check-in").fill("07:20")
    page.get_by_role("button", name="Save morning check-in").click()
    expect(page.get_by_text("Morning check-in saved.")).to_be_visible()
    expect(page.get_by_label("Hours slept last night")).to_have_value("5.5")
    page.get_by_label("Tags").fill("late shift, coffee")
    page.get_by_label("Tags").press("Enter")
    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    expect(page.get_by_label("Tags")).to_have_value("late shift, coffee")
    shot(page, "day-page-phone")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text(re.compile("Put back as it was: check-in for .* changed"))).to_be_visible()
    expect(page.get_by_label("Tags")).to_have_value("")
    expect(page.get_by_label("Hours slept last night")).to_have_value("5.5")  # the morning's stays


PAGES = [
    "/",
    "/diary",
    f"/diary/day/{dt.date.today().isoformat()}",
    "/progress",
    "/insights",
    "/experiments",
    "/videos",
    "/assess",
    "/assessments",
    "/medicines",
    "/learn",
    "/import",
    "/export",
    "/settings",
    "/phone",
]


def test_every_page_fits_a_phone_passes_axe_and_logs_no_policy_errors(phone: tuple[Page, list[str]]) -> None:
    page, console = phone
    page.goto("/")
    page.get_by_role("button", name="Twitch now").click()  # a diary with something in it
    expect(page.get_by_text("Twitch logged.")).to_be_visible()
    failures: dict[str, list[str]] = {}
    for path in PAGES:
        console.clear()
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = violations(page)
        if page.evaluate("() => document.documentElement.scrollWidth") > PHONE["width"]:
            found.append("wider than the phone")
        found += [m for m in console if "Content Security Policy" in m or "Refused" in m]
        if found:
            failures[path] = found
    assert failures == {}, "\n".join(f"{p}: {f}" for p, f in failures.items())


def test_a_twitch_is_one_tap_and_its_details_two_more(phone: tuple[Page, list[str]]) -> None:
    """The issue's goal on a phone: Twitch now logs it; a strength and Save details add the details."""
    page, _console = phone
    page.goto("/")
    taps = 0

    def tap(target: Locator) -> None:
        nonlocal taps
        target.click()  # a tap on the phone: one press on one control
        taps += 1

    tap(page.get_by_role("button", name="Twitch now"))
    expect(page.get_by_role("heading", name="Details (optional)")).to_be_visible()
    logged = page.request.get("/api/episodes").json()
    assert taps == 1
    assert len(logged) == 1, logged
    assert logged[0]["intensity"] is None
    tap(page.get_by_role("radio", name="6"))
    tap(page.get_by_role("button", name="Save details"))
    expect(page.get_by_text("Details saved")).to_be_visible()
    after = page.request.get("/api/episodes").json()
    assert taps == 3
    assert [e["intensity"] for e in after] == [6], after
