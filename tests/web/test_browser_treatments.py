"""Treatments in a real browser at 390 px: Today's "I had an injection" and the Treatments page (axe too)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import open_store
from nasalis.diary.treatments import TreatmentRecord, add_treatment
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server

TODAY = dt.date.today()


def _two_cycles(url: str) -> None:
    """A diary with two injections 100 days apart: 9 twitches a day, 2 from about day 10 to 70."""
    store = open_store(url)
    me = store.person_id()
    first = TODAY - dt.timedelta(days=150)
    days, episodes = [], []
    for offset in range(-30, 151):
        day = first + dt.timedelta(days=offset)
        since = offset % 100 if offset >= 0 else 200
        level = 9 if since < 5 or since > 80 else 2 if 10 <= since <= 70 else 5
        days.append(DayRecord(date=day))
        episodes += [
            EpisodeRecord(dt.datetime.combine(day, dt.time(7 + k), tzinfo=dt.UTC)) for k in range(level)
        ]
    import_bundle(store, me, Bundle(episodes=episodes, days=days))
    with store.write() as s:
        add_treatment(s, me, TreatmentRecord(first, "botulinum_toxin", "Botox", 30, ("eyelid",), "both"))
        add_treatment(s, me, TreatmentRecord(first + dt.timedelta(days=100), "botulinum_toxin", "Botox", 30))
    store.close()


@pytest.fixture
def phone(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A phone-sized page on a personal-mode server over a diary with two cycles."""
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    _two_cycles(url)
    with live_server(url) as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        yield context.new_page()
        context.close()


def test_today_injection_form_then_the_treatments_page(phone: Page) -> None:
    page = phone
    page.goto("/")
    page.get_by_text("I had an injection").click()
    page.get_by_label("Product").fill("Xeomin")
    page.get_by_label("Units").fill("20")
    shot(page, "today-injection-phone")
    page.get_by_role("button", name="Save the injection").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status").filter(has_text="Removed again")).to_contain_text("(Xeomin)")

    page.goto("/treatments")
    expect(page.get_by_role("heading", name="Your cycles")).to_be_visible()
    plot = page.locator("svg.cycle-plot")
    expect(plot).to_be_visible()
    expect(plot.locator("polyline")).to_have_count(2)
    expect(page.locator("ul.cycles li").first).to_contain_text(re.compile(r"cycle 1: "))
    expect(page.get_by_text("not a diagnosis", exact=False).first).to_be_visible()
    shot(page, "treatments-phone")
    page.get_by_label("What").select_option("procedure")
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    page.get_by_label("Day it was given").fill(future)
    page.get_by_role("button", name="Add treatment").click()  # the browser holds a future day back
    assert page.locator("#date").evaluate("e => e.validity.rangeOverflow") is True
    page.get_by_label("Day it was given").fill((TODAY - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Add treatment").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.locator("ul.treatments li").first).to_contain_text("Procedure")
