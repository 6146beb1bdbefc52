"""The Idempotency-Key header on every API write, on SQLite and PostgreSQL: a retry replays the
first answer and changes nothing more; the same key for another request is 422; two requests with
one key at once (two threads, two server processes) write once; one account's key never replays
for another; bad keys are 422 naming the header; the key never reaches the log."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import httpx2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, update

from nasalis.config import Settings
from nasalis.diary.idempotency import KEEP
from nasalis.diary.models import Base, IdempotencyKey, utcnow
from nasalis.web.app import create_app
from nasalis.web.idempotent_writes import HEADER, LOST_AFTER_S, REPLAYED, WRITE_METHODS
from tests.web.live import serving
from tests.web.test_server_mode import _api_routes

DAY = "2026-03-02"
VOLATILE = {"web_sessions": ("last_seen_at",), "videos": ("status", "result", "error", "clip", "keyframes")}
"""Columns that change without a request (the session's hourly touch, a clip's background job)."""


def _key() -> dict[str, str]:
    return {HEADER: str(uuid.uuid4())}


def _episode(minute: int, **more: Any) -> dict[str, Any]:
    return {"started_at": f"{DAY}T08:{minute:02d}:00+01:00", **more}


def _tiny_clip(folder: Path) -> Path:
    """A one-second grey MP4 with no face: enough to be accepted, quick for the job to fail."""
    path = folder / "tiny.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10, (64, 64))
    for _ in range(10):
        writer.write(np.full((64, 64, 3), 128, np.uint8))
    writer.release()
    return path


@dataclass(frozen=True)
class Call:
    """One API write as a test sends it: the path (ids filled in) and httpx's arguments."""

    path: str
    kwargs: dict[str, Any]


Example = Callable[[TestClient, Path], Call]
"""Prepares what the write needs (through the API, without a key) and says how to send it."""


def _made_episode(client: TestClient, minute: int) -> int:
    answer = client.post("/api/episodes", json=_episode(minute))
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _made(client: TestClient, path: str, body: dict[str, Any]) -> int:
    """The id of a row made through the API, for a DELETE example to remove."""
    answer = client.post(path, json=body)
    assert answer.status_code in (200, 201), answer.text
    return int(answer.json()["id"])


SCORE = {"scale": "Hemifacial spasm grade", "value": "2", "rated_on": DAY}
TREATMENT = {"date": DAY, "kind": "botulinum_toxin", "product": "Botox"}


def _undoable(client: TestClient, _folder: Path) -> Call:
    _made_episode(client, 40)
    _made_episode(client, 41)  # two changes: a second undo would take back the first too
    return Call("/api/undo", {})


def _running_experiment(client: TestClient) -> None:
    if client.post("/api/experiments/stop").status_code != 200:
        pass  # none was running
    answer = client.post("/api/experiments", json={"title": "no coffee after noon", "start": _today()})
    assert answer.status_code == 201, answer.text


def _today() -> str:
    return dt.date.today().isoformat()


def _kept(client: TestClient, _folder: Path) -> Call:
    _running_experiment(client)
    return Call("/api/experiments/kept", {"json": {"kept": True, "date": _today()}})


def _stop(client: TestClient, _folder: Path) -> Call:
    _running_experiment(client)
    return Call("/api/experiments/stop", {})


def _import(_client: TestClient, folder: Path) -> Call:
    csv = "started_at,duration_s\n2026-03-03T09:00:00+01:00,2\n2026-03-03T10:00:00+01:00,3\n"
    return Call("/api/import", {"files": {"file": ("episodes.csv", csv.encode(), "text/csv")}})


def _video(_client: TestClient, folder: Path) -> Call:
    clip = _tiny_clip(folder).read_bytes()
    return Call(
        "/api/videos", {"files": {"file": ("tiny.mp4", clip, "video/mp4")}, "data": {"mirrored": "false"}}
    )


EXAMPLES: dict[tuple[str, str], Example] = {
    ("POST", "/api/assess"): lambda c, f: Call(
        "/api/assess", {"json": {"schema": "nasalis.intake/1", "age_years": 34, "episode_seconds": 2}}
    ),
    ("POST", "/api/episodes"): lambda c, f: Call(
        "/api/episodes", {"json": _episode(15, note="after coffee")}
    ),
    ("PUT", "/api/episodes/{episode_id}"): lambda c, f: Call(
        f"/api/episodes/{_made_episode(c, 20)}", {"json": _episode(20, intensity=4)}
    ),
    ("DELETE", "/api/episodes/{episode_id}"): lambda c, f: Call(f"/api/episodes/{_made_episode(c, 25)}", {}),
    ("PUT", "/api/days/{date}"): lambda c, f: Call(
        f"/api/days/{DAY}", {"json": {"sleep_hours": 6, "stress": 7}}
    ),
    ("DELETE", "/api/days/{date}"): lambda c, f: Call(
        f"/api/days/{DAY}" if c.put(f"/api/days/{DAY}", json={"stress": 3}).status_code == 200 else "/",
        {},
    ),
    ("POST", "/api/undo"): _undoable,
    ("PUT", "/api/settings"): lambda c, f: Call("/api/settings", {"json": {"reminder_time": "20:30"}}),
    ("POST", "/api/experiments"): lambda c, f: Call(
        "/api/experiments", {"json": {"title": "magnesium", "start": _today()}}
    ),
    ("POST", "/api/experiments/kept"): _kept,
    ("POST", "/api/experiments/stop"): _stop,
    ("POST", "/api/import"): _import,
    ("POST", "/api/videos"): _video,
    ("POST", "/api/scores"): lambda c, f: Call("/api/scores", {"json": SCORE}),
    ("DELETE", "/api/scores/{score_id}"): lambda c, f: Call(
        f"/api/scores/{_made(c, '/api/scores', {**SCORE, 'value': '3'})}", {}
    ),
    ("POST", "/api/treatments"): lambda c, f: Call("/api/treatments", {"json": TREATMENT}),
    ("DELETE", "/api/treatments/{treatment_id}"): lambda c, f: Call(
        f"/api/treatments/{_made(c, '/api/treatments', {**TREATMENT, 'product': 'Xeomin'})}", {}
    ),
}
"""How to send each API write; a new write route fails the first test below until it is added."""


def _write_routes(app: Any) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in _api_routes(app.routes)
        if route.path.startswith("/api/")
        for method in (route.methods or set()) & WRITE_METHODS
    }


def _snapshot(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every diary table (but the keys themselves), as comparable tuples."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            out: dict[str, list[tuple[Any, ...]]] = {}
            for table in Base.metadata.sorted_tables:
                if table.name == IdempotencyKey.__tablename__:
                    continue
                skip = VOLATILE.get(table.name, ())
                columns = [c for c in table.columns if c.name not in skip]
                out[table.name] = sorted(
                    tuple(map(repr, row)) for row in connection.execute(select(*columns))
                )
            return out
    finally:
        engine.dispose()


@pytest.fixture
def personal_app(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(db_url=db_url))
    with TestClient(app) as client:
        yield client
    app.state.store.close()


def test_every_api_write_route_has_an_example(personal_app: TestClient) -> None:
    assert _write_routes(personal_app.app) == set(EXAMPLES)


def test_every_api_write_documents_the_header(personal_app: TestClient) -> None:
    schema = personal_app.app.openapi()  # type: ignore[attr-defined]
    for method, path in _write_routes(personal_app.app):
        operation = schema["paths"][path][method.lower()]
        named = [p for p in operation.get("parameters", []) if p["name"] == HEADER]
        assert [(p["in"], p["required"]) for p in named] == [("header", False)], (method, path)
        assert "replays" in named[0]["description"], (method, path)
        assert "409" in operation["responses"], (method, path)
        ok = operation["responses"]["200"]
        assert "answer was lost" in ok["description"], (method, path)
        lost = ok["content"]["application/json"]["schema"]
        assert "#/components/schemas/AlreadySaved" in (
            [lost.get("$ref")] + [s.get("$ref") for s in lost.get("anyOf", [])]
        ), (method, path)
    assert schema["components"]["schemas"]["AlreadySaved"]["properties"] == {"detail": {"type": "string"}}
    reads = schema["paths"]["/api/episodes"]["get"].get("parameters", [])
    assert HEADER not in {p["name"] for p in reads}


def test_a_retry_of_every_api_write_changes_nothing_more(
    personal_app: TestClient, db_url: str, tmp_path: Path
) -> None:
    wrote = 0
    for method, template in sorted(_write_routes(personal_app.app)):
        call = EXAMPLES[(method, template)](personal_app, tmp_path)
        kwargs = call.kwargs
        key = _key()
        before = _snapshot(db_url)
        first = personal_app.request(method, call.path, headers=key, **kwargs)
        after_first = _snapshot(db_url)
        wrote += after_first != before
        for _ in range(2):
            again = personal_app.request(method, call.path, headers=key, **kwargs)
            assert _snapshot(db_url) == after_first, f"{method} {template}: a retry changed the diary"
            assert (again.status_code, again.content) == (first.status_code, first.content), (
                method,
                template,
            )
            if after_first != before:
                assert again.headers.get(REPLAYED) == "true", (method, template)
    assert wrote >= 10  # nearly every example really wrote something (assess and the like do not)


def test_the_same_key_for_another_body_or_path_is_422_and_changes_nothing(
    personal_app: TestClient, db_url: str
) -> None:
    key = _key()
    assert personal_app.post("/api/episodes", json=_episode(10), headers=key).status_code == 201
    before = _snapshot(db_url)
    other_body = personal_app.post("/api/episodes", json=_episode(11), headers=key)
    other_path = personal_app.put(f"/api/days/{DAY}", json={"stress": 2}, headers=key)
    for answer in (other_body, other_path):
        assert answer.status_code == 422
        assert HEADER in answer.json()["detail"]
    assert _snapshot(db_url) == before


def test_an_address_of_3000_characters_is_kept_replayed_and_told_apart(
    personal_app: TestClient, db_url: str
) -> None:
    key = _key()
    long = "/api/episodes?from=" + "a" * 3000  # the app ignores the query; the key's row must not
    first = personal_app.post(long, json=_episode(12), headers=key)
    assert first.status_code == 201, first.text
    again = personal_app.post(long, json=_episode(12), headers=key)
    assert (again.status_code, again.headers.get(REPLAYED)) == (201, "true")
    assert again.json() == first.json()
    before = _snapshot(db_url)
    other = personal_app.post(long[:-1] + "b", json=_episode(12), headers=key)
    assert other.status_code == 422
    assert HEADER in other.json()["detail"]
    assert _snapshot(db_url) == before
    engine = create_engine(db_url)
    with engine.connect() as connection:
        stored = connection.execute(select(IdempotencyKey.target)).scalars().all()
    engine.dispose()
    assert [len(target) for target in stored] == [64]


@pytest.mark.parametrize(
    ("raw", "said"),
    [(b"", "empty"), (b"k" * 256, "at most 255"), ("clé-ü".encode(), "ASCII"), (b"a\tb", "ASCII")],
)
def test_a_bad_key_is_422_naming_the_header_and_changes_nothing(
    personal_app: TestClient, db_url: str, raw: bytes, said: str
) -> None:
    before = _snapshot(db_url)
    answer = personal_app.post("/api/episodes", json=_episode(12), headers=[(HEADER.encode(), raw)])
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(f"{HEADER}:")
    assert said in answer.json()["detail"]
    assert _snapshot(db_url) == before


def test_a_key_of_255_characters_is_taken(personal_app: TestClient) -> None:
    key = {HEADER: "k" * 255}
    assert personal_app.post("/api/episodes", json=_episode(13), headers=key).status_code == 201
    assert personal_app.post("/api/episodes", json=_episode(13), headers=key).headers[REPLAYED] == "true"


def test_a_key_expires_after_a_day_and_is_cleaned_when_the_person_writes(
    personal_app: TestClient, db_url: str
) -> None:
    key = _key()
    assert personal_app.post("/api/episodes", json=_episode(30), headers=key).status_code == 201
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(
            update(IdempotencyKey).values(created_at=utcnow() - KEEP - dt.timedelta(minutes=1))
        )
    # Expired: the key is free for a new request, and the old row goes in the same write.
    assert personal_app.post("/api/episodes", json=_episode(31), headers=key).status_code == 201
    with engine.connect() as connection:
        rows = connection.execute(select(IdempotencyKey.target, IdempotencyKey.body_hash)).all()
    engine.dispose()
    assert len(rows) == 1


def test_a_write_whose_answer_was_lost_is_reported_saved_not_redone(
    personal_app: TestClient, db_url: str
) -> None:
    # The process died between the commit (write and key together) and storing the answer.
    key = _key()
    assert personal_app.post("/api/undo", headers=key).status_code == 200
    _made_episode(personal_app, 35)
    engine = create_engine(db_url)
    with engine.begin() as connection:
        old = utcnow() - dt.timedelta(seconds=LOST_AFTER_S + 5)
        connection.execute(update(IdempotencyKey).values(status=None, body=None, created_at=old))
    engine.dispose()
    before = _snapshot(db_url)
    answer = personal_app.post("/api/undo", headers=key)
    assert answer.status_code == 200
    assert "already saved" in answer.json()["detail"]
    assert _snapshot(db_url) == before  # the episode logged since is still there


def test_another_accounts_key_never_replays(
    two_people: tuple[TestClient, str, TestClient, str], db_url: str
) -> None:
    alice, alice_csrf, bob, bob_csrf = two_people
    key = _key()
    mine = alice.post(
        "/api/episodes", json=_episode(45, note="alice"), headers={**key, "X-CSRF-Token": alice_csrf}
    )
    theirs = bob.post(
        "/api/episodes", json=_episode(45, note="alice"), headers={**key, "X-CSRF-Token": bob_csrf}
    )
    assert mine.status_code == theirs.status_code == 201
    assert REPLAYED not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]
    assert [e["id"] for e in bob.get("/api/episodes").json()] == [theirs.json()["id"]]
    # And Bob's different body under Alice's key is his own new write, not a 422.
    other = bob.post("/api/episodes", json=_episode(46), headers={**_key(), "X-CSRF-Token": bob_csrf})
    assert other.status_code == 201


def _race(base: str, keys: list[str]) -> list[httpx2.Response]:
    """Each key sent twice at the same moment by two threads; every answer."""
    answers: list[httpx2.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def send(client: httpx2.Client, key: str, minute: int) -> None:
        start.wait()
        answer = client.post("/api/episodes", json=_episode(minute), headers={HEADER: key})
        with lock:
            answers.append(answer)

    with httpx2.Client(base_url=base, timeout=60) as one, httpx2.Client(base_url=base, timeout=60) as two:
        for minute, key in enumerate(keys):
            threads = [threading.Thread(target=send, args=(c, key, minute)) for c in (one, two)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    return answers


@pytest.mark.parametrize("workers", ["1", "2"])
def test_two_requests_with_one_key_at_once_write_once(db_url: str, tmp_path: Path, workers: str) -> None:
    log = tmp_path / "serve.log"
    keys = [str(uuid.uuid4()) for _ in range(12)]
    with serving(db_url, "--workers", workers, log=log) as (base, _process):
        answers = _race(base, keys)
        episodes = httpx2.get(f"{base}/api/episodes", timeout=60).json()
    assert sorted(a.status_code for a in answers) == [201] * 24, [
        a.text for a in answers if a.status_code != 201
    ]
    assert len(episodes) == len(keys)  # each key wrote one twitch
    by_id: dict[int, int] = {}
    for answer in answers:
        by_id[answer.json()["id"]] = by_id.get(answer.json()["id"], 0) + 1
    assert sorted(by_id.values()) == [2] * len(keys)  # both senders of a key got the same twitch
    assert sum(a.headers.get(REPLAYED) == "true" for a in answers) == len(keys)
    said = log.read_text(encoding="utf-8")
    assert "nasalis.request" in said
    assert not any(key in said for key in keys)
