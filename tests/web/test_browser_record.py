"""Filming on the Video page in a real chromium, its camera fed a generated twitch clip.

Chromium's fake camera (--use-fake-device-for-media-stream --use-file-for-fake-video-capture)
plays a Y4M file in a loop, starting wherever it happens to be. So the clip is one loop of
three twitches of known places, sides and times; the test records through the page (a
shorter guided clip, by the page's documented ?seconds= and ?speech_seconds=), and fits the
one thing it cannot know, where in the loop the recording began (and how fast the loop ran
on a loaded machine), before matching each twitch by bench/video_score.py's rule: the same
region and side, the onset within 0.3 s.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import cv2
import pytest
from bench.video_score import MATCH_ONSET_S
from playwright.sync_api import Browser, Page, Playwright, Route, ViewportSize, expect, sync_playwright
from tools.twitchclips import ClipSpec, Twitch
from tools.twitchclips.cliprender import frames

from tests.web.browsing import PHONE, shot
from tests.web.live import live_server

LOOP_S = 6.0
LOOP = ClipSpec(
    seconds=LOOP_S,
    size=(640, 480),
    twitches=[
        Twitch("nose", "left", 1.0, 0.3, 0.06),
        Twitch("eyelid", "right", 3.0, 0.4, 0.06),
        Twitch("mouth", "left", 4.8, 0.3, 0.06),
    ],
    noise=1,
    seed=2121,
)
"""One loop of the fake camera: still head, no blinks, so the seam between two loops is invisible."""
REST_S, SPEECH_S = 12, 6
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
EDGE_S = 1.0
"""A twitch this close to either end of the recording may be cut off: neither required nor refused."""


WATCH_PROGRESS = """() => new MutationObserver(() => {
  const seen = JSON.parse(sessionStorage.getItem('progress') || '[]');
  seen.push(document.getElementById('record-progress').getAttribute('value'));
  sessionStorage.setItem('progress', JSON.stringify(seen));
}).observe(document.getElementById('record-progress'), {attributes: true, attributeFilter: ['value']})"""
"""Keep each value the sending bar shows where the clip's page can read it (the tab's sessionStorage)."""


def write_y4m(spec: ClipSpec, path: Path) -> Path:
    """The clip as raw 4:2:0 Y4M, the one format chromium's fake camera plays."""
    width, height = spec.size
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{round(spec.fps)}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames(spec):
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
    return path


@pytest.fixture(scope="module")
def camera_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LOOP as the fake camera's file."""
    return write_y4m(LOOP, tmp_path_factory.mktemp("camera") / "loop.y4m")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the module: its browsers are launched with their own flags."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def camera(playwright: Playwright, camera_clip: Path) -> Iterator[Browser]:
    """Debian's chromium with a fake front camera that films LOOP."""
    chromium = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={camera_clip}"],
    )
    yield chromium
    chromium.close()


def expected(phase: float, period: float, duration: float) -> list[tuple[str, str, float]]:
    """Where LOOP's twitches fall in a recording that began `phase` s into a loop `period` s long."""
    scale = period / LOOP_S
    out = []
    for t in LOOP.twitches:
        k = -1
        while (at := (t.onset_s + k * LOOP_S) * scale - phase) <= duration:
            if at >= 0:
                out.append((t.region, t.side, at))
            k += 1
    return sorted(out, key=lambda x: x[2])


def _pairs(found: list[dict[str, Any]], truth: list[tuple[str, str, float]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matches (event index, truth index) by the benchmark's rule."""
    used: set[int] = set()
    pairs = []
    for i, e in enumerate(found):
        for j, (region, side, at) in enumerate(truth):
            same = (e["region"], e["side"]) == (region, side)
            if j not in used and same and abs(e["start_s"] - at) <= MATCH_ONSET_S:
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def fit_loop(found: list[dict[str, Any]], duration: float) -> tuple[float, float]:
    """The loop's phase and period that match the most events (the recording's unknown start)."""
    best = (-1, 0.0, LOOP_S)
    for p in range(int(LOOP_S / 0.05)):
        for q in range(-15, 16):
            phase, period = p * 0.05, LOOP_S * (1 + q * 0.005)
            score = len(_pairs(found, expected(phase, period, duration)))
            if score > best[0]:
                best = (score, phase, period)
    return best[1], best[2]


def _result(base: str, video_id: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/api/videos/{video_id}", timeout=10) as answer:
        job = json.load(answer)
    assert job["status"] == "done", job
    result: dict[str, Any] = job["result"]
    return result


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text[:120]) if m.type == "error" else None)
    return errors


def test_a_person_films_in_the_browser_and_the_clips_twitches_are_found(
    camera: Browser, tmp_path: Path
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'record.db'}") as base:
        context = camera.new_context(viewport=PHONE, base_url=base, permissions=["camera"])
        page = context.new_page()
        errors = _console_errors(page)
        page.goto(f"/videos?seconds={REST_S}&speech_seconds={SPEECH_S}")
        expect(page.get_by_role("heading", name="Film here")).to_be_visible()
        expect(page.get_by_text(f"for {REST_S} seconds while you sit still")).to_be_visible()
        expect(page.locator("#record-sending")).to_be_hidden()  # nothing is being sent yet
        expect(page.locator("#record-stage")).to_be_hidden()
        shot(page, "video-record-phone")

        page.evaluate(WATCH_PROGRESS)
        # The keyboard alone: tick the part read aloud, then press Record.
        page.get_by_label(f"Then {SPEECH_S} seconds reading a short passage aloud").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Record").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#record-countdown")).to_have_text(re.compile("^[321]$"))
        stop = page.get_by_role("button", name="Stop")
        expect(stop).to_be_focused()  # Enter again would stop it
        expect(page.get_by_role("button", name="Record")).to_be_hidden()
        timer = page.get_by_role("timer")
        expect(timer).to_contain_text("Keep still and look at the screen", timeout=10_000)
        assert page.evaluate("() => document.getElementById('record-preview').videoWidth") == 640
        shot(page, "video-recording-phone")
        expect(timer).to_contain_text("Read aloud", timeout=(REST_S + 10) * 1000)
        expect(page.locator("#record-passage")).to_contain_text("The North Wind and the Sun")

        page.wait_for_url(re.compile(r"/videos/\d+$"), timeout=(SPEECH_S + 60) * 1000)
        expect(page.get_by_role("heading", name="Keyframes")).to_be_visible(timeout=180_000)
        video_id = int(page.url.rsplit("/", 1)[1])
        sent = page.evaluate("() => JSON.parse(sessionStorage.getItem('progress') || '[]')")
        # 0 when sending starts, 100 from the upload's own progress events, 100 again when it answers.
        assert sent[0] == "0", sent
        assert sent.count("100") >= 2, f"the upload's progress never reached the bar: {sent}"
        result = _result(base, video_id)
        context.close()

    duration = result["duration_s"]
    speech_from = result["speech_from_s"]
    # The countdown is not filmed; the timer runs on the page's clock, the clip on the camera's.
    assert duration == pytest.approx(REST_S + SPEECH_S, abs=1.5), result
    assert speech_from == pytest.approx(REST_S, abs=1.0), result
    found = result["events"]
    phase, period = fit_loop(found, duration)
    truth = expected(phase, period, duration)
    pairs = _pairs(found, truth)
    matched_events = {i for i, _ in pairs}
    matched_truth = {j for _, j in pairs}
    described = f"found {[(e['region'], e['side'], e['start_s']) for e in found]}, truth {truth}"
    assert len(matched_events) == len(found), f"a twitch that is not in the clip: {described}"
    spoken = [j for j, (region, _, at) in enumerate(truth) if region == "mouth" and at >= speech_from]
    for j, (region, side, at) in enumerate(truth):
        if EDGE_S <= at <= duration - EDGE_S:
            if j in spoken:
                assert j not in matched_truth, f"a mouth movement while reading aloud counted: {described}"
            else:
                assert j in matched_truth, f"missed {region}/{side} at {at:.2f} s: {described}"
    # Every place and side of the loop is found outside the part read aloud.
    assert {(e["region"], e["side"]) for e in found} == {(t.region, t.side) for t in LOOP.twitches}
    if any(EDGE_S <= truth[j][2] <= duration - EDGE_S for j in spoken):
        assert result["speech_set_aside"] >= 1, result
    assert any("read aloud" in note for note in result["notes"])
    assert errors == [], "\n".join(errors)


def _drop_first(route: Route, keys: list[str]) -> None:
    """Abort the first upload as a lost connection would; let the next through."""
    if route.request.method != "POST":
        route.continue_()
        return
    keys.append(route.request.headers.get("idempotency-key", ""))
    if len(keys) == 1:
        route.abort("connectionfailed")
    else:
        route.continue_()


def test_stop_sends_what_was_filmed_at_rest_and_again_after_a_lost_connection(
    camera: Browser, tmp_path: Path
) -> None:
    with live_server(f"sqlite:///{tmp_path / 'stop.db'}") as base:
        context = camera.new_context(viewport=PHONE, base_url=base, permissions=["camera"])
        page = context.new_page()
        page.goto("/videos")  # the default guided clip: 60 s at rest, nothing read aloud
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Keep still .*: 5[0-9] s left"))
        page.wait_for_timeout(4000)
        keys: list[str] = []
        # The first send meets a dropped connection; the clip stays on the page to be sent again.
        page.route("**/api/videos", lambda route: _drop_first(route, keys))
        page.keyboard.press("Enter")  # Stop has the focus
        again = page.get_by_role("button", name="Send again")
        expect(page.get_by_role("alert")).to_contain_text("no connection", timeout=30_000)
        expect(again).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/videos/\d+$"), timeout=60_000)
        assert len(keys) == 2
        assert keys[0] == keys[1], "a second send of the same clip carries another Idempotency-Key"
        expect(page.get_by_role("heading", name="Keyframes")).to_be_visible(timeout=180_000)
        result = _result(base, int(page.url.rsplit("/", 1)[1]))
        context.close()
    assert 3.0 <= result["duration_s"] <= 10.0, result
    assert "speech_from_s" not in result
    assert result["face_found_ratio"] > 0.95


def _proxy_loses_first_answer(route: Route, keys: list[str]) -> None:
    """The first upload reaches the server, whose answer a restarting proxy turns into a 502."""
    if route.request.method != "POST":
        route.continue_()
        return
    keys.append(route.request.headers.get("idempotency-key", ""))
    if len(keys) == 1:
        route.fetch()  # the real server saves the clip; its 202 never reaches the page
        route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")
    else:
        route.continue_()


def _lose_stored_answer(db: Path) -> None:
    """The state a process that died between committing the clip and storing its answer leaves:
    the key's row without an answer, older than the server waits for one."""
    with closing(sqlite3.connect(db)) as connection, connection:
        (created,) = connection.execute("SELECT created_at FROM idempotency_keys").fetchone()
        long_ago = dt.datetime.fromisoformat(created) - dt.timedelta(minutes=5)
        connection.execute(
            "UPDATE idempotency_keys SET status = NULL, content_type = NULL, body = NULL, created_at = ?",
            (long_ago.strftime("%Y-%m-%d %H:%M:%S.%f"),),
        )


def test_a_clip_whose_answer_a_proxy_lost_is_kept_and_then_told_saved_once(
    camera: Browser, tmp_path: Path
) -> None:
    db = tmp_path / "proxy.db"
    with live_server(f"sqlite:///{db}") as base:
        context = camera.new_context(viewport=PHONE, base_url=base, permissions=["camera"])
        page = context.new_page()
        page.goto("/videos")
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Keep still .*: 5[0-9] s left"))
        page.wait_for_timeout(3000)
        keys: list[str] = []
        page.route("**/api/videos", lambda route: _proxy_loses_first_answer(route, keys))
        page.keyboard.press("Enter")  # Stop has the focus
        # A 502 is no refusal: the clip stays on the page, to be sent again with its own key.
        expect(page.get_by_role("alert")).to_contain_text("the server answered 502", timeout=30_000)
        again = page.get_by_role("button", name="Send again")
        expect(again).to_be_focused()
        _lose_stored_answer(db)
        page.keyboard.press("Enter")
        status = page.locator("#record-status")
        expect(status).to_contain_text("saved by an earlier send", timeout=30_000)
        expect(status.get_by_role("link", name="See it in your videos")).to_have_attribute("href", "/videos")
        assert len(keys) == 2, keys
        assert keys[0] == keys[1], keys  # Send again carries the clip's own key
        listed = page.request.get("/api/videos")
        assert listed.ok, listed.status
        assert len(listed.json()) == 1, listed.json()  # sent twice, kept once
        context.close()


def test_stop_during_the_countdown_films_and_sends_nothing(camera: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'countdown.db'}") as base:
        context = camera.new_context(viewport=PHONE, base_url=base, permissions=["camera"])
        page = context.new_page()
        page.goto("/videos")
        page.get_by_role("button", name="Record").click()
        expect(page.locator("#record-countdown")).to_have_text(re.compile("^[32]$"))
        page.keyboard.press("Enter")  # Stop has the focus
        expect(page.get_by_role("status")).to_have_text("Stopped before filming began; nothing was sent.")
        expect(page.get_by_role("button", name="Record")).to_be_focused()
        expect(page.locator("#record-stage")).to_be_hidden()
        assert page.evaluate("() => document.getElementById('record-preview').srcObject") is None
        page.wait_for_timeout(3500)  # past where the countdown would have ended
        expect(page.get_by_role("timer")).to_have_text("")
        with urllib.request.urlopen(f"{base}/api/videos", timeout=10) as answer:
            assert json.load(answer) == []
        context.close()


def test_going_to_another_page_while_filming_sends_nothing(camera: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'leave.db'}") as base:
        context = camera.new_context(viewport=PHONE, base_url=base, permissions=["camera"])
        page = context.new_page()
        uploads: list[str] = []
        page.on("request", lambda r: uploads.append(r.url) if r.method == "POST" else None)
        page.goto("/videos")
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("timer")).to_contain_text("Keep still", timeout=10_000)
        page.get_by_role("link", name="Today").first.click()  # boosted: the recorder's script lives on
        expect(page).to_have_url(re.compile(r"/$"))
        page.wait_for_timeout(2500)
        assert uploads == [], "a clip was sent from a page the person had left"
        context.close()


def test_a_refused_camera_says_what_to_do_and_sends_nothing(camera: Browser, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'refused.db'}") as base:
        context = camera.new_context(viewport=PHONE, base_url=base)  # no camera permission
        page = context.new_page()
        page.goto("/videos")
        page.get_by_role("button", name="Record").click()
        message = page.get_by_role("alert").filter(has_text="The camera was not allowed")
        expect(message).to_be_visible(timeout=15_000)
        expect(page.get_by_role("button", name="Record")).to_be_enabled()
        expect(page.locator("#record-stage")).to_be_hidden()
        shot(page, "video-record-refused-phone")
        with urllib.request.urlopen(f"{base}/api/videos", timeout=10) as answer:
            assert json.load(answer) == []
        context.close()
        laptop = camera.new_context(viewport=LAPTOP, base_url=base)
        page = laptop.new_page()
        page.goto("/videos")
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("alert").filter(has_text="The camera was not allowed")).to_be_visible()
        shot(page, "video-record-refused-laptop")
        laptop.close()


def test_a_browser_without_a_camera_says_so(playwright: Playwright, tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'none.db'}") as base:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        context = chromium.new_context(viewport=PHONE, base_url=base, permissions=["camera"])
        page = context.new_page()
        page.goto("/videos")
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("alert").filter(has_text="No camera was found")).to_be_visible(timeout=15_000)
        chromium.close()
