"""The server's log, read from a real `nasalis serve`: one line per request (method, route
template, status, duration, request id matching the X-Request-ID header), a startup line with
the password hidden, JSON lines on request, and never a note, a name, a password or a token."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx2

from nasalis.log_setup import JOB_LOGGER
from nasalis.web.request_log import NO_ROUTE
from tests.video.conftest import clips  # noqa: F401  (the session's generated clips)
from tests.web.conftest import csrf_of
from tests.web.live import serving

NOTE = "zz-marker-note-after-coffee"
USER = "zzmarkeruser"
PASSWORD = "zz-marker-password-123"
DAY = "2026-03-02"
REQUEST_LINE = re.compile(
    r"INFO nasalis\.request: (?P<method>[A-Z]+) (?P<route>\S+) (?P<status>\d{3}) [\d.]+ ms"
    r" \[(?P<id>[^\]]+)\]$"
)
EPISODE = {"started_at": f"{DAY}T08:15:00+01:00", "note": NOTE}


def _served(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def test_one_human_line_per_request_with_the_template_and_the_id(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    sent: list[tuple[str, str, int, str]] = []  # method, template, status, id from the header
    with (
        serving(f"sqlite:///{tmp_path / 'diary.db'}", log=log) as (base, _process),
        httpx2.Client(base_url=base, timeout=60) as client,
    ):

        def ask(method: str, path: str, template: str, **kwargs: object) -> httpx2.Response:
            answer = client.request(method, path, **kwargs)  # type: ignore[arg-type]
            sent.append((method, template, answer.status_code, answer.headers["x-request-id"]))
            return answer

        made = ask("POST", "/api/episodes", "/api/episodes", json=EPISODE)
        assert made.status_code == 201
        episode = made.json()["id"]
        ask("GET", f"/api/episodes/{episode}", "/api/episodes/{episode_id}")
        ask("GET", f"/diary/day/{DAY}?q={NOTE}", "/diary/day/{date}")
        ask("GET", "/api/episodes/999999", "/api/episodes/{episode_id}")
        kept = ask("GET", "/", "/", headers={"X-Request-ID": "proxy-trace.42"})
        replaced = ask("GET", "/", "/", headers={"X-Request-ID": f"{NOTE} <b>"})
        ask("GET", "/no/such/page", NO_ROUTE)
    assert kept.headers["x-request-id"] == "proxy-trace.42"  # a safe token from a proxy is kept
    assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["x-request-id"])  # an unsafe one is not
    assert [s[2] for s in sent] == [201, 200, 200, 404, 200, 200, 404]

    lines = _served(log)
    requests = [m.groupdict() for line in lines if (m := REQUEST_LINE.search(line))]
    assert len(requests) == sum("nasalis.request" in line for line in lines)  # every one in this shape
    mine = [r for r in requests if r["route"] != "/static/{path}"]  # the readiness probe asks for CSS
    assert [(r["method"], r["route"], int(r["status"]), r["id"]) for r in mine] == sent
    assert len({r["id"] for r in requests}) == len(requests)
    startup = [line for line in lines if "nasalis.serve" in line]
    assert len(startup) == 1
    assert "personal mode on 127.0.0.1:" in startup[0]
    text = "\n".join(lines)
    assert '"GET /' not in text, "uvicorn's access log repeats ours"
    for secret in (NOTE, DAY, "q="):
        assert secret not in text


def test_server_mode_json_lines_carry_no_name_password_note_or_token(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    ids: list[str] = []
    db = f"sqlite:///{tmp_path / 'diary.db'}"
    with (
        serving(db, "--accounts", "--log-json", log=log) as (base, _process),
        httpx2.Client(base_url=base, timeout=60) as client,
    ):
        form = client.get("/signup")
        signed = client.post(
            "/signup",
            data={"csrf_token": csrf_of(form.text), "username": USER, "password": PASSWORD},
        )
        assert signed.status_code == 303
        session = client.cookies["nasalis_session"]
        today = client.get("/")
        assert today.status_code == 200
        assert USER in today.text  # signed in as that person
        token = csrf_of(today.text)
        logged = client.post(
            "/api/episodes",
            json=EPISODE,
            headers={"X-CSRF-Token": token},
        )
        assert logged.status_code == 201
        anonymous = httpx2.get(f"{base}/api/episodes", timeout=60)
        assert anonymous.status_code == 401
        ids = [r.headers["x-request-id"] for r in (form, signed, today, logged, anonymous)]

    records = [json.loads(line) for line in _served(log)]  # every line is one JSON object
    requests = [r for r in records if r["logger"] == "nasalis.request"]
    by_id = {r["request_id"]: r for r in requests}
    assert [(by_id[i]["method"], by_id[i]["route"], by_id[i]["status"]) for i in ids] == [
        ("GET", "/signup", 200),
        ("POST", "/signup", 303),
        ("GET", "/", 200),
        ("POST", "/api/episodes", 201),
        ("GET", "/api/episodes", 401),
    ]
    assert all(isinstance(r["duration_ms"], float) for r in requests)
    startup = [r for r in records if r["logger"] == "nasalis.serve"]
    assert len(startup) == 1
    assert startup[0]["mode"] == "server"
    assert any(r["logger"].startswith("uvicorn") for r in records)  # uvicorn's own lines, as JSON too
    text = "\n".join(json.dumps(r) for r in records)
    for secret in (USER, PASSWORD, NOTE, session, token):
        assert secret not in text


def test_the_startup_line_hides_the_database_password(db_url: str, tmp_path: Path) -> None:
    if db_url.startswith("postgresql"):
        # The test server trusts any password, so one in the URL still opens the diary.
        db_url = db_url.replace("://nasalis@", "://nasalis:zz-db-secret@")
        assert "zz-db-secret" in db_url
    log = tmp_path / "serve.log"
    with serving(db_url, log=log) as (base, _process):
        assert httpx2.get(f"{base}/", timeout=60).status_code == 200
    startup = [line for line in _served(log) if "nasalis.serve" in line]
    assert len(startup) == 1
    assert "zz-db-secret" not in log.read_text()
    kind = db_url.split(":", 1)[0]
    assert f"database {kind}" in startup[0]
    if kind.startswith("postgresql"):
        assert "nasalis:***@127.0.0.1" in startup[0]


def test_a_video_job_logs_its_start_and_end_from_its_own_process(
    tmp_path: Path,
    clips: dict[str, Path],  # noqa: F811
) -> None:
    log = tmp_path / "serve.log"
    with (
        serving(f"sqlite:///{tmp_path / 'diary.db'}", "--log-json", log=log) as (base, _process),
        httpx2.Client(base_url=base, timeout=60) as client,
    ):
        clip = clips["no-face.mp4"]
        sent = client.post("/api/videos", files={"file": (clip.name, clip.read_bytes(), "video/mp4")})
        assert sent.status_code == 202, sent.text
        video_id = sent.json()["id"]
        deadline = time.monotonic() + 90
        while client.get(f"/api/videos/{video_id}").json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, "the clip was not measured within 90 s"
            time.sleep(0.3)
        time.sleep(0.5)  # the job's process writes its last line from a background thread
    # MediaPipe's C++ code writes its own lines to the same stderr; every Python one is JSON.
    records = [json.loads(line) for line in _served(log) if line.startswith("{")]
    jobs = [r["message"] for r in records if r["logger"] == JOB_LOGGER and r.get("video_id") == video_id]
    assert len(jobs) == 3, jobs
    assert jobs[0] == f"video job {video_id} queued"
    assert jobs[1] == f"video job {video_id} started ({clip.stat().st_size} bytes)"
    assert re.fullmatch(rf"video job {video_id} failed in \d+\.\d s", jobs[2]), jobs[2]
    assert clip.name not in log.read_text()
