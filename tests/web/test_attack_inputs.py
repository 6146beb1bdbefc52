"""Hostile input against a real `nasalis serve`: every one is a 422 naming the field (nothing
stored), a real unexpected error is a plain 500 that still carries the security headers and logs
no diary value, and clip names and sizes are kept in bounds. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine
from tools.twitchclips import ClipSpec, render

from nasalis.assessment.answers import DONT_KNOW
from nasalis.assessment.intake import FIELDS
from tests.web.conftest import csrf_of
from tests.web.live import serving

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")
WHEN = "2026-01-05T08:00:00+00:00"
DAY = "2026-01-05"
JSON_BODIES = (
    ("POST", "/api/assess"),
    ("POST", "/api/episodes"),
    ("PUT", f"/api/days/{DAY}"),
    ("PUT", "/api/settings"),
    ("POST", "/api/experiments"),
)
"""Every route that reads a JSON body."""


@dataclass
class Live:
    """A running server, a client holding its CSRF cookie, the page's token, and the server's log."""

    client: httpx2.Client
    csrf: str
    log: Path
    db_url: str

    def form(self, path: str, **fields: str) -> httpx2.Response:
        """POST a form as its page would, with the page's CSRF token."""
        return self.client.post(path, data={"csrf_token": self.csrf, **fields})

    def send(self, method: str, path: str, body: object) -> httpx2.Response:
        """Send a JSON body (bytes as they are) with the CSRF header."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"content-type": "application/json", "x-csrf-token": self.csrf}
        return self.client.request(method, path, content=content, headers=headers)

    def stored(self) -> tuple[list[object], list[object]]:
        """Every episode and check-in the diary holds, through the API."""
        return self.client.get("/api/episodes").json(), self.client.get("/api/days").json()


@pytest.fixture
def live(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Live]:
    """Personal mode on a real server over a fresh diary (clip quota: 2 waiting, 3 MB)."""
    monkeypatch.setenv("NASALIS_CLIP_QUOTA_COUNT", "2")
    monkeypatch.setenv("NASALIS_CLIP_QUOTA_BYTES", "3000000")
    log = tmp_path / "serve.log"
    with serving(db_url, log=log) as (base, _process), httpx2.Client(base_url=base, timeout=60) as client:
        yield Live(client, csrf_of(client.get("/").text), log, db_url)


def _has_security_headers(response: httpx2.Response) -> None:
    missing = [h for h in SECURITY_HEADERS if h not in response.headers]
    assert not missing, f"{response.status_code} without {missing}"


def test_a_strength_filter_of_superscript_two_or_5000_digits_is_a_422_beside_strength(live: Live) -> None:
    for strength in ("²", "٣", "9" * 30, "9" * 5000, "0", "11"):
        page = live.client.get("/diary", params={"strength": strength})
        assert page.status_code == 422, (strength[:8], page.status_code)
        _has_security_headers(page)
        assert "must be a whole number from 1 to 10" in page.text
    assert live.client.get("/diary", params={"strength": "7"}).status_code == 200


def test_json_nested_100k_deep_is_a_422_on_every_json_body(live: Live) -> None:
    nested = {
        "arrays": b"[" * 100_000 + b"]" * 100_000,
        "objects": b'{"note":' * 100_000 + b"1" + b"}" * 100_000,
        "inside a field": b'{"started_at": "'
        + WHEN.encode()
        + b'", "note": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}",
    }
    for method, path in JSON_BODIES:
        for kind, body in nested.items():
            answer = live.send(method, path, body)
            assert answer.status_code == 422, (path, kind, answer.status_code, answer.text[:200])
            _has_security_headers(answer)
    assert live.stored() == ([], [])


def test_an_intake_age_of_superscript_two_is_a_422_naming_age_years(live: Live) -> None:
    answer = live.send("POST", "/api/assess", {"age_years": "²"})
    assert answer.status_code == 422
    assert any(p.startswith("age_years:") for p in answer.json()["problems"])
    # The questionnaire page: answer "I don't know" until it asks the age.
    page = live.client.get("/assess")
    for _ in range(len(FIELDS)):
        field = page.text.split('name="field" value="', 1)[1].split('"', 1)[0]
        if field == "age_years":
            break
        live.form("/assess", field=field, skip=DONT_KNOW)
        page = live.client.get("/assess")
    assert 'name="field" value="age_years"' in page.text
    typed = live.form("/assess", field="age_years", value="²")
    assert typed.status_code == 422
    assert "Please type a number" in typed.text


def test_a_settings_age_of_superscript_two_is_a_422_naming_age_years(live: Live) -> None:
    # "²".isdigit() is true and int("²") raises: this was a 500 (diary/preferences.py).
    answer = live.send("PUT", "/api/settings", {"age_years": "²"})
    assert answer.status_code == 422, answer.text
    assert "age_years" in answer.text
    page = live.form("/settings", units="metric", reminder_time="21:00", name="", age_years="²")
    assert page.status_code == 422
    assert live.client.get("/api/settings").json()["age_years"] is None


def test_huge_integers_are_a_422_naming_the_field(live: Live) -> None:
    huge = "9" * 400
    raw = (f'{{"started_at": "{WHEN}", "intensity": {huge}}}').encode()
    answer = live.send("POST", "/api/episodes", raw)
    assert answer.status_code == 422, answer.text
    assert "intensity" in answer.text
    day = live.send("PUT", f"/api/days/{DAY}", (f'{{"factors": {{"naps": {huge}}}}}').encode())
    assert day.status_code == 422, day.text
    assert "naps" in day.text
    assert live.stored() == ([], [])


def test_a_note_with_nul_or_an_escape_is_a_422_naming_note_and_nothing_is_saved(live: Live) -> None:
    # PostgreSQL refuses NUL in text (this was a 500); SQLite stored it, and an escape too.
    logged = live.send("POST", "/api/episodes", {"started_at": WHEN}).json()
    for note in ("before\x00after", "red \x1b[31malert", "bell\x07"):
        answer = live.send("POST", "/api/episodes", {"started_at": WHEN, "note": note})
        assert answer.status_code == 422, (repr(note), answer.status_code, answer.text[:200])
        assert "note" in answer.text
        assert "control characters" in answer.text
        for form in (f"/episodes/{logged['id']}/details", f"/diary/episodes/{logged['id']}"):
            page = live.form(form, note=note, started_at="2026-01-05T08:00", offset="+00:00")
            assert page.status_code == 422, (form, repr(note), page.status_code)
            assert "control characters" in page.text
    assert live.stored() == ([logged], [])
    # What a person writes is still kept: tabs and line breaks (a textarea sends CRLF).
    kept = live.send("PUT", f"/api/episodes/{logged['id']}", {"started_at": WHEN, "note": "one\r\n\ttwo"})
    assert kept.status_code == 200, kept.text
    assert kept.json()["note"] == "one\r\n\ttwo"


def test_a_factor_name_with_a_trailing_newline_or_a_tag_with_nul_is_a_422(live: Live) -> None:
    for body, field in (
        ({"factors": {"naps\n": 1}}, "naps"),
        ({"tags": ["gym\x00"]}, "tags"),
        ({"tags": ["\u202egym"]}, None),  # a direction mark is text, and stays as typed
    ):
        answer = live.send("PUT", f"/api/days/{DAY}", body)
        if field is None:
            assert answer.status_code == 200, answer.text
            live.client.delete(f"/api/days/{DAY}", headers={"x-csrf-token": live.csrf})
            continue
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.text
    assert live.stored() == ([], [])


def _refuse_new_twitches(db_url: str) -> None:
    """A trigger that makes every new episode fail: an error no route expects."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if db_url.startswith("sqlite"):
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON episodes BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$"
                " LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER boom BEFORE INSERT ON episodes FOR EACH ROW EXECUTE FUNCTION boom()"
            )
    engine.dispose()


def test_an_unexpected_error_is_a_plain_500_with_security_headers_and_no_note_in_the_log(live: Live) -> None:
    _refuse_new_twitches(live.db_url)
    secret = "my-private-note-4711"
    answer = live.send("POST", "/api/episodes", {"started_at": WHEN, "note": secret})
    assert answer.status_code == 500
    _has_security_headers(answer)
    assert secret not in answer.text
    page = live.form("/episodes", note=secret)
    assert page.status_code == 500
    _has_security_headers(page)
    assert "Something went wrong" in page.text
    assert secret not in page.text
    expected = ("unexpected error on POST /api/episodes", "unexpected error on POST /episodes")
    # Log lines are written by a background thread (nasalis.log_setup): give it a moment.
    deadline = time.monotonic() + 10
    log = live.log.read_text()
    while not all(line in log for line in expected) and time.monotonic() < deadline:
        time.sleep(0.1)
        log = live.log.read_text()
    for line in expected:
        assert line in log
    assert secret not in log, "the log quotes the note"
    # The server carries on.
    assert live.client.get("/diary").status_code == 200


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real two-second MP4 of a face (about 0.1 MB)."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    render(ClipSpec(seconds=2, size=(320, 180), seed=1), path)
    return path.read_bytes()


def _send_clip(live: Live, name: str, data: bytes, path: str = "/api/videos") -> httpx2.Response:
    """Upload a clip with this file name byte for byte (a client library would percent-encode some)."""
    boundary = "nasalis-attack-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{live.csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", "x-csrf-token": live.csrf}
    if path != "/api/videos":
        headers["accept"] = "text/html"
    return live.client.post(path, content=body, headers=headers)


def test_a_clip_named_with_ansi_and_a_right_to_left_override_is_stored_and_shown_clean(
    live: Live, tiny_clip: bytes
) -> None:
    # "\u202e" makes "clip\u202e4pm.exe" read "clipexe.mp4"; ESC starts a terminal sequence.
    sent = _send_clip(live, "\x1b[31mface\x07\u202egnp.mp4", tiny_clip)
    assert sent.status_code == 202, sent.text
    shown = live.client.get(f"/api/videos/{sent.json()['id']}").json()["filename"]
    assert shown == "[31mfacegnp.mp4"
    pages = live.client.get("/videos").text + live.client.get(f"/videos/{sent.json()['id']}").text
    assert "\u202e" not in pages
    assert "\x1b" not in pages
    assert "\x07" not in pages
    disguised = _send_clip(live, "clip\u202e4pm.exe", tiny_clip)
    assert disguised.status_code == 422
    assert "not a video file" in disguised.text


def test_clips_past_the_quota_of_bytes_are_refused_with_a_422_naming_file(
    live: Live, tiny_clip: bytes
) -> None:
    big = tiny_clip + b"\0" * (3_000_001 - len(tiny_clip))  # MP4 readers skip trailing bytes
    refused = _send_clip(live, "big.mp4", big)
    assert refused.status_code == 422, refused.text
    assert "file" in refused.text
    assert "3 MB one person may store" in refused.text
    page = _send_clip(live, "big.mp4", big, "/videos")
    assert page.status_code == 422
    assert "3 MB one person may store" in page.text
    assert live.client.get("/api/videos").json() == []


def test_clips_past_the_quota_waiting_are_refused_with_a_422(
    pg_url: str, tmp_path: Path, tiny_clip: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL clips wait for a `nasalis worker`, so (with none running) they stay queued.
    monkeypatch.setenv("NASALIS_CLIP_QUOTA_COUNT", "2")
    with (
        serving(pg_url, log=tmp_path / "serve.log") as (base, _),
        httpx2.Client(base_url=base, timeout=60) as c,
    ):
        live = Live(c, csrf_of(c.get("/").text), tmp_path / "serve.log", pg_url)
        for n in range(2):
            assert _send_clip(live, f"clip{n}.mp4", tiny_clip).status_code == 202
        third = _send_clip(live, "clip2.mp4", tiny_clip)
        assert third.status_code == 422, third.text
        assert "2 clips are still waiting to be measured" in third.text
        assert len(c.get("/api/videos").json()) == 2


def test_a_person_sees_the_quota_beside_the_file_field_and_the_plain_500_page_on_a_phone(
    live: Live, tiny_clip: bytes, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.web.browsing import PHONE, shot

    big = tmp_path / "long-clip.mp4"
    big.write_bytes(tiny_clip + b"\0" * (3_000_001 - len(tiny_clip)))
    _refuse_new_twitches(live.db_url)
    base = str(live.client.base_url).rstrip("/")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = chromium.new_page(viewport=PHONE)
        page.goto(f"{base}/videos")
        page.set_input_files("input[type=file]", str(big))
        page.locator("#video-upload button[type=submit]").click()
        page.wait_for_selector("#file-error")
        assert "3 MB one person may store" in page.locator("#file-error").inner_text()
        shot(page, "video-quota-phone")
        answer = page.goto(f"{base}/diary/day/{DAY}")
        assert answer is not None
        page.fill("#time", "08:00")
        page.locator("form.add-twitch button[type=submit]").click()
        page.wait_for_selector("text=Something went wrong")
        assert "8:00" not in page.content()  # nothing of the diary on the error page
        shot(page, "error-500-phone")
        chromium.close()
