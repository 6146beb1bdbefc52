"""Video analysis as a background job: a request never waits for a clip to be measured.

Personal mode (SQLite, one machine): a local pool of processes runs the jobs. Server mode
(PostgreSQL): jobs go through procrastinate, a PostgreSQL-backed queue, and `nasalis worker`
processes, on this machine or others pointing at the same database, share them. Either way
the job itself is `run_job`: read the clip from the database, measure it, store the result
(and the events as episodes when asked), and delete the clip.

A crash leaves clips queued or running. They are taken up again when the app starts in
personal mode (`resume_local`) and, in server mode, when a worker starts (`resume_stalled`:
the jobs of workers whose heartbeat stopped); see `videos.resume` for the one retry.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from nasalis import log_setup
from nasalis.diary import videos
from nasalis.diary.store import Store, open_store
from nasalis.video.analyze import analyze
from nasalis.video.errors import VideoError
from nasalis.video.keyframes import keyframes
from nasalis.video.review_frames import review_frames

TASK = "nasalis.analyze_video"
QUEUE = "videos"
HEARTBEAT_S = 3.0
"""How often a server-mode worker says it is alive (procrastinate's heartbeat)."""
STALLED_S = 15.0
"""A worker silent this long has stopped: its running clips are taken up by the next worker to start."""

log = logging.getLogger(log_setup.JOB_LOGGER)


def run_job(store: Store, video_id: int) -> str:
    """Measure one queued clip; its final status ('done', 'failed', or 'skipped' if taken)."""
    started = time.monotonic()
    job = {"video_id": video_id}  # the id, never the file's name or its content
    with store.write() as session:
        row = videos.claim(session, video_id)
        if row is None:
            log.info("video job %d skipped: not queued (taken or finished)", video_id, extra=job)
            return "skipped"
        clip, name, mirrored, speech = row.clip or b"", row.filename, row.mirrored, videos.speech_from(row)
    log.info("video job %d started (%d bytes)", video_id, len(clip), extra=job)
    status = _measure(store, video_id, clip, name, mirrored, speech)
    log.info("video job %d %s in %.1f s", video_id, status, time.monotonic() - started, extra=job)
    return status


def _measure(
    store: Store, video_id: int, clip: bytes, name: str, mirrored: bool, speech_from_s: float | None = None
) -> str:
    with tempfile.TemporaryDirectory(prefix="nasalis-video-") as tmp:
        path = Path(tmp) / ("clip" + (Path(name).suffix.lower() or ".mp4"))
        path.write_bytes(clip)
        try:
            result = analyze(path, mirrored=mirrored, speech_from_s=speech_from_s)
            data = result.to_json()
            stills = keyframes(path, data["events"], mirrored)
            around = review_frames(path, data, mirrored)
        except VideoError as exc:
            with store.write() as session:
                videos.fail(session, video_id, str(exc).replace(path.name, name))
            return "failed"
        except Exception as exc:  # a broken decoder must not leave the job 'running' forever
            log.exception(
                "video job %d stopped with %s", video_id, type(exc).__name__, extra={"video_id": video_id}
            )
            with store.write() as session:
                videos.fail(session, video_id, f"the analysis stopped: {type(exc).__name__}")
            raise
    with store.write() as session:
        videos.finish(session, video_id, data, stills, around)
    return "done"


def _run_in_child(db_url: str, video_id: int) -> str:
    log_setup.ensure_configured()  # a fresh process: log like the server that started it
    store = open_store(db_url, upgrade=False)
    try:
        return run_job(store, video_id)
    finally:
        store.close()


class LocalQueue:
    """Personal mode: jobs in a pool of worker processes on this machine."""

    def __init__(self, db_url: str, workers: int = 1) -> None:
        self.db_url = db_url
        # 'spawn': the web app's threads and open connections must not be forked.
        context = multiprocessing.get_context("spawn")
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)

    def submit(self, video_id: int) -> None:
        """Start measuring a clip in the background."""
        self._pool.submit(_run_in_child, self.db_url, video_id)
        log.info("video job %d queued", video_id, extra={"video_id": video_id})

    def close(self) -> None:
        """Let running jobs finish, then stop the pool."""
        self._pool.shutdown(wait=True, cancel_futures=False)


def conninfo(db_url: str) -> str:
    """A psycopg connection string from the SQLAlchemy URL."""
    return db_url.replace("postgresql+psycopg://", "postgresql://", 1)


@cache
def procrastinate_app(db_url: str) -> Any:
    """The procrastinate app for this database, with the analysis task registered."""
    import procrastinate  # only server mode needs it

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(db_url)))

    @app.task(name=TASK, queue=QUEUE)
    def analyze_video(video_id: int) -> str:
        return _run_in_child(db_url, video_id)

    return app


def ensure_queue_schema(db_url: str) -> None:
    """Create procrastinate's tables in the diary's PostgreSQL database, once."""
    import psycopg

    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if exists and exists[0]:
            return
        # Two workers starting together must not both create it.
        conn.execute("SELECT pg_advisory_lock(727217)")
        try:
            again = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
            if not (again and again[0]):
                with _sync_app(db_url) as app:
                    app.schema_manager.apply_schema()
        finally:
            conn.execute("SELECT pg_advisory_unlock(727217)")


@contextmanager
def _sync_app(db_url: str) -> Iterator[Any]:
    """A procrastinate app on a plain (sync) connection, for the web app's own threads."""
    import procrastinate

    connector = procrastinate.SyncPsycopgConnector(conninfo=conninfo(db_url), min_size=1, max_size=2)
    app = procrastinate.App(connector=connector)
    with app.open():
        yield app


class ServerQueue:
    """Server mode: jobs deferred into procrastinate for `nasalis worker` processes to take.

    One small connection pool is kept for the app's life instead of one opened per upload.
    """

    def __init__(self, db_url: str) -> None:
        ensure_queue_schema(db_url)
        self._stack = ExitStack()
        self._app = self._stack.enter_context(_sync_app(db_url))

    def submit(self, video_id: int) -> None:
        """Queue a clip."""
        self._app.configure_task(name=TASK, queue=QUEUE).defer(video_id=video_id)

    def close(self) -> None:
        """Close the pool."""
        self._stack.close()


def resume_local(store: Store) -> list[int]:
    """Personal mode, at start: the clips a stopped app left waiting, ready to submit again (ids)."""
    with store.write() as session:
        ready = videos.resume(session)
    if ready:
        log.info("resuming %d video job(s) left waiting by a stop: %s", len(ready), ready)
    return ready


UNQUEUED = """
SELECT v.id FROM videos v WHERE v.status = 'queued' AND NOT EXISTS (
    SELECT 1 FROM procrastinate_jobs j
     WHERE j.task_name = %(task)s AND j.status IN ('todo', 'doing')
       AND j.args ->> 'video_id' = v.id::text)
"""
"""Clips stored as queued whose job was never deferred (the web server stopped in between)."""


async def resume_stalled(app: Any, db_url: str) -> int:
    """Server mode, as a worker starts: stalled workers' clips queued again, lost jobs deferred; how many."""
    orphans = await app.connector.execute_query_all_async(UNQUEUED, task=TASK)
    for row in orphans:  # a job deferred twice is harmless: claim lets one of them run
        await app.configure_task(name=TASK, queue=QUEUE).defer_async(video_id=int(row["id"]))
    if orphans:
        log.info("deferred %d video job(s) never queued: %s", len(orphans), [r["id"] for r in orphans])
    stalled = list(
        await app.job_manager.get_stalled_jobs(queue=QUEUE, task_name=TASK, seconds_since_heartbeat=STALLED_S)
    )
    if not stalled:
        return len(orphans)
    ids = [int(job.task_kwargs["video_id"]) for job in stalled]
    store = open_store(db_url, upgrade=False)
    try:
        with store.write() as session:
            videos.resume(session, ids)  # a clip failed here is skipped by its retried job
    finally:
        store.close()
    for job in stalled:
        await app.job_manager.retry_job(job)
    log.info("resumed %d video job(s) of stopped workers: %s", len(ids), ids)
    return len(orphans) + len(ids)


def run_worker(db_url: str, once: bool = False, concurrency: int = 1) -> None:
    """Process queued clips until stopped (or, with once, until the queue is empty)."""
    log_setup.ensure_configured()
    ensure_queue_schema(db_url)
    app = procrastinate_app(db_url)

    async def work() -> None:
        async with app.open_async():
            await resume_stalled(app, db_url)
            await app.run_worker_async(
                queues=[QUEUE],
                wait=not once,
                concurrency=concurrency,
                update_heartbeat_interval=HEARTBEAT_S,
                stalled_worker_timeout=STALLED_S,
            )

    asyncio.run(work())
