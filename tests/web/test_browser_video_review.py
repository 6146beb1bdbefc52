"""Review before the diary in a real browser on a phone, by keyboard: keep one, drop one, add.

The clip is stored as the job stores one (tests/web/review_clips.py: two sure events, two to
check, real stills around each); a real `nasalis serve` shows it at 390 px.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from nasalis.diary.store import open_store
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server
from tests.web.review_clips import ASKED, EVENTS, render_clip, stored_clip


def test_a_person_checks_the_unsure_twitches_by_keyboard_then_adds_the_rest(
    browser: Browser, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'review.db'}"
    store = open_store(db_url)
    try:
        video_id = stored_clip(store, store.person_id(), render_clip(tmp_path))
    finally:
        store.close()
    with live_server(db_url) as base:
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text[:90]) if m.type == "error" else None)
        page.goto(f"/videos/{video_id}")
        expect(page.get_by_role("heading", name="Check the least certain")).to_be_visible()
        items = page.locator("article.review-item")
        expect(items).to_have_count(len(ASKED))
        first, second = (EVENTS[i] for i in ASKED)
        expect(items.nth(0).locator(".review-stills img")).to_have_count(5)
        expect(page.get_by_role("button", name="Add 2 twitches to my diary")).to_be_visible()
        shot(page, "video-review-phone")

        # By keyboard: focus the first Keep, press Enter; the page moves on to the next one.
        keep = page.locator(f"#keep-{ASKED[0]}")
        keep.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#review-{ASKED[0]}-state")).to_contain_text("Kept")
        expect(page.locator(f"#keep-{ASKED[0]}")).to_have_attribute("aria-pressed", "true")
        drop = page.locator(f"#drop-{ASKED[1]}")
        drop.focus()
        page.keyboard.press("Space")
        expect(page.locator(f"#review-{ASKED[1]}-state")).to_contain_text("Dropped")
        # Changed her mind about the first: undone, then kept again.
        page.locator(f"#undo-{ASKED[0]}").focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#review-{ASKED[0]}-state")).to_contain_text("Not checked yet")
        page.locator(f"#keep-{ASKED[0]}").focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#review-{ASKED[0]}-state")).to_contain_text("Kept")
        expect(page.get_by_text("1 twitch you dropped or have not checked stays out.")).to_be_visible()
        shot(page, "video-review-decided-phone")

        page.get_by_role("button", name="Add 3 twitches to my diary").click()
        expect(page.get_by_text(re.compile("3 twitches from this clip are in your"))).to_be_visible()
        expect(page.locator(f"#keep-{ASKED[1]}")).to_have_count(0)  # fixed while in the diary
        page.goto("/diary")
        expect(page.get_by_role("cell", name=re.compile("measured from review.mp4"))).to_have_count(3)
        expect(page.get_by_role("cell", name=str(first["region"]), exact=True)).to_have_count(1)
        expect(page.get_by_role("cell", name=str(second["region"]), exact=True)).to_have_count(0)
        assert errors == [], "\n".join(errors)
