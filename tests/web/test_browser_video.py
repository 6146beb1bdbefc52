"""The video pages in a real browser on a phone: a first-time person films, sends and reads.

Sends a generated clip at 390 px, waits for the measurement, and checks what the person sees:
the page fits the phone, the timeline's labels are readable and its colours explained, the
keyframes differ, the twitches go into the diary only when asked (and come out again), and a
clip over the size limit is refused in the browser, before any of it is sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import time
import urllib.request
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Request, expect
from tools.twitchclips import ClipSpec, Twitch, render

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server

READABLE_PX = 12


@pytest.fixture(scope="module")
def flutter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 7 s clip: a flutter of the left ala (three twitches 0.6 s apart), an eyelid, a mouth corner."""
    twitches = [Twitch("nose", "left", t, 0.2, 0.05) for t in (1.0, 1.6, 2.2)]
    twitches += [Twitch("eyelid", "right", 4.0, 0.5, 0.05), Twitch("mouth", "left", 5.8, 0.3, 0.05)]
    spec = ClipSpec(
        seconds=7, size=(640, 360), twitches=twitches, blinks=[3.2], noise=2, head_shift_px=3, seed=12
    )
    path = tmp_path_factory.mktemp("flutter") / "flutter.mp4"
    render(spec, path)
    return path


def _pixels(uri: str) -> Any:
    raw = base64.b64decode(uri.split(",", 1)[1])
    gray = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE)
    # The cut-out face's height follows the head a little; compare at one size.
    return cv2.resize(gray, (160, 190), interpolation=cv2.INTER_AREA).astype(np.float32)


RENDERED_SIZES = """() => [...document.querySelectorAll('svg.timeline text')].map(
  t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
"""Each timeline label's font size as drawn on the screen (its size times the SVG's scale)."""


def test_a_person_sends_a_clip_from_a_phone_and_reads_the_result(
    browser: Browser,
    tmp_path: Path,
    flutter: Path,
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'video.db'}") as base:
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text[:90]) if m.type == "error" else None)
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if _is_upload(r) else None)
        page.goto("/")
        page.get_by_role("link", name="Video").click()  # boosted: video.js must still run
        expect(page.get_by_role("heading", name="Measure twitches from a video")).to_be_visible()
        expect(page.get_by_label("Add the twitches found to my diary")).not_to_be_checked()

        # Over the limit: refused beside the field, and nothing is sent.
        big = tmp_path / "long.mp4"
        with big.open("wb") as handle:
            handle.truncate(21_000_000)
        page.get_by_label(re.compile("A clip from your phone")).set_input_files(str(big))
        message = page.locator("#file-error")
        expect(message).to_contain_text("larger than the limit of 20 MB", timeout=15_000)  # loaded CI
        expect(page.locator("#file")).to_have_attribute("aria-invalid", "true")
        page.get_by_role("button", name="Measure").click()
        page.wait_for_timeout(500)
        assert posts == [], "the oversize clip was uploaded"
        expect(message).to_be_visible()
        shot(page, "video-too-large-phone")

        page.get_by_label(re.compile("A clip from your phone")).set_input_files(str(flutter))
        expect(message).to_have_count(0)
        page.get_by_label("When you filmed it (date and time)").fill("2026-03-02T08:15")
        sent = time.monotonic()
        page.get_by_role("button", name="Measure").click()
        expect(page.get_by_role("heading", name="Keyframes")).to_be_visible(timeout=120_000)
        took = time.monotonic() - sent
        assert took < 90, f"a 7 s clip took {took:.0f} s"
        assert len(posts) == 1

        sizes = page.evaluate(RENDERED_SIZES)
        assert sizes, "no timeline labels"
        assert min(sizes) >= READABLE_PX, f"timeline labels drawn at {min(sizes):.1f} px"
        legend = page.locator(".timeline-legend")
        for words in ("your left side", "your right side", "both sides"):
            expect(legend).to_contain_text(words)
        expect(page.locator("svg.timeline desc")).to_contain_text("nose on your left side at")

        # Five twitches, three of them one flutter: one still of each distinct twitch, not four alike.
        expect(page.locator("table.twitches tbody tr")).to_have_count(5)
        table = page.locator("table.twitches")  # whole on the phone, not scrolled inside its box
        assert table.evaluate("t => t.scrollWidth <= t.clientWidth"), "the table scrolls sideways"
        stills = page.locator(".keyframes img")
        expect(stills).to_have_count(3)
        captions = page.locator(".keyframes figcaption").all_text_contents()
        places = [re.sub(r", at .*", "", c) for c in captions]
        assert places == ["nose, left side", "eyelid, right side", "mouth, left side"]
        sources = [stills.nth(i).get_attribute("src") or "" for i in range(3)]
        for a, b in itertools.combinations(map(_pixels, sources), 2):
            assert float(np.mean(np.abs(a - b))) > 1.0, "two keyframes are the same picture"
        expect(page.get_by_text("Undo on the Today page")).to_have_count(0)
        expect(page.get_by_text("Nothing from this clip is in your diary")).to_be_visible()
        shot(page, "video-result-phone")

        unsure = page.locator("article.review-item button[value=keep]")
        undecided = page.locator("article.review-item button[value=keep][aria-pressed=false]")
        for left in range(unsure.count(), 0, -1):  # the least certain twitches: each checked and kept
            undecided.first.click()
            expect(undecided).to_have_count(left - 1)  # the page has taken this one before the next
        expect(undecided).to_have_count(0)
        page.get_by_role("button", name="Add 5 twitches to my diary").click()
        expect(page.get_by_text(re.compile("5 twitches from this clip are in your"))).to_be_visible()
        page.goto("/diary?from=2026-03-02&to=2026-03-02")
        # The clip's twitches in the diary, named by their clip (the old check matched the nav's Video link).
        expect(page.locator("main").get_by_text("measured from flutter.mp4").first).to_be_visible()
        page.go_back()
        page.get_by_role("button", name="Take them out of the diary").click()
        expect(page).to_have_url(re.compile("/diary"))
        page.goto(page.url.replace("/diary", f"/videos/{_last_id(base)}").split("?")[0])
        expect(page.get_by_text("no longer in your diary")).to_be_visible()
        assert errors == [], "\n".join(errors)  # no console errors, e.g. from the content security policy


def _is_upload(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/videos")


def _last_id(base: str) -> int:
    with urllib.request.urlopen(f"{base}/api/videos", timeout=5) as answer:
        return int(json.load(answer)[0]["id"])


def test_a_future_recorded_at_is_refused_beside_its_field(
    browser: Browser,
    tmp_path: Path,
    flutter: Path,
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'future.db'}") as base:
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        page.goto("/videos")
        page.get_by_label(re.compile("A clip from your phone")).set_input_files(str(flutter))
        later = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        page.get_by_label("When you filmed it (date and time)").fill(later)
        page.get_by_role("button", name="Measure").click()
        error = page.locator("#recorded_at-error")
        expect(error).to_contain_text("in the future")
        field = page.get_by_label("When you filmed it (date and time)")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_value(later)
        shot(page, "video-future-phone")
