"""Sending a clip to the background queue, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from nasalis.diary import videos
from nasalis.diary.models import Video
from nasalis.diary.store import Store

_MAKING = threading.Lock()
SUFFIXES = (".mp4", ".mov", ".webm", ".m4v", ".mkv", ".avi")


async def submit(
    request: Request,
    store: Store,
    person_id: int,
    file: UploadFile,
    mirrored: bool,
    attach: bool,
    recorded_at: dt.datetime | None,
) -> int:
    """Check the upload is a video (422 if not, nothing stored), queue it; the job's id."""
    name = Path(file.filename or "clip.mp4").name or "clip.mp4"
    data = await file.read()
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise HTTPException(422, f"file: {name} is not a video file (MP4, MOV or WebM)")
    # Probing decodes a frame and the rest writes to the database: not on the event loop.
    return await run_in_threadpool(
        _check_and_queue, request, store, person_id, name, data, mirrored, attach, recorded_at
    )


def _check_and_queue(
    request: Request,
    store: Store,
    person_id: int,
    name: str,
    data: bytes,
    mirrored: bool,
    attach: bool,
    recorded_at: dt.datetime | None,
) -> int:
    from nasalis.video.decode import probe  # OpenCV only when a clip arrives
    from nasalis.video.errors import VideoError

    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="nasalis-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            probe(path)
        except VideoError as exc:
            raise HTTPException(422, f"file: {str(exc).replace(path.name, name)}") from None
    with store.write() as session:
        video_id = videos.create(session, person_id, name, data, recorded_at, mirrored, attach).id
    queue_for(request).submit(video_id)
    return video_id


def queue_for(request: Request) -> Any:
    """This app's job queue, made on first use: a local pool on SQLite, procrastinate on PostgreSQL."""
    state = request.app.state
    with _MAKING:  # two first uploads at once must not start two queues
        if getattr(state, "jobs", None) is None:
            url = state.store.engine.url.render_as_string(hide_password=False)
            from nasalis.video.jobs import LocalQueue, ServerQueue

            state.jobs = ServerQueue(url) if url.startswith("postgresql") else LocalQueue(url)
    return state.jobs


def as_json(row: Video) -> dict[str, Any]:
    """A job as the API shows it."""
    out: dict[str, Any] = {"id": row.id, "status": row.status, "filename": row.filename}
    if row.status == "done":
        out["result"] = row.result
    if row.status == "failed":
        out["error"] = row.error
    return out
