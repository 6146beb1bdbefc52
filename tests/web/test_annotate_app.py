"""The annotate page's app refuses what the page it served would never send: no file is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tools.twitchclips import ClipSpec, render

from nasalis.web.annotate_app import TOKEN_HEADER, Session, create_annotate_app, open_session

HOST = "127.0.0.1:8123"
TRUTH = {
    "clip": "c.avi",
    "fps": 30,
    "seconds": 1,
    "twitches": [{"region": "mouth", "side": "left", "onset_s": 0.5}],
}


@pytest.fixture
def session(tmp_path: Path) -> Session:
    """A session on a 1 s clip, its truth file not yet written."""
    render(ClipSpec(seconds=1, size=(320, 180)), tmp_path / "c.avi")
    return open_session(tmp_path / "c.avi", tmp_path / "c.json")


def _client(session: Session) -> TestClient:
    return TestClient(create_annotate_app(session, frozenset({HOST})), base_url=f"http://{HOST}")


def test_a_save_without_the_pages_token_is_refused(session: Session) -> None:
    with _client(session) as client:
        assert client.post("/save", json={"truth": TRUTH}).status_code == 403
        assert client.post("/save", json={"truth": TRUTH}, headers={TOKEN_HEADER: "guess"}).status_code == 403
        assert not session.out.exists()
        page = client.get("/")
        assert session.token in page.text
        done = client.post("/save", json={"truth": TRUTH}, headers={TOKEN_HEADER: session.token})
        assert done.status_code == 200
        assert done.json() == {"saved": "c.json", "twitches": 1, "blinks": 0, "backup": None}


def test_another_host_name_gets_nothing(session: Session) -> None:
    with TestClient(
        create_annotate_app(session, frozenset({HOST})), base_url="http://evil.example"
    ) as client:
        assert client.get("/").status_code == 421
        assert client.get("/clip").status_code == 421


def test_a_bad_truth_is_422_naming_the_field_and_writes_nothing(session: Session) -> None:
    bad = {**TRUTH, "twitches": [{"region": "mouth", "side": "middle", "onset_s": 0.5}]}
    with _client(session) as client:
        done = client.post("/save", json={"truth": bad}, headers={TOKEN_HEADER: session.token})
    assert done.status_code == 422
    assert done.json()["detail"].startswith("truth: twitches.0.side:")
    assert not session.out.exists()


def test_the_clip_is_served_in_ranges_so_the_player_can_seek(session: Session) -> None:
    with _client(session) as client:
        part = client.get("/clip", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert len(part.content) == 100
    assert part.headers["content-security-policy"].startswith("default-src 'self'")
