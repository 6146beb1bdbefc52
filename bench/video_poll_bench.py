"""Video status poll benchmark: what one poll and the list cost with 20 MB clips waiting.

Run: .venv/bin/python -m bench.video_poll_bench [DB_URL]
Stores CLIPS queued clips of CLIP_MB each in a fresh SQLite diary (or the empty database
DB_URL), then times, medians of RUNS, the status poll's and the list's queries as the app runs
them (the clip bytes and stills deferred) beside the same queries loading whole rows (the
columns undeferred: how they ran before issue 18), in the same run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import undefer

from nasalis.diary import videos
from nasalis.diary.models import Video
from nasalis.diary.store import Store, open_store

CLIPS = 5
CLIP_MB = 20
RUNS = 21


def _median_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _measure(store: Store) -> None:
    person = store.person_id()
    with store.write() as session:
        ids = [
            videos.create(session, person, f"clip{i}.mp4", b"\0" * (CLIP_MB * 10**6)).id for i in range(CLIPS)
        ]
    whole = (undefer(Video.clip), undefer(Video.keyframes))

    def poll() -> None:
        with store.read() as session:
            videos.get(session, person, ids[-1])

    def poll_whole() -> None:
        with store.read() as session:
            session.get(Video, ids[-1], options=whole)

    def listing() -> None:
        with store.read() as session:
            videos.list_of(session, person)

    def listing_whole() -> None:
        with store.read() as session:
            list(session.scalars(select(Video).where(Video.person_id == person).options(*whole)))

    print(f"{CLIPS} queued clips of {CLIP_MB} MB, {store.engine.dialect.name}, median of {RUNS}")
    for name, now, before in (("status poll", poll, poll_whole), ("list", listing, listing_whole)):
        print(f"  {name:<12} {_median_ms(now):8.2f} ms   whole rows (before): {_median_ms(before):8.2f} ms")


def main() -> int:
    """Print the poll's and the list's query times beside the whole-row baseline."""
    if len(sys.argv) > 1:
        store = open_store(sys.argv[1])
        try:
            _measure(store)
        finally:
            store.close()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'poll.db'}")
        try:
            _measure(store)
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
