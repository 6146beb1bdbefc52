"""Idempotency-Key benchmark: what the header costs a write, and what a retry costs.

Run: .venv/bin/python -m bench.idempotency_bench [DB_URL]
Over the real app (TestClient, a fresh SQLite diary or the empty database DB_URL), times the
median of RUNS `POST /api/episodes` without the header (the baseline, in the same run), with a
fresh key each time (the key row written in the write's transaction), and a retry of a key
already answered (replayed: nothing runs, nothing is written).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from nasalis.config import Settings
from nasalis.web.app import create_app
from nasalis.web.idempotent_writes import HEADER

RUNS = 201


def _median_ms(send: Callable[[int], int]) -> float:
    times = []
    for i in range(RUNS):
        start = time.perf_counter()
        status = send(i)
        times.append(time.perf_counter() - start)
        assert status in (200, 201), status
    return statistics.median(times) * 1000


def _episode(minute: int, day: int) -> dict[str, str]:
    return {"started_at": f"2026-03-{day:02d}T{8 + minute // 60 % 12:02d}:{minute % 60:02d}:00+01:00"}


def main(db_url: str | None = None) -> None:
    """Print the three medians side by side."""
    os.environ.setdefault("NASALIS_ALLOWED_HOSTS", "testserver")
    with tempfile.TemporaryDirectory() as folder:
        url = db_url or f"sqlite:///{Path(folder) / 'diary.db'}"
        app = create_app(Settings(db_url=url))
        with TestClient(app) as client:
            plain = _median_ms(lambda i: client.post("/api/episodes", json=_episode(i, 2)).status_code)
            keyed = _median_ms(
                lambda i: (
                    client.post(
                        "/api/episodes", json=_episode(i, 3), headers={HEADER: str(uuid.uuid4())}
                    ).status_code
                )
            )
            key = {HEADER: str(uuid.uuid4())}
            client.post("/api/episodes", json=_episode(0, 4), headers=key)
            replay = _median_ms(
                lambda _i: client.post("/api/episodes", json=_episode(0, 4), headers=key).status_code
            )
        app.state.store.close()
    print(f"POST /api/episodes, median of {RUNS}, {url.split(':')[0]}:")
    print(f"  without Idempotency-Key (baseline) {plain:7.2f} ms")
    print(f"  with a new key                     {keyed:7.2f} ms  ({keyed / plain:.2f}x)")
    print(f"  retry of an answered key (replay)  {replay:7.2f} ms  ({replay / plain:.2f}x)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
