"""Video over the web: the upload returns at once, a background job measures the clip.

Personal mode (SQLite) runs the job in a local process pool; server mode (PostgreSQL) queues
it in procrastinate and a real `nasalis worker` process takes it.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.diary.models import Video
from nasalis.video.moments import SAME_PLACE_GAP_S, choose, moment
from nasalis.video.review import asked
from nasalis.web.app import create_app
from nasalis.web.charts import SIDE_COLOURS, timeline, timeline_legend
from tests.cli.runner import nasalis_process
from tests.video.conftest import clips  # noqa: F401  (the session's generated clips)
from tests.web.conftest import csrf_of, sign_up


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
    sent = _send(client, clips["twitches.mp4"], recorded_at="2026-03-02T08:15:00+01:00", attach="true")
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
    keyframes = _keyframes(page)  # the review's stills of uncertain twitches come before them
    assert keyframes.count('src="data:image/jpeg;base64,') == 3  # three twitches seconds apart: three stills
    assert "Undo on the Today page" not in page  # there is none; the page has its own button
    assert "Take them out of the diary" in page
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
        sent = _send(alice, clips["twitches.mp4"], alice_csrf, attach="true")
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


def _form_send(client: TestClient, clip: Path, **form: str) -> Any:
    """Send a clip through the upload form, as a browser does."""
    with clip.open("rb") as handle:
        return client.post(
            "/videos",
            files={"file": (clip.name, handle, "video/mp4")},
            data={"csrf_token": csrf_of(client.get("/videos").text), **form},
            follow_redirects=False,
        )


def _job_id(sent: Any) -> int:
    assert sent.status_code == 303, sent.text
    return int(sent.headers["location"].rsplit("/", 1)[1])


def test_the_form_adds_nothing_unless_asked_then_adds_and_takes_back_from_the_result(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    form = client.get("/videos").text
    assert re.search(r'name="attach" value="true"\s*>', form)  # the box is there, not ticked
    assert 'name="recorded_at"' in form
    assert 'type="datetime-local"' in form
    video_id = _job_id(_form_send(client, clips["twitches.mp4"], recorded_at="2026-03-02T08:15", tz="60"))
    assert _wait(client, video_id)["status"] == "done"
    assert client.get("/api/episodes").json() == []  # default off, as `video analyze` without --attach
    page = client.get(f"/videos/{video_id}").text
    assert "Nothing from this clip is in your diary" in page
    csrf = csrf_of(page)
    assert "No stills were kept" not in page  # the job kept stills around each event it asks about
    with client.app.state.store.read() as session:  # type: ignore[attr-defined]
        row = session.get(Video, video_id)
        assert row is not None
        assert row.result is not None
        assert set(row.review_stills or {}) == {str(i) for i in asked(row.result["events"])}
    for event in re.findall(r'name="event" value="(\d+)"', page):  # the least certain: checked, kept
        client.post(
            f"/videos/{video_id}/review", data={"csrf_token": csrf, "event": event, "decision": "keep"}
        )
    added = client.post(f"/videos/{video_id}/attach", data={"csrf_token": csrf}, follow_redirects=False)
    assert added.status_code == 303
    episodes = client.get("/api/episodes").json()
    assert len(episodes) == 3
    # Dated from "recorded at" in the browser's offset (tz=60 minutes), not from the upload.
    assert min(e["started_at"] for e in episodes).startswith("2026-03-02T08:15:01")
    assert min(e["started_at"] for e in episodes).endswith("+01:00")
    page = client.get(f"/videos/{video_id}").text
    assert "3 twitches from this clip are in your" in page
    change = re.search(r'name="change" value="(\d+)"', page)
    assert change, "no button takes them back"
    client.post("/undo", data={"csrf_token": csrf, "change": change.group(1), "back": "/diary"})
    assert client.get("/api/episodes").json() == []
    assert "no longer in your diary" in client.get(f"/videos/{video_id}").text


def test_a_future_recorded_at_is_422_beside_its_field_and_nothing_is_stored(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    later = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    sent = _form_send(client, clips["still.webm"], recorded_at=later, attach="true")
    assert sent.status_code == 422
    assert 'id="recorded_at-error"' in sent.text
    assert re.search(r'id="recorded_at"[^>]*aria-invalid="true"', sent.text)
    assert "in the future" in sent.text
    assert f'value="{later}"' in sent.text  # what was typed is kept
    assert 'name="attach" value="true" checked' in sent.text
    api = _send(client, clips["still.webm"], recorded_at="2099-01-01T08:00:00+00:00")
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "recorded_at"]
    assert client.get("/api/videos").json() == []


def test_an_oversize_clip_meets_the_form_with_the_limit_named(client: TestClient) -> None:
    form = client.get("/videos").text
    limit = client.app.state.settings.max_upload_bytes  # type: ignore[attr-defined]
    found = re.search(r'data-max-bytes="(\d+)"', form)
    assert found
    assert 0 < int(found.group(1)) < limit
    assert '<script src="/static/video.js"' in form
    assert client.get("/static/video.js").status_code == 200
    refused = client.get("/videos?too_large=1")
    assert 'id="file-error"' in refused.text
    assert "larger than the limit of 20 MB" in refused.text


def test_the_size_guard_answers_a_form_upload_with_the_form(client: TestClient) -> None:
    """Needs the lead's change in guards.py: a page's upload over the limit redirects to its form."""
    big = b"\0" * (client.app.state.settings.max_upload_bytes + 1)  # type: ignore[attr-defined]
    sent = client.post(
        "/videos",
        files={"file": ("big.mp4", big, "video/mp4")},
        data={"csrf_token": csrf_of(client.get("/videos").text)},
        headers={"accept": "text/html"},
    )
    assert sent.status_code == 200, sent.text[:200]
    assert "Measure twitches from a video" in sent.text
    assert "larger than the limit of 20 MB" in sent.text
    assert client.get("/api/videos").json() == []


def test_the_timeline_reads_on_a_phone_and_says_what_its_colours_are() -> None:
    events = [
        {"start_s": 1.5, "end_s": 1.9, "region": "nose", "side": "left", "amplitude": 0.03},
        {"start_s": 4.0, "end_s": 4.6, "region": "eyelid", "side": "both", "amplitude": 0.02},
    ]
    svg = str(timeline({"duration_s": 10.0, "events": events}))
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))  # type: ignore[union-attr]
    sizes = {float(f) for f in re.findall(r'font-size="([\d.]+)"', svg)}
    # Drawn at about a phone's content width (358 px at 390): labels render at their own size.
    assert width <= 370
    assert min(sizes) * 358 / width >= 12
    assert "<desc" in svg
    assert "nose on your left side at 1.5 s" in svg
    assert "eyelid on both sides at 4.0 s" in svg
    legend = str(timeline_legend())
    for _side, colour in SIDE_COLOURS.items():
        assert colour in legend
    assert "your left side" in legend
    assert "your right side" in legend
    assert "both sides" in legend


def test_keyframes_are_at_distinct_twitches_strongest_first() -> None:
    def event(start: float, size: float, region: str = "nose") -> dict[str, Any]:
        return {"start_s": start, "end_s": start + 0.2, "region": region, "side": "left", "amplitude": size}

    # A flutter of the left ala (three events 0.6 s apart), then two other twitches.
    flutter = [event(1.0, 0.03), event(1.6, 0.05), event(2.2, 0.03)]
    others = [event(2.5, 0.02, "eyelid"), event(6.0, 0.01)]
    chosen = choose(flutter + others)
    assert [e["start_s"] for e in chosen] == [1.6, 2.5, 6.0]  # one still of the flutter, its strongest
    assert choose(flutter) == [flutter[1]]  # fewer distinct twitches: fewer stills
    many = [event(t * 2.0, 0.01 + t / 100) for t in range(10)]
    assert [e["start_s"] for e in choose(many)] == [12.0, 14.0, 16.0, 18.0]
    assert all(moment(b) - moment(a) >= SAME_PLACE_GAP_S for a, b in itertools.pairwise(choose(many)))
    assert choose([event(3.0, 0.02), event(3.2, 0.03, "mouth")]) == [event(3.2, 0.03, "mouth")]


def _image(uri: str) -> Any:
    raw = base64.b64decode(uri.split(",", 1)[1])
    gray = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE)
    # The cut-out face's height follows the head a little; compare at one size.
    return cv2.resize(gray, (160, 190), interpolation=cv2.INTER_AREA).astype(np.float32)


def _keyframes(page: str) -> str:
    """The result page's keyframes section (its own stills, not the review's)."""
    return page.split('<div class="keyframes">', 1)[1].split("</div>", 1)[0]


def test_the_stills_of_a_measured_clip_differ(
    client: TestClient,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    job = _wait(client, _send(client, clips["twitches.mp4"]).json()["id"])
    page = client.get(f"/videos/{job['id']}").text
    stills = re.findall(r'src="(data:image/jpeg;base64,[^"]+)"', _keyframes(page))
    assert len(stills) == 3
    assert "nose, left side, at" in page  # each still says what it shows
    images = [_image(s) for s in stills]
    for i, a in enumerate(images):
        for b in images[i + 1 :]:
            # The ring moves to the place that twitched: the stills are not the same picture.
            assert float(np.mean(np.abs(a - b))) > 1.0
