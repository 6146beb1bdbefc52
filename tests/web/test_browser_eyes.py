"""The clip's page on a phone tells the eye measures and eyelid twitches that spread, in words.

A clip whose eyes shut for 2 s and blink half way, with right eyelid twitches each followed by
the right cheek: the page says how long each eye was shut, how many blinks did not close, and
that the right side is flagged for the doctor as a pattern, not a diagnosis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from tools.twitchclips import ClipSpec, Twitch, render

from tests.video.lidclips import Closure, LidClip, render_lids
from tests.web.browsing import PHONE, shot
from tests.web.live import live_server


@pytest.fixture(scope="module")
def spasm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """9 s: four right eyelid twitches each followed by the right cheek, a 2 s closure, two blinks."""
    folder = tmp_path_factory.mktemp("spasm")
    twitches = []
    for t in (1.0, 3.0, 7.0, 8.2):
        twitches += [Twitch("eyelid", "right", t, 0.3, 0.05), Twitch("cheek", "right", t + 0.15, 0.3, 0.05)]
    render(ClipSpec(seconds=9.5, size=(640, 360), twitches=twitches, noise=1, seed=21), folder / "face.avi")
    closures = [Closure(2.0, 0.05), Closure(4.2, 2.0), Closure(6.8, 0.05, depth=0.5)]
    lids = LidClip(seconds=9.5, closures=closures)
    return render_lids(lids, folder / "spasm.mp4", under=folder / "face.avi")


def test_the_clip_page_tells_the_eye_measures_and_the_flagged_pattern(
    browser: Browser, tmp_path: Path, spasm: Path
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'eyes.db'}") as base:
        page = browser.new_context(viewport=PHONE, base_url=base).new_page()
        page.goto("/videos")
        page.get_by_label(re.compile("A clip from your phone")).set_input_files(str(spasm))
        page.get_by_role("button", name="Measure").click()
        eyes = page.get_by_role("heading", name="Eyes", exact=True)
        expect(eyes).to_be_visible(timeout=120_000)
        measures = page.locator("ul.eye-measures").first
        expect(measures).to_contain_text(re.compile(r"Your right eye was shut 2\d% of the time"))
        expect(measures).to_contain_text("stayed shut longer than a blink 1 time")
        expect(measures).to_contain_text(re.compile(r"the longest for 2\.\d+ s"))
        expect(measures).to_contain_text(re.compile(r"blinks measured:\s+1 did not close the eyes fully"))
        spread = page.locator("ul.eye-measures").nth(1)
        expect(spread).to_contain_text(
            # The 4 right eyelid twitches each come with the cheek; the detector finds 3-4 of them and,
            # since the lower lid is measured too, may add 1-2 eyelid events of its own near the closure.
            re.compile(
                r"Right side: [34] of [3-6] eyelid twitches\s+came with a cheek or mouth twitch on the same"
            )
        )
        expect(spread).to_contain_text("Flagged for your doctor as a pattern")
        expect(page.get_by_text(re.compile("Hemifacial Spasm\\); this is not a diagnosis"))).to_be_visible()
        expect(page.get_by_text(re.compile("NEI\\) — Blepharospasm"))).to_be_visible()
        shot(page, "video-eyes-phone")
