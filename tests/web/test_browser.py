"""The web app in a real browser (Debian's chromium, headless, driven by Playwright).

A person logs three twitches, fills a check-in, runs the assessment to an emergency and to
self-care, imports a diary and sees its insights; in server mode two people cannot see each
other's diaries. Screenshots of the main pages go to docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from bench.support.simulator import Effect, simulate
from playwright.sync_api import Browser, Page, expect

from nasalis.diary.json_writer import day_json
from tests.web.browsing import PHONE, shot
from tests.web.conftest import PASSWORD, SELF_CARE_ANSWERS
from tests.web.live import live_server


def _answer_until_result(page: Page, answers: dict[str, str]) -> None:
    for _ in range(60):
        if page.locator(".result").count():
            return
        field = page.locator("input[name=field]").get_attribute("value") or ""
        step = page.locator("input[name=step]").get_attribute("value")
        answer = answers.get(field)
        typed = page.locator("input[type=number][name=value], input[type=text][name=value]")
        options = page.locator(f"input[name=value][value='{answer or 'no'}']")
        button: str | re.Pattern[str] = "Next"
        if typed.count() and answer and answer != "none":
            typed.fill(answer)
        elif answer == "none" and page.locator("button[name=skip][value=none]").count():
            button = re.compile("^None")  # "None" / "None of these"
        elif options.count():
            options.first.check()
        elif page.locator("input[type=radio][name=value][value='?']").count():
            page.locator("input[type=radio][name=value][value='?']").check()
        else:  # a number, a list or boxes with no answer given here
            button = "I don't know"
        page.get_by_role("button", name=button).click()
        _wait_for_next(page, step)
    raise AssertionError("the questionnaire did not end")


def _wait_for_next(page: Page, step: str | None) -> None:
    """Wait for htmx to swap in the next question, the result, or an error."""
    page.wait_for_function(
        "prev => document.querySelector('.result') || document.querySelector('.field-error')"
        " || document.querySelector('input[name=step]').value !== prev",
        arg=step,
    )


def _next(page: Page) -> None:
    """Press Next and wait for htmx to swap in the next question (or the result)."""
    step = page.locator("input[name=step]").get_attribute("value")
    page.get_by_role("button", name="Next").click()
    _wait_for_next(page, step)


def _diary_file(tmp_path: Path) -> Path:
    diary = simulate(70, [Effect("tag:cheese", 3.0)], seed=11, start=dt.date.today() - dt.timedelta(days=70))
    zone = dt.datetime.now().astimezone().tzinfo
    episodes = [
        {
            "started_at": dt.datetime.combine(d, dt.time(8 + i % 12, i % 60), zone).isoformat(),
            "intensity": 1 + i % 10,
        }
        for i, d in enumerate(diary.episode_dates)
    ]
    path = tmp_path / "diary.json"
    bundle = {"schema": "nasalis.diary/1", "days": [day_json(d) for d in diary.days], "episodes": episodes}
    path.write_text(json.dumps(bundle))
    return path


def test_a_person_logs_assesses_imports_and_sees_insights(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda m: errors.append(f"{page.url}: {m.text[:90]}") if m.type == "error" else None
        )
        page.goto("/")
        expect(page.locator(".emergency-note")).to_contain_text(re.compile(r"Call [0-9, or]+ now"))
        for strength in ("3", "6", "8"):
            page.get_by_role("button", name="Twitch now").click()
            expect(page.get_by_text("Twitch logged.")).to_be_visible()
            page.get_by_label(strength, exact=True).check()
            page.locator("label.chip", has_text="left").click()
            page.locator("label.chip", has_text="nose").click()
            page.get_by_role("button", name="Save details").click()
            expect(page.get_by_text("Details saved.")).to_be_visible()
        expect(page.get_by_role("heading", name="Today's twitches (3)")).to_be_visible()
        page.get_by_label("Hours slept last night").fill("6.5")
        page.get_by_role("button", name="Save morning check-in").click()
        expect(page.get_by_text("Morning check-in saved.")).to_be_visible()
        page.get_by_label("Stress today (0-10)").fill("7")
        page.get_by_label("Tags").fill("cheese, long drive")
        shot(page, "today-phone")
        page.get_by_role("button", name="Save check-in").click()
        expect(page.get_by_text("Check-in saved.")).to_be_visible()
        expect(page.get_by_label("Stress today (0-10)")).to_have_value("7")
        expect(page.get_by_label("Hours slept last night")).to_have_value("6.5")  # the morning stays

        page.goto("/assess")
        page.locator("input[name=value][value=no]").check()
        _next(page)
        page.locator("input[name=value][value=yes]").check()
        _next(page)
        expect(page.locator(".level-emergency")).to_contain_text("call emergency services now")
        shot(page, "assess-emergency-phone")
        page.goto("/assess")
        _answer_until_result(page, SELF_CARE_ANSWERS)
        expect(page.locator(".level-self_care")).to_be_visible()
        shot(page, "assess-self-care-phone")

        page.goto("/import")
        page.get_by_label(re.compile("JSON bundle")).set_input_files(str(_diary_file(tmp_path)))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_text(re.compile(r"Imported \d+ twitches and 70 check-ins"))).to_be_visible()
        page.goto("/insights")
        expect(page.locator("tr.verdict-likely_trigger", has_text="cheese").first).to_be_visible()
        expect(page.locator("svg.plot").first).to_be_visible()
        shot(page, "insights-phone")
        page.goto("/diary")
        expect(page.locator("table.calendar")).to_be_visible()
        shot(page, "diary-phone")
        page.goto("/experiments")
        shot(page, "experiments-phone")
        desktop = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base).new_page()
        desktop.goto("/insights")
        shot(desktop, "insights-desktop")
        assert errors == [], "\n".join(errors)  # no console errors, e.g. from the content security policy


def test_two_accounts_cannot_see_each_other(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'server.db'}", "--accounts") as base:
        pages = {}
        for name in ("alice", "bob"):
            page = browser.new_context(viewport=PHONE, base_url=base).new_page()
            page.goto("/diary")
            expect(page).to_have_url(re.compile("/login"))
            page.get_by_role("link", name="Create one").click()
            expect(page.get_by_role("heading", name="Create an account")).to_be_visible()  # htmx swapped
            page.get_by_label(re.compile("Username")).fill(name)
            page.get_by_label(re.compile("Password")).fill(PASSWORD)
            page.get_by_role("button", name="Create account").click()
            expect(page.get_by_role("button", name=f"Sign out {name}")).to_be_visible()
            pages[name] = page
        alice, bob = pages["alice"], pages["bob"]
        alice.get_by_role("button", name="Twitch now").click()
        expect(alice.get_by_text("Twitch logged.")).to_be_visible()
        alice.get_by_text("How long, and a note").click()  # folded away: strength, side and where come first
        alice.get_by_label("Note").fill("alice's private note")
        alice.get_by_role("button", name="Save details").click()
        # Leaving before the answer comes would race the save (CI saw the note missing this way).
        expect(alice.get_by_text("Details saved.")).to_be_visible()
        alice.goto("/diary")
        expect(alice.get_by_text("alice's private note")).to_be_visible()
        link = alice.get_by_role("link", name="Edit").first.get_attribute("href") or ""
        bob.goto("/diary")
        expect(bob.get_by_text("alice's private note")).to_have_count(0)
        response = bob.goto(link)
        assert response is not None
        assert response.status == 404
        shot(bob, "not-yours-phone")
        bob.goto("/")
        bob.get_by_role("button", name="Sign out bob").click()
        expect(bob).to_have_url(re.compile("/login"))
        shot(bob, "login-phone")
