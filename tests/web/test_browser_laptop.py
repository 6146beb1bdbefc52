"""Every page at laptop width (1280 px) as at phone width: axe-core finds no violation, nothing
is wider than the screen, and no page breaks its own Content Security Policy. Sign-in pages and
/phone in server mode at both widths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.web.axe import violations
from tests.web.browsing import PHONE, sign_up_in_browser
from tests.web.live import live_server
from tests.web.test_browser_everyday import PAGES
from tests.web.test_browser_keyboard import LAPTOP

MORE_PAGES = ["/report", "/diary/episodes/1", "/learn/magnesium", "/import/formats"]
"""Pages the phone sweep does not visit: the report, one twitch, one topic, the import formats."""


def _sweep(page: Page, paths: list[str], console: list[str]) -> dict[str, list[str]]:
    """Each path's axe violations, overflow and policy errors (only the paths with any)."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    failures: dict[str, list[str]] = {}
    for path in paths:
        console.clear()
        answer = page.goto(path)
        page.wait_for_load_state("networkidle")
        found = violations(page)
        if answer is None or answer.status != 200:
            found.append(f"answered {answer.status if answer else 'nothing'}")
        if page.evaluate("() => document.documentElement.scrollWidth") > width:
            found.append(f"wider than {width} px")
        found += [m for m in console if "Content Security Policy" in m or "Refused" in m]
        if found:
            failures[path] = found
    return failures


def _watched(page: Page) -> list[str]:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text[:120]) if m.type in ("error", "warning") else None)
    return console


@pytest.fixture
def laptop(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A laptop-sized page on a fresh personal-mode server."""
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=LAPTOP, base_url=base)
        yield context.new_page()
        context.close()


def test_every_page_passes_axe_at_laptop_width(laptop: Page) -> None:
    console = _watched(laptop)
    laptop.goto("/")
    laptop.get_by_role("button", name="Twitch now").press("Enter")  # a diary with something in it
    expect(laptop.get_by_text("Twitch logged.")).to_be_visible()
    failures = _sweep(laptop, PAGES, console)
    assert failures == {}, "\n".join(f"{p}: {f}" for p, f in failures.items())


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_pages_of_one_thing_pass_axe_at_both_widths(
    browser: Browser, tmp_path: Path, viewport: ViewportSize
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=viewport, base_url=base)
        page = context.new_page()
        console = _watched(page)
        page.goto("/")
        page.get_by_role("button", name="Twitch now").press("Enter")  # twitch 1
        expect(page.get_by_text("Twitch logged.")).to_be_visible()
        failures = _sweep(page, MORE_PAGES, console)
        context.close()
    assert failures == {}, "\n".join(f"{p}: {f}" for p, f in failures.items())


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_sign_in_pages_pass_axe_in_server_mode(
    browser: Browser, tmp_path: Path, viewport: ViewportSize
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}", "--accounts") as base:
        context = browser.new_context(viewport=viewport, base_url=base)
        page = context.new_page()
        console = _watched(page)
        failures = _sweep(page, ["/login", "/signup", "/phone"], console)
        sign_up_in_browser(page, "paula")
        expect(page.get_by_role("button", name="Twitch now")).to_be_visible()
        failures |= _sweep(page, ["/", "/account", "/settings", "/phone"], console)
        context.close()
    assert failures == {}, "\n".join(f"{p}: {f}" for p, f in failures.items())
