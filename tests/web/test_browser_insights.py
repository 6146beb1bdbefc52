"""Insights and experiments in a real browser on a 390 px phone, with JavaScript (htmx) on.

Insights read in plain sentences before the statistics, name no internal column or verdict
code, and every table fits the phone without sideways scrolling; an experiment is planned,
shows as planned (not "nothing running"), refuses a past start beside its field, and is
stopped only after a confirmation. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bench.support.simulator import Effect, simulate
from playwright.sync_api import Browser, Page, expect

from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import open_store
from nasalis.insights.analysis import TIMES
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server

INTERNAL = re.compile(
    r"likely_\w+|not_enough_data|no_evidence|tag:\w|caffeine_drinks|sleep_hours|allergy_symptoms|\w+_\w+:"
)
"""Column names, tag keys and verdict codes: a person should never see them."""
BAD_WORDING = re.compile(r"\b1 (twitches|days|tests)\b|\b\d+\.0 (drinks|days|twitches)\b")


def _fits(page: Page, name: str) -> None:
    """Assert each of the page's tables fits the screen too, then check and keep it as `shot` does."""
    # A table that scrolls inside itself hides columns off the side of a phone as surely.
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main table')]"
        ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.scrollWidth + ' > ' + t.clientWidth)"
    )
    assert wide == [], f"{name}: tables wider than the phone: {wide}"
    shot(page, name)


def _simulated_diary(db_url: str) -> None:
    """120 days ending yesterday: caffeine a same-day trigger, cheese the day before; never a sneeze."""
    start = dt.date.today() - dt.timedelta(days=120)
    diary = simulate(
        120, [Effect("caffeine_drinks", 1.5), Effect("tag:cheese", 2.2, lag=1)], seed=11, start=start
    )
    days = [DayRecord(**{**d.__dict__, "allergy_symptoms": False}) for d in diary.days]
    zone = dt.datetime.now().astimezone().tzinfo
    episodes = [
        EpisodeRecord(started_at=dt.datetime.combine(d, dt.time(8 + i % 12, i % 60), zone))
        for i, d in enumerate(diary.episode_dates)
    ]
    store = open_store(db_url)
    import_bundle(store, store.person_id(), Bundle(episodes, days))
    store.close()


def _console_errors(page: Page) -> list[str]:
    """Console errors as they come, except the browser's and htmx's own line about a 422 reply."""
    errors: list[str] = []

    def seen(text: str) -> None:
        if "422" not in text:  # a refused form is the expected answer, shown on the page
            errors.append(f"{page.url}: {text[:90]}")

    page.on("console", lambda m: seen(m.text) if m.type == "error" else None)
    return errors


def test_insights_read_in_plain_sentences_first_and_fit_a_phone(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'diary.db'}"
    _simulated_diary(db_url)
    with live_server(db_url) as base:
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        errors = _console_errors(page)
        page.goto("/insights")
        first = page.locator("ul.findings li").first
        expect(first).to_be_visible()
        expect(first).to_contain_text(re.compile(r"^On (days|the day after a day) with "))
        coffee = page.locator("ul.findings li", has_text="coffee")
        x = TIMES
        said = r"^On days with one more coffee, energy drink or strong tea you had about 1\.\d"
        expect(coffee).to_contain_text(re.compile(rf"{said}{x} as many"))
        expect(coffee).to_contain_text(re.compile(rf"could be between 1\.\d+{x} and \d\.\d+{x}"))
        never = page.get_by_text("Cannot be tested until it changes from day to day: sneezing")
        expect(never).to_be_visible()  # not "about 360 more days" for a factor never there
        # The sentences come before the statistics, and the first one is on the first screen.
        statistics = page.get_by_role("heading", name="The statistics")
        first_box, stats_box = first.bounding_box(), statistics.bounding_box()
        assert first_box
        assert stats_box
        assert first_box["y"] < stats_box["y"]
        assert first_box["y"] + first_box["height"] < PHONE["height"]
        page.locator("details summary").first.click()  # the other tests, opened: they must fit too
        text = page.evaluate("() => document.body.innerText")
        assert not INTERNAL.search(text), INTERNAL.findall(text)
        assert not BAD_WORDING.search(text), BAD_WORDING.findall(text)
        # The note's count and the folded list's count are of the same tests.
        ran, total = map(int, re.findall(r"(\d+) of the (\d+) tests had enough data", text)[0])
        shown = page.locator("table.factors").first.locator("tbody tr").count()
        assert f"The other {total - shown} of the {total} tests" in text
        assert total - ran == page.locator("tr.verdict-not_enough_data").count()
        assert "more days" not in page.locator("tr", has_text="sneezing").first.inner_text()
        _fits(page, "insights-plain-phone")
        assert errors == [], "\n".join(errors)


def test_an_experiment_is_planned_shown_and_stopped_only_after_asking(
    browser: Browser, tmp_path: Path
) -> None:
    today = dt.date.today()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        errors = _console_errors(page)
        page.goto("/experiments")
        title, start = page.get_by_label("The change to try"), page.get_by_label("First day")
        title.fill("   ")
        start.fill((today - dt.timedelta(days=1)).isoformat())  # a past start: no randomised block
        page.get_by_role("button", name="Plan it").click()
        # With htmx on, the 422 page is swapped in: each message beside its own field.
        expect(page.locator("#title-error")).to_contain_text("Describe the change in 1 to 200 characters")
        expect(page.locator("#start-error")).to_contain_text("Must be today or later")
        expect(title).to_have_attribute("aria-invalid", "true")
        expect(start).to_have_attribute("aria-describedby", "start-error")
        expect(page.get_by_role("alert")).to_contain_text("2 things need fixing; nothing was saved")
        expect(start).to_have_value((today - dt.timedelta(days=1)).isoformat())  # what was typed is kept
        expect(page.locator("table.power")).to_have_count(3)  # the power before the start, per change
        expect(page.get_by_text("Even 12 weeks are not enough").first).to_be_visible()
        _fits(page, "experiments-error-phone")

        title.fill("no coffee after noon")  # an ordinary title, spaces and all
        start.fill("")
        page.get_by_role("button", name="Plan it").click()
        expect(page.get_by_text("Experiment planned.")).to_be_visible()
        planned = page.locator("section.experiment", has_text="“no coffee after noon”")
        expect(planned).to_contain_text(f"Planned: starts tomorrow, on {tomorrow}")
        expect(page.get_by_role("button", name="Plan it")).to_have_count(0)  # not the form, as if idle
        expect(page.get_by_text("Until then, live as usual.")).to_be_visible()
        _fits(page, "experiments-planned-phone")

        page.get_by_role("link", name="Stop this experiment early").click()
        expect(page.get_by_role("heading", name="Stop “no coffee after noon”?")).to_be_visible()
        _fits(page, "experiments-stop-confirm-phone")
        page.get_by_role("link", name="No, keep going").click()
        expect(planned).to_be_visible()  # asking changed nothing

        page.get_by_role("link", name="Stop this experiment early").click()
        page.get_by_role("button", name="Yes, stop it").click()
        expect(page.get_by_text("Experiment stopped.")).to_be_visible()
        expect(page.locator("ul.results li").first).to_contain_text(
            f"Stopped on {today.isoformat()}, before it began"
        )

        page.get_by_label("The change to try").fill("no cheese")
        page.get_by_label("First day").fill(today.isoformat())
        page.get_by_label("Length").select_option("4")
        page.get_by_label("Days per block").select_option("7")
        page.get_by_role("button", name="Plan it").click()
        expect(page.locator("section.experiment")).to_contain_text("Running: day 1 of 28")
        expect(page.get_by_role("note")).to_contain_text("Block 1 of 4")
        asked = page.get_by_text("Did you keep the change today?")
        if "Do the change" in page.get_by_role("note").inner_text():  # the order is drawn at random
            expect(asked).to_be_visible()
            page.get_by_role("button", name="Yes, kept it").click()
            expect(page.get_by_text("Answer saved.")).to_be_visible()
            expect(page.get_by_text("You said yes")).to_be_visible()
            _fits(page, "experiments-kept-phone")
        else:
            expect(asked).to_have_count(0)  # a usual day: nothing to ask
        page.get_by_role("link", name="Stop this experiment early").click()
        page.get_by_role("button", name="Yes, stop it").click()
        result = page.locator("ul.results li", has_text="no cheese")
        expect(result).to_contain_text(f"Stopped on {today.isoformat()} after 1 day of 28 days")
        expect(result).to_contain_text("too few days to tell")
        expect(result).to_contain_text("0 change days and 0 usual days counted")
        _fits(page, "experiments-stopped-phone")
        assert errors == [], "\n".join(errors)
