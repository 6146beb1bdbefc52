"""Video over the web: the upload returns at once, a background job measures the clip.

Personal mode (SQLite) runs the job in a local process pool; server mode (PostgreSQL) queues
it in procrastinate and a real `nasalis worker` process takes it.
"""

from __future__ import annotations

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
from tests.web.conftest import sign_up


def _wait(client: TestClient, video_id: int, seconds: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/videos/{video_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"video {video_id} still {job['status']} after {seconds} s")


def _send(client: TestClient, clip: Path, csrf: str = "", **form: str) -> Any:
    with clip.open("rb") as handle:
        return client.post(
            "/api/videos",
            files={"file": (clip.name, handle, "video/mp4")},
            data=form,
            headers={"X-CSRF-Token": csrf} if csrf else {},
        )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """Personal mode on a SQLite file: clips are measured by the local process pool."""
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'v.db'}"))
    with TestClient(app) as client:
        yield client
    app.state.store.close()


def test_personal_mode_measures_in_the_background_and_attaches(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    started = time.monotonic()
    sent = _send(client, clips["twitches.mp4"], recorded_at="2026-03-02T08:15:00+01:00")
    assert sent.status_code == 202, sent.text
    assert time.monotonic() - started < 5  # the request never waits for the analysis
    assert sent.json()["status"] == "queued"
    job = _wait(client, sent.json()["id"])
    assert job["status"] == "done", job
    events = job["result"]["events"]
    assert {(e["region"], e["side"]) for e in events} == {
        ("nose", "left"),
        ("eyelid", "right"),
        ("mouth", "left"),
    }
    episodes = client.get("/api/episodes").json()
    video_eps = [e for e in episodes if e["source"] == "video"]
    assert len(video_eps) == 3
    assert min(e["started_at"] for e in video_eps).startswith("2026-03-02T08:15:01")
    page = client.get(f"/videos/{job['id']}").text
    assert "<svg" in page
    assert "Keyframes" in page
    assert page.count('src="data:image/jpeg;base64,') == 3
    undone = client.post("/api/undo")
    assert undone.status_code == 200
    assert not [e for e in client.get("/api/episodes").json() if e["source"] == "video"]


@pytest.mark.parametrize("name", ["not-a-video.mp4", "empty.mp4"])
def test_not_a_video_is_422_and_nothing_is_stored(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
    name: str,
) -> None:
    sent = _send(client, clips[name])
    assert sent.status_code == 422
    assert "file" in sent.text
    assert client.get("/api/videos").json() == []
    form = client.get("/videos").text
    assert "Measure twitches" in form


def test_a_clip_without_a_face_fails_with_a_reason_and_adds_nothing(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    job = _wait(client, _send(client, clips["no-face.mp4"]).json()["id"])
    assert job["status"] == "failed"
    assert "no face was found" in job["error"]
    assert client.get("/api/episodes").json() == []
    assert "could not be measured" in client.get(f"/videos/{job['id']}").text


def test_server_mode_queues_for_a_worker_and_keeps_each_person_to_their_own(
    pg_url: str,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    db_url = pg_url
    app = create_app(Settings(db_url=db_url, accounts=True))
    with TestClient(app) as alice, TestClient(app) as bob:
        alice_csrf, _ = sign_up(alice, "alice"), sign_up(bob, "bob")
        sent = _send(alice, clips["twitches.mp4"], alice_csrf)
        assert sent.status_code == 202, sent.text
        video_id = sent.json()["id"]
        time.sleep(1.0)
        assert alice.get(f"/api/videos/{video_id}").json()["status"] == "queued"  # no worker yet
        assert bob.get(f"/api/videos/{video_id}").status_code == 404
        assert bob.get(f"/videos/{video_id}").status_code == 404
        worker = nasalis_process("worker", "--once", "--db", db_url)
        assert worker.returncode == 0, worker.stderr
        job = alice.get(f"/api/videos/{video_id}").json()
        assert job["status"] == "done", job
        assert len(job["result"]["events"]) == 3
        assert bob.get("/api/videos").json() == []
        assert not bob.get("/api/episodes").json()
        assert len(alice.get("/api/episodes").json()) == 3
    app.state.store.close()
