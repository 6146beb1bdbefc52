"""`nasalis video annotate` in a real browser on a phone: mark twitches with the keyboard, save, re-save.

A real `nasalis video annotate` process plays a generated clip whose codec (MPEG-4 Part 2)
Chromium cannot play, so the page also proves its WebM copy keeps the frames' times.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tools.twitchclips import ClipSpec, Twitch, render

from nasalis.video.truth import backup_path, read_truth
from tests.web.browsing import PHONE, shot
from tests.web.live import free_port, running

FPS = 30


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4 s clip with an eyelid twitch and a nose twitch (its own truth is not used here)."""
    spec = ClipSpec(
        seconds=4,
        size=(640, 360),
        twitches=[Twitch("eyelid", "left", 1.0, 0.3, 0.05), Twitch("nose", "right", 2.5, 0.3, 0.05)],
        seed=21,
    )
    path = tmp_path_factory.mktemp("annotate") / "visit.mp4"
    render(spec, path)
    return path


def _press(page: Page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def test_a_person_marks_two_twitches_with_the_keyboard_and_saves_the_truth(
    browser: Browser, clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "visit.json"
    port = free_port()
    command = [sys.executable, "-m", "nasalis", "video", "annotate", str(clip), "--out", str(out)]
    command += ["--port", str(port), "--no-browser"]
    with running(command, port, "/static/annotate.css", tmp_path / "annotate.log") as (base, _process):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(base)
        expect(page.locator("#status")).to_contain_text("copy of the clip", timeout=60_000)
        expect(page.locator("#side-hint")).to_contain_text("the person's left is on the right of the picture")

        _press(page, ".", 30)  # frame 30: 1.000 s
        expect(page.locator("#clock")).to_contain_text("frame 30")
        _press(page, "t")
        _press(page, "2")  # eyelid
        _press(page, "l")
        _press(page, "u")
        _press(page, ".", 45)  # frame 75: 2.500 s
        _press(page, "Enter")  # a second twitch, starting as the first: eyelid, left
        _press(page, "1")  # nose, which has no lid
        expect(page.locator("#lid-field")).to_be_hidden()
        _press(page, "r")
        page.get_by_role("radio", name="pull").press("Space")  # its shape, from the keyboard too
        _press(page, "b")  # and a blink at the same frame
        expect(page.locator("#count")).to_have_text("2")
        shot(page, "annotate")
        _press(page, "Control+s")
        expect(page.locator("#saved")).to_contain_text("Saved 2 twitch(es) and 1 blink(s) to visit.json")

        saved = json.loads(out.read_text())
        assert saved["clip"] == "visit.mp4"
        assert saved["fps"] == FPS
        assert saved["mirrored"] is False
        assert saved["twitches"] == [
            {
                "region": "eyelid",
                "side": "left",
                "onset_s": 1.0,
                "duration_s": None,
                "amplitude": None,
                "lid": "upper",
            },
            {
                "region": "nose",
                "side": "right",
                "onset_s": 2.5,
                "duration_s": None,
                "amplitude": None,
                "shape": "pull",
            },
        ]
        assert saved["blinks"] == [2.5]
        # The generator's own truth file has the same keys (the generator adds its settings).
        generated = render(ClipSpec(seconds=0.1, size=(320, 180)), tmp_path / "g.avi")
        assert set(saved) - set(generated) == set()
        assert read_truth(out).twitches[0].lid == "upper"

        # Saving again what this page wrote asks nothing; a file someone else wrote is kept.
        _press(page, "Delete")  # the chosen twitch: the nose
        _press(page, "Control+s")
        expect(page.locator("#saved")).to_contain_text("Saved 1 twitch(es)")
        assert not backup_path(out).exists()
        other = out.read_text().replace('"left"', '"right"')
        out.write_text(other)
        _press(page, "z")  # the nose twitch comes back
        _press(page, "Control+s")
        expect(page.locator("#confirm")).to_be_visible()
        expect(page.locator("#confirm-text")).to_contain_text("visit.json already exists")
        assert page.evaluate("document.activeElement.id") == "replace"
        assert out.read_text() == other  # nothing written before the person answers
        page.keyboard.press("Enter")  # on "Replace it"
        expect(page.locator("#saved")).to_contain_text("the old file is kept as visit.json.bak")
        assert backup_path(out).read_text() == other
        assert [t.region for t in read_truth(out).twitches] == ["eyelid", "nose"]
        context.close()

    # Opened again, the page loads what was saved, to be edited.
    with running(command, port, "/static/annotate.css", tmp_path / "annotate.log") as (base, _process):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(base)
        expect(page.locator("#count")).to_have_text("2")
        expect(page.locator("#marks tbody tr").first).to_contain_text("eyelid")
        context.close()
