"""The video job path: a poll never reads clip bytes, a crash mid-job is taken up on restart.

Real parts only: the app's own engine (its SQL seen through SQLAlchemy's cursor events),
real `nasalis serve` and `nasalis worker` processes killed with SIGKILL mid-job.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update

from nasalis.config import Settings
from nasalis.diary import videos
from nasalis.diary.models import Change, Episode, Video
from nasalis.diary.store import Store, open_store
from nasalis.video.jobs import STALLED_S, run_job
from nasalis.web.app import create_app
from tests.video.conftest import clips  # noqa: F401  (the session's generated clips)
from tests.web.conftest import sign_up
from tests.web.live import serving

HEAVY = re.compile(r"\bvideos\.(clip|keyframes|review_stills)\b")
"""The deferred columns as SQLAlchemy names them in a SELECT's column list."""
CLIP_BYTES = 20_000_000


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """Every SQL statement the store's engines run inside the block."""
    seen: list[str] = []
    engines = {store.engine, store._writer.kw["bind"]}

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _selects_heavy(sql: list[str]) -> list[str]:
    """The SELECTs whose column list (before FROM) names the clip bytes or the stills."""
    return [s for s in sql if s.lstrip().upper().startswith("SELECT") and HEAVY.search(s.split("FROM")[0])]


def test_the_status_poll_and_the_list_never_read_the_clip_bytes(db_url: str) -> None:
    app = create_app(Settings(db_url=db_url))
    store: Store = app.state.store
    person = store.person_id()
    measured = {
        "duration_s": 2.0,
        "events": [],
        "events_per_minute": 0.0,
        "blinks_per_minute": 0.0,
        "face_found_ratio": 1.0,
    }
    with TestClient(app) as client:
        with store.write() as session:  # stored as an upload stores them, without starting a job
            waiting = videos.create(session, person, "big.mp4", b"\0" * CLIP_BYTES).id
            done = videos.create(session, person, "done.mp4", b"\0" * 1000).id
            videos.finish(session, done, measured, ["data:image/jpeg;base64,AAAA"])
        with statements(store) as sql:
            started = time.monotonic()
            poll = client.get(f"/videos/{waiting}", headers={"HX-Request": "true", "HX-Target": "job"})
            took = time.monotonic() - started
            assert poll.status_code == 200
            assert "updates by itself" in poll.text
            assert client.get(f"/api/videos/{waiting}").json()["status"] == "queued"
            assert [v["id"] for v in client.get("/api/videos").json()] == [done, waiting]
            assert "big.mp4" in client.get("/videos").text
            polled = list(sql)
            assert (
                "data:image/jpeg;base64,AAAA" in client.get(f"/videos/{done}").text
            )  # the stills, when shown
    assert polled
    assert not _selects_heavy(polled), _selects_heavy(polled)
    assert _selects_heavy(sql[len(polled) :])  # the stills are read for the one page that shows them
    # The statements above are the real check; the time only catches a gross regression, with room
    # for a busy machine (1.04-1.08 s was seen at a load of 13 for a poll that takes ~1 ms alone).
    assert took < 3.0, f"a status poll took {took:.2f} s with a 20 MB clip stored"
    with statements(store) as sql, store.read() as session:  # the job does read them: the check sees it
        row = session.get(Video, waiting)
        assert row is not None
        assert len(row.clip or b"") == CLIP_BYTES
    assert _selects_heavy(sql)
    store.close()


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        data: dict[str, Any] = json.load(answer)
        return data


def _post_clip(base: str, clip: Path, **fields: str) -> tuple[int, dict[str, Any]]:
    """POST /api/videos as multipart, the way any HTTP client sends a file."""
    boundary = "nasalis-clip-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{clip.name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    )
    body = b"".join(parts) + head.encode() + clip.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{base}/api/videos",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, json.load(answer)


def _wait_for(base: str, video_id: int, wanted: set[str], seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            job = _get_json(f"{base}/api/videos/{video_id}")
        except OSError:
            job = {"status": "unreachable"}
        if job["status"] in wanted:
            return job
        time.sleep(0.1)
    raise AssertionError(f"video {video_id} still {job.get('status')} after {seconds} s, not {wanted}")


def _video_episodes(url: str) -> tuple[int, int]:
    """(twitches from video in the diary, journal entries that added them)."""
    store = open_store(url, upgrade=False)
    try:
        with store.read() as session:
            episodes = len(session.scalars(select(Episode.id).where(Episode.source == "video")).all())
            changes = len(session.scalars(select(Change.id).where(Change.table_name == "episodes")).all())
    finally:
        store.close()
    return episodes, changes


def test_a_clip_running_when_the_server_is_killed_is_measured_after_restart(
    tmp_path: Path,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    with serving(url, log=tmp_path / "first.log") as (base, process):
        clip = clips["twitches.mp4"]
        status, sent = _post_clip(base, clip, attach="true", recorded_at="2026-03-02T08:15:00+01:00")
        assert status == 202, sent
        video_id = sent["id"]
        _wait_for(base, video_id, {"running"})
        os.killpg(process.pid, signal.SIGKILL)  # the server and its measuring process, as a crash
        process.wait()
    assert _video_episodes(url) == (0, 0)  # killed before it finished: nothing half-attached
    with serving(url, log=tmp_path / "second.log") as (base, _process):
        job = _wait_for(base, video_id, {"done", "failed"})
        assert job["status"] == "done", job
        assert len(job["result"]["events"]) == 3
        with urllib.request.urlopen(f"{base}/videos/{video_id}", timeout=10) as answer:
            page = answer.read().decode()
        assert "updates by itself" not in page
    assert _video_episodes(url) == (3, 1)  # each twitch once, as one change


def test_a_clip_interrupted_twice_fails_with_the_reason_on_its_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    store = open_store(url)
    person = store.person_id()
    with store.write() as session:
        twice = videos.create(session, person, "twice.mp4", b"not measured").id
        lost = videos.create(session, person, "lost.mp4", None).id
        session.execute(
            update(Video).where(Video.id == twice).values(status="running", error=videos.INTERRUPTED)
        )
        session.execute(update(Video).where(Video.id == lost).values(status="running"))
    store.close()
    app = create_app(Settings(db_url=url))
    with TestClient(app) as client:
        for video_id, reason in ((twice, "twice"), (lost, "not kept")):
            job = client.get(f"/api/videos/{video_id}").json()
            assert job["status"] == "failed", job
            assert reason in job["error"]
            page = client.get(f"/videos/{video_id}").text
            assert "updates by itself" not in page
            assert "could not be measured" in page
            assert job["error"] in page
    assert app.state.jobs is None  # nothing to measure: no pool of processes was started
    with app.state.store.read() as session:
        assert session.scalar(select(Video.clip).where(Video.id == twice)) is None  # nothing of it kept
    app.state.store.close()


def test_a_job_logs_its_start_and_end_by_id_and_never_the_clip_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'diary.db'}")
    with store.write() as session:
        video_id = videos.create(session, store.person_id(), "Anna Berg twitching.mp4", b"not a video").id
    with caplog.at_level(logging.INFO, logger="nasalis.video.jobs"):
        assert run_job(store, video_id) == "failed"
        assert run_job(store, video_id) == "skipped"  # no longer queued
    store.close()
    said = [r.getMessage() for r in caplog.records if r.name == "nasalis.video.jobs"]
    assert said[0] == f"video job {video_id} started (11 bytes)"
    assert re.fullmatch(rf"video job {video_id} failed in \d+\.\d s", said[1])
    assert said[2].startswith(f"video job {video_id} skipped")
    assert not [line for line in said if "Anna" in line or "not a video" in line]


def _worker(url: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "nasalis", "worker", "--db", url, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_a_clip_running_when_its_worker_is_killed_is_taken_by_the_next_worker(
    pg_url: str,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    app = create_app(Settings(db_url=pg_url, accounts=True))
    with TestClient(app) as client:
        csrf = sign_up(client, "alice")
        clip = clips["twitches.mp4"]
        sent = client.post(
            "/api/videos",
            files={"file": (clip.name, clip.read_bytes(), "video/mp4")},
            data={"attach": "true"},
            headers={"X-CSRF-Token": csrf},
        )
        assert sent.status_code == 202, sent.text
        video_id = sent.json()["id"]
        worker = _worker(pg_url)
        try:
            deadline = time.monotonic() + 60
            while client.get(f"/api/videos/{video_id}").json()["status"] != "running":
                assert time.monotonic() < deadline, "the worker never took the clip"
                time.sleep(0.1)
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        time.sleep(STALLED_S + 1)  # its heartbeat stops: now it is a stalled worker
        assert client.get(f"/api/videos/{video_id}").json()["status"] == "running"
        again = _worker(pg_url, "--once")
        assert again.wait(timeout=180) == 0
        job = client.get(f"/api/videos/{video_id}").json()
        assert job["status"] == "done", job
        assert len(job["result"]["events"]) == 3
        assert len(client.get("/api/episodes").json()) == 3
    app.state.store.close()
    assert _video_episodes(pg_url) == (3, 1)


def test_a_clip_stored_but_never_queued_is_queued_by_a_starting_worker(
    pg_url: str,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    store = open_store(pg_url)
    with store.write() as session:  # as an upload leaves it when the server dies before deferring
        video_id = videos.create(session, store.person_id(), "t.mp4", clips["twitches.mp4"].read_bytes()).id
    store.close()
    first = _worker(pg_url, "--once")
    assert first.wait(timeout=180) == 0
    store = open_store(pg_url, upgrade=False)
    with store.read() as session:
        row = session.get(Video, video_id)
        assert row is not None
        assert row.status == "done", row.error
        assert len((row.result or {})["events"]) == 3
    store.close()


def test_plots_render_without_pyplot() -> None:
    script = (
        "import sys, datetime as dt\n"
        "import nasalis.web.app\n"
        "from nasalis.report.data import weekly\n"
        "from nasalis.report.plots import weekly_trend\n"
        "from nasalis.web.charts import timeline\n"
        "day = dt.date(2026, 3, 2)\n"
        "days = [day + dt.timedelta(days=i) for i in range(30)]\n"
        "assert '<svg' in weekly_trend(weekly({d: i % 4 for i, d in enumerate(days)}, set(days)))\n"
        "events = [{'start_s': 1.0, 'end_s': 1.4, 'region': 'nose', 'side': 'left', 'amplitude': 0.05}]\n"
        "assert '<svg' in timeline({'duration_s': 5.0, 'events': events})\n"
        "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]  # matplotlib drew the plot; pyplot never loaded
