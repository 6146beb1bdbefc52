"""Sending a clip to the background queue, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, UploadFile

from nasalis.diary import videos
from nasalis.diary.models import Video
from nasalis.diary.store import Store

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
    from nasalis.video.decode import probe  # OpenCV only when a clip arrives
    from nasalis.video.errors import VideoError

    name = Path(file.filename or "clip.mp4").name or "clip.mp4"
    data = await file.read()
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise HTTPException(422, f"file: {name} is not a video file (MP4, MOV or WebM)")
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


class _Procrastinate:
    """Server mode on PostgreSQL: `nasalis worker` processes take the jobs."""

    def __init__(self, db_url: str) -> None:
        from nasalis.video.jobs import ensure_queue_schema

        ensure_queue_schema(db_url)
        self.db_url = db_url

    def submit(self, video_id: int) -> None:
        from nasalis.video.jobs import defer

        defer(self.db_url, video_id)

    def close(self) -> None:
        """Nothing runs here."""


def queue_for(request: Request) -> Any:
    """This app's job queue, made on first use: a local pool on SQLite, procrastinate on PostgreSQL."""
    state = request.app.state
    if getattr(state, "jobs", None) is None:
        url = state.store.engine.url.render_as_string(hide_password=False)
        if url.startswith("postgresql"):
            state.jobs = _Procrastinate(url)
        else:
            from nasalis.video.jobs import LocalQueue

            state.jobs = LocalQueue(url)
    return state.jobs


def as_json(row: Video) -> dict[str, Any]:
    """A job as the API shows it."""
    out: dict[str, Any] = {"id": row.id, "status": row.status, "filename": row.filename}
    if row.status == "done":
        out["result"] = row.result
    if row.status == "failed":
        out["error"] = row.error
    return out
