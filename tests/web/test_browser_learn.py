"""Learn in a real browser at phone width: a worried search is answered first with the
benign-twitching entry, by keyboard alone; screenshots go to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server


def test_is_it_serious_is_answered_first_with_benign_twitching(browser: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'diary.db'}") as base:
        context = browser.new_context(viewport=PHONE, base_url=base)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text[:90]) if m.type == "error" else None)
        page.goto("/learn")
        search = page.get_by_label("Search the knowledge base")
        search.focus()
        page.keyboard.type("is it serious")
        page.keyboard.press("Enter")
        results = page.locator("ol.learn-results > li")
        expect(results.first).to_contain_text("Harmless (benign) twitching")
        expect(results.first).to_contain_text("usually harmless and settles by itself")
        expect(results.nth(1)).to_contain_text("Stroke signs")  # the warning signs that matter next
        shot(page, "learn-is-it-serious-phone")
        results.first.get_by_role("link").click()
        expect(page.get_by_role("heading", name="What helps")).to_be_visible()
        expect(page.get_by_role("heading", name="When to see a doctor")).to_be_visible()
        expect(page.locator("ul.sources")).to_contain_text("NHS — Twitching eyes and muscles")
        expect(page.locator("ul.sources")).not_to_contain_text(".txt")
        shot(page, "learn-benign-twitching-phone")
        page.goto("/learn")
        page.get_by_label("Search the knowledge base").fill("is a drooping face dangerous")
        page.get_by_role("button", name="Search").click()
        expect(results.first).to_contain_text("Stroke signs")  # the emergency first
        expect(results.nth(1)).to_contain_text("Harmless (benign) twitching")
        shot(page, "learn-emergency-first-phone")
        assert errors == []
        context.close()
