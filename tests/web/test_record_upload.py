"""The recorder's upload: the same endpoints as a chosen file, plus where the part read aloud began."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.web.app import create_app
from tests.cli.runner import nasalis_process
from tests.video.conftest import clips  # noqa: F401  (the session's generated clips)
from tests.web.conftest import csrf_of, sign_up


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """Personal mode on a SQLite file: clips are measured by the local process pool."""
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'r.db'}"))
    with TestClient(app) as client:
        yield client
    app.state.store.close()


def _post(client: TestClient, url: str, clip: Path, **form: str) -> Any:
    with clip.open("rb") as handle:
        return client.post(
            url,
            files={"file": ("recording-20260302-0815.webm", handle, "video/webm")},
            data={"csrf_token": csrf_of(client.get("/videos").text), **form},
            follow_redirects=False,
        )


@pytest.mark.parametrize("bad", ["soon", "-3", "nan", "7200"])
def test_a_part_read_aloud_that_is_not_a_time_is_422_naming_it_and_nothing_is_stored(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
    bad: str,
) -> None:
    page = _post(client, "/videos", clips["still.webm"], speech_from_s=bad)
    assert page.status_code == 422
    assert re.search(r'<a href="#speech_from_s">Part read aloud</a>: .*is not a time in the clip', page.text)
    api = _post(client, "/api/videos", clips["still.webm"], speech_from_s=bad)
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "speech_from_s"]
    assert client.get("/api/videos").json() == []


def test_the_part_read_aloud_reaches_the_measurement_and_a_waiting_clip_still_shows(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    sent = _post(
        client, "/videos", clips["twitches.mp4"], speech_from_s="5.00", recorded_at="2026-03-02T08:15"
    )
    assert sent.status_code == 303, sent.text
    where = sent.headers["location"]
    waiting = client.get(where)  # queued: what the job is asked is not yet a measurement
    assert waiting.status_code == 200, waiting.text
    video_id = int(where.rsplit("/", 1)[1])
    deadline = time.monotonic() + 90
    while (job := client.get(f"/api/videos/{video_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    assert job["status"] == "done", job
    result = job["result"]
    assert (result["speech_from_s"], result["speech_set_aside"]) == (5.0, 1)
    assert {(e["region"], e["side"]) for e in result["events"]} == {("nose", "left"), ("eyelid", "right")}
    assert "From 5 s the clip was read aloud" in client.get(where).text


def test_the_page_offers_the_recorder_with_its_lengths_from_the_query(client: TestClient) -> None:
    plain = client.get("/videos").text
    assert 'data-seconds="60" data-speech-seconds="30"' in plain
    assert '<script src="/static/record.js" defer></script>' in plain
    assert client.get("/static/record.js").status_code == 200
    short = client.get("/videos?seconds=12&speech_seconds=6").text
    assert 'data-seconds="12" data-speech-seconds="6"' in short
    assert "Then 6 seconds reading a short passage aloud" in short
    bounded = client.get("/videos?seconds=1&speech_seconds=999").text
    assert 'data-seconds="5" data-speech-seconds="60"' in bounded


def test_server_mode_carries_the_part_read_aloud_through_the_queue_to_a_worker(
    pg_url: str,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    app = create_app(Settings(db_url=pg_url, accounts=True))
    with TestClient(app) as alice:
        sign_up(alice, "alice")
        sent = _post(alice, "/api/videos", clips["twitches.mp4"], speech_from_s="5")
        assert sent.status_code == 202, sent.text
        video_id = sent.json()["id"]
        assert alice.get(f"/videos/{video_id}").status_code == 200  # queued, for a worker to take
        worker = nasalis_process("worker", "--once", "--db", pg_url)
        assert worker.returncode == 0, worker.stderr
        job = alice.get(f"/api/videos/{video_id}").json()
        assert job["status"] == "done", job
        assert (job["result"]["speech_from_s"], job["result"]["speech_set_aside"]) == (5.0, 1)
        assert {e["region"] for e in job["result"]["events"]} == {"nose", "eyelid"}
    app.state.store.close()
