"""The keyboard alone, in a real chromium: a twitch and its details logged, the whole assessment
answered to its result, and a visible focus ring on every control on the way (Tab, Shift+Tab,
Enter, Space and arrows; no mouse, no `fill`, no `click`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server

LAPTOP: ViewportSize = {"width": 1280, "height": 800}
RING = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const label = (e.textContent || e.value || '').trim().slice(0, 30);
  return {what: e.tagName + (e.id ? '#' + e.id : '') + ' ' + label,
          style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          colour: s.outlineColor, shadow: s.boxShadow};
}"""
"""What the focused control looks like: its outline and box-shadow as the browser computes them."""
HERE = "() => document.activeElement.outerHTML.slice(0, 120)"
"""The focused element, as far as telling one from the next needs."""
DARK = "rgb(26, 26, 26)"
WHITE_RING = "rgb(255, 255, 255) 0px 0px 0px 2px"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh personal-mode server's base URL."""
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        yield base


def _page(browser: Browser, base: str, viewport: ViewportSize) -> Page:
    return browser.new_context(viewport=viewport, base_url=base).new_page()


def ring_problem(page: Page) -> str | None:
    """Why the focused control's ring would not be seen, or None when it shows."""
    ring: dict[str, Any] = page.evaluate(RING)
    if ring["style"] == "none" or ring["width"] < 3 or ring["colour"] != DARK:
        return f"{ring['what']}: outline {ring['style']} {ring['width']}px {ring['colour']}"
    if WHITE_RING not in ring["shadow"]:
        return f"{ring['what']}: no white inner ring ({ring['shadow']})"
    return None


def tab_to(page: Page, selector: str, *, limit: int = 80) -> list[str]:
    """Press Tab until `selector` has the focus; the ring problems of every control passed."""
    problems = []
    for _ in range(limit):
        before = page.evaluate(HERE)
        page.keyboard.press("Tab")
        # A date or time field is several Tab stops (its parts, then the browser's own picker
        # button): its ring is checked once, as the focus arrives.
        problem = ring_problem(page) if page.evaluate(HERE) != before else None
        if problem:
            problems.append(problem)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return problems
    raise AssertionError(f"Tab never reached {selector}")


def test_a_twitch_and_its_details_by_keyboard_with_the_focus_always_seen(
    browser: Browser, server: str
) -> None:
    page = _page(browser, server, PHONE)
    page.goto("/")
    problems = tab_to(page, "#twitch-now")
    page.keyboard.press("Enter")  # one key: logged
    expect(page.get_by_text("Twitch logged.")).to_be_visible()

    problems += tab_to(page, "input[name=intensity]")
    page.keyboard.press("Space")  # 1
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # arrows move the choice within the group: 4
    expect(page.locator("input[name=intensity][value='4']")).to_be_checked()
    page.keyboard.press("Tab")  # to the side group
    side = page.evaluate("() => document.activeElement.value")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the first place
    area = page.evaluate("() => document.activeElement.value")
    page.keyboard.press("Space")
    problems += tab_to(page, "details summary")
    page.keyboard.press("Enter")  # opens "How long, and a note"
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("on the bus")
    shot(page, "details-by-keyboard-phone")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Details saved.")).to_be_visible()
    assert problems == [], problems

    episodes = page.request.get("/api/episodes").json()
    assert len(episodes) == 1, episodes
    logged = episodes[0]
    assert (logged["intensity"], logged["side"], logged["areas"]) == (4, side, [area]), logged
    assert (logged["duration_s"], logged["note"]) == (3, "on the bus"), logged
    page.context.close()


def _answer_by_keyboard(page: Page) -> list[str]:
    """Answer the question on screen with keys only: "no" or "don't know" when offered."""
    # htmx moves the focus to the question's autofocus control when the swap settles, a moment
    # after the new step is in the page; keys pressed before it go nowhere (CI read None).
    page.wait_for_function(
        "() => !document.querySelector('main [autofocus]') || document.activeElement.matches('[autofocus]')"
    )
    field = page.locator("input[name=field]").get_attribute("value")
    radios = page.locator("input[type=radio]")
    problems = []
    if field == "medications":
        page.keyboard.type("none")
        page.keyboard.press("Enter")
    elif radios.count():
        values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
        target = next((v for v in values if v in ("no", "?")), values[0])
        page.keyboard.press("Space")  # the focused (first) choice
        at = values.index(page.evaluate("() => document.activeElement.value"))
        for _ in range(values.index(target) - at):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"input[type=radio][value='{target}']")).to_be_checked()
        problems += tab_to(page, ".answer-buttons button:not([name])", limit=5)
        page.keyboard.press("Enter")
    else:
        problems += tab_to(page, ".answer-buttons button[name=skip][value='?']", limit=40)
        page.keyboard.press("Enter")
    return problems


def test_the_whole_assessment_by_keyboard_at_laptop_width(browser: Browser, server: str) -> None:
    page = _page(browser, server, LAPTOP)
    page.goto("/assess")
    problems: list[str] = []
    for _ in range(60):
        if page.locator(".result").count():
            break
        step = page.locator("input[name=step]").get_attribute("value")
        problems += _answer_by_keyboard(page)
        page.wait_for_function(
            "prev => document.querySelector('.result')"
            " || document.querySelector('input[name=step]').value !== prev",
            arg=step,
        )
    else:
        raise AssertionError("the questionnaire did not end")
    expect(page.locator(".result h1")).to_be_visible()
    shot(page, "assess-result-by-keyboard-laptop")
    assert problems == [], problems
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_every_control_of_the_main_pages_shows_its_focus(
    browser: Browser, server: str, viewport: ViewportSize
) -> None:
    page = _page(browser, server, viewport)
    page.goto("/")
    page.locator("#twitch-now").press("Enter")  # a diary with something in it
    expect(page.get_by_text("Twitch logged.")).to_be_visible()
    failures: dict[str, list[str]] = {}
    for path in ("/", "/diary", "/insights", "/videos", "/assess", "/settings", "/phone"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        seen: list[str] = []
        problems: list[str] = []
        for _ in range(120):  # until the focus comes round to the first control again
            page.keyboard.press("Tab")
            what = page.evaluate(HERE)
            if what in seen[:1] or what.startswith("<body"):
                break
            if seen and what == seen[-1]:
                continue  # the next part of the same date or time field
            seen.append(what)
            problem = ring_problem(page)
            if problem:
                problems.append(problem)
        assert len(seen) > 3, f"{path}: Tab reached only {seen}"
        if problems:
            failures[path] = problems
    assert failures == {}, failures
    page.context.close()
