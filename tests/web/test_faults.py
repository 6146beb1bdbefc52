"""Faults: the server killed mid-write, the database stopped, the disk full. Nothing acknowledged
is lost, nothing half-written appears, and the app says plainly what happened."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from bench.support.postgres import PostgresServer, create_database
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from nasalis.config import Settings
from nasalis.diary.store import open_store
from nasalis.web.app import create_app
from tests.web.live import live_server, serving

WRITERS = 20


def _instant(writer: int, n: int) -> str:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=writer * 10_000 + n)
    return at.isoformat()


def _stored_instants(db_url: str) -> tuple[set[str], int, int]:
    """Episode instants, episode rows and journal rows as the database holds them."""
    store = open_store(db_url)
    try:
        with store.engine.connect() as c:
            rows = c.execute(text("select started_at_utc from episodes")).scalars().all()
            changes = c.execute(text("select count(*) from changes")).scalar_one()
        instants = {(r if isinstance(r, dt.datetime) else dt.datetime.fromisoformat(str(r))) for r in rows}
        as_text = {i.replace(tzinfo=dt.UTC).isoformat() for i in instants}
        return as_text, len(rows), int(changes)
    finally:
        store.close()


def test_a_server_killed_while_20_clients_write_keeps_every_acknowledged_write(
    db_url: str, tmp_path: Path
) -> None:
    acknowledged: set[str] = set()
    attempted: set[str] = set()
    lock = threading.Lock()
    with serving(db_url, log=tmp_path / "serve.log") as (base, process):
        stop = threading.Event()

        def writer(w: int) -> None:
            with httpx2.Client(base_url=base, timeout=10) as client:
                n = 0
                while not stop.is_set():
                    instant = _instant(w, n)
                    n += 1
                    with lock:
                        attempted.add(instant)
                    try:
                        r = client.post(
                            "/api/episodes", json={"started_at": instant, "intensity": 1 + n % 10}
                        )
                    except httpx2.HTTPError:
                        return  # the server died under this request: not acknowledged
                    if r.status_code == 201:
                        with lock:
                            acknowledged.add(instant)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)  # no shutdown, no flush: as a power cut to the process
        process.wait()
        stop.set()
        for t in threads:
            t.join()
    assert len(acknowledged) >= 200

    with live_server(db_url) as base:  # restart on the same database
        listed = httpx2.get(f"{base}/api/episodes", params={"start": "2025-12-01", "end": "2026-12-31"})
        assert listed.status_code == 200
    stored, episodes, changes = _stored_instants(db_url)
    assert acknowledged <= stored, f"lost {len(acknowledged - stored)} acknowledged writes"
    assert stored <= attempted  # nothing appeared that nobody sent
    assert changes == episodes  # each twitch came with its undo entry, or neither did
    if db_url.startswith("sqlite"):
        raw = create_engine(db_url)
        with raw.connect() as c:
            assert c.execute(text("pragma integrity_check")).scalar_one() == "ok"
        raw.dispose()


def test_database_stopped_answers_503_and_the_app_recovers_by_itself(tmp_path: Path) -> None:
    server = PostgresServer()
    server.start()
    try:
        url = create_database(server.url, "faults")
        with (
            live_server(url, log=tmp_path / "serve.log") as base,
            httpx2.Client(base_url=base, timeout=10) as web,
        ):
            first = web.post(
                "/api/episodes", json={"started_at": "2026-05-01T08:00:00+02:00", "intensity": 3}
            )
            assert first.status_code == 201

            server.stop()
            page = web.get("/")
            assert page.status_code == 503
            assert "cannot be reached" in page.text
            assert "Nothing was saved" in page.text
            assert page.headers["retry-after"] == "30"
            assert "default-src" in page.headers["content-security-policy"]
            lost = web.post("/api/episodes", json={"started_at": "2026-05-01T09:00:00+02:00", "intensity": 4})
            assert lost.status_code == 503
            assert "cannot be reached" in lost.json()["detail"]

            server.start()
            deadline = time.monotonic() + 15
            while (
                ok := web.get("/api/episodes", params={"start": "2026-05-01", "end": "2026-05-01"})
            ).status_code != 200:
                assert time.monotonic() < deadline, f"no recovery: {ok.status_code}"
                time.sleep(0.2)
            assert [e["intensity"] for e in ok.json()] == [3]  # the refused write did not half-happen
            again = web.post(
                "/api/episodes", json={"started_at": "2026-05-01T10:00:00+02:00", "intensity": 5}
            )
            assert again.status_code == 201
    finally:
        server.remove()


@contextmanager
def small_disk(where: Path, size: str = "2m") -> Iterator[Path]:
    """A real, tiny filesystem (tmpfs) to fill up; root is needed to mount it (CI runs as root)."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=False)
    if mounted.returncode != 0:
        pytest.fail("mounting a small tmpfs needs root (scripts/test runs as root in CI)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_gives_a_clear_error_and_no_corruption(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        url = f"sqlite:///{disk / 'diary.db'}"
        app = create_app(Settings(db_url=url))
        filler = disk / "filler"
        try:
            with TestClient(app) as web:
                assert (
                    web.post("/api/episodes", json={"started_at": "2026-05-01T08:00:00Z"}).status_code == 201
                )
                # Fill the disk, leaving a few pages: long notes then run out of room.
                free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
                filler.write_bytes(b"\0" * max(0, free - 96 * 1024))
                saved, refused = [], None
                for n in range(200):
                    r = web.post(
                        "/api/episodes",
                        json={"started_at": f"2026-05-02T08:{n // 60:02d}:{n % 60:02d}Z", "note": "x" * 4000},
                    )
                    if r.status_code == 201:
                        saved.append(r.json()["id"])
                        continue
                    refused = r
                    break
                assert refused is not None, "the disk never filled"
                assert refused.status_code == 507
                assert "disk that holds the diary is full" in refused.json()["detail"]
                page = web.get("/")  # reading still works, and the page says nothing odd
                assert page.status_code == 200

                filler.unlink()  # space again: the next write goes through
                assert (
                    web.post("/api/episodes", json={"started_at": "2026-05-03T08:00:00Z"}).status_code == 201
                )
        finally:
            app.state.store.close()
        raw = create_engine(url)
        with raw.connect() as c:
            assert c.execute(text("pragma integrity_check")).scalar_one() == "ok"
            count = c.execute(text("select count(*) from episodes")).scalar_one()
            changes = c.execute(text("select count(*) from changes")).scalar_one()
        raw.dispose()
        assert count == 1 + len(saved) + 1
        assert changes == count
