"""Sending a clip to the background queue, shared by the API and the pages."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from nasalis.diary import journal, videos
from nasalis.diary.entries import to_utc
from nasalis.diary.models import Change, Episode, Video
from nasalis.diary.records import FieldError, refuse_future_instant
from nasalis.diary.store import Store

_MAKING = threading.Lock()
SUFFIXES = (".mp4", ".mov", ".webm", ".m4v", ".mkv", ".avi")
FORM_ROOM = 64_000
"""Bytes of the upload limit kept for the form's other fields and multipart headers."""
PHONE_MB_PER_S = 0.75
"""What a phone films at 1080p: a 10 s clip was 7.5 MB (issue 16), so the limit holds about 25 s."""
MEASURED = ((20, "720p", 9), (20, "full-HD phone", 60))
"""(seconds of clip, kind, seconds its job took), timed here on two CPU cores while other tests
ran: 720p 10 s took 4.4 s and 20 s 8.7 s; a 20 s 1080x1920 phone clip 58 s, most of it decoding."""


def max_file_bytes(request: Request) -> int:
    """The largest clip the size guard lets through, with room for the rest of the form."""
    limit: int = request.app.state.settings.max_upload_bytes
    return limit - FORM_ROOM


def upload_facts(request: Request) -> dict[str, int]:
    """The upload form's numbers, all from the one configured limit: MB, seconds of phone video."""
    limit_mb = request.app.state.settings.max_upload_bytes // 1_000_000
    return {
        "max_bytes": max_file_bytes(request),
        "max_mb": limit_mb,
        "max_seconds": int(limit_mb / PHONE_MB_PER_S / 5) * 5,
    }


def too_large_message(request: Request) -> str:
    """The message beside the file field when a clip is over the limit (the same as video.js says)."""
    facts = upload_facts(request)
    return (
        f"the clip is larger than the limit of {facts['max_mb']} MB (about {facts['max_seconds']} s of"
        " phone video); film a shorter clip, or trim it on the phone, and send it again"
    )


SPEECH_FROM_FIELD = "speech_from_s"
MAX_SPEECH_FROM_S = 3600.0
"""No clip the upload limit lets through lasts an hour: a later start of the part read aloud is a typo."""


def speech_from(raw: str | None) -> float | None:
    """The form's `speech_from_s`: seconds into the clip where reading aloud began (FieldError if not)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= MAX_SPEECH_FROM_S:  # NaN fails both comparisons too
        raise FieldError(
            SPEECH_FROM_FIELD,
            f"{text[:20]!r} is not a time in the clip: give the seconds from its start"
            f" (0 to {MAX_SPEECH_FROM_S:g})",
        )
    return value


def check_recorded_at(value: dt.datetime | None, now: dt.datetime | None = None) -> None:
    """FieldError when the clip is said to begin in the future (its twitches would be too)."""
    if value is not None:
        refuse_future_instant("recorded_at", value, now)


async def submit(
    request: Request,
    store: Store,
    person_id: int,
    file: UploadFile,
    mirrored: bool,
    attach: bool,
    recorded_at: dt.datetime | None,
    speech_from_s: float | None = None,
) -> int:
    """Check the upload is a video (FieldError 'file' if not, nothing stored), queue it; the job's id."""
    check_recorded_at(recorded_at)
    # Cleaned before the suffix is read: a right-to-left override could disguise it.
    name = videos.clean_name(Path(file.filename or "clip.mp4").name or "clip.mp4")
    data = await file.read()
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise FieldError("file", f"{name} is not a video file (MP4, MOV or WebM)")
    # Probing decodes a frame and the rest writes to the database: not on the event loop.
    return await run_in_threadpool(
        _check_and_queue, request, store, person_id, name, data, mirrored, attach, recorded_at, speech_from_s
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
    speech_from_s: float | None,
) -> int:
    from nasalis.video.decode import probe  # OpenCV only when a clip arrives
    from nasalis.video.errors import VideoError

    with store.read() as session:  # before the probe's decoding: a full queue costs nothing
        _refuse_over_quota(request, session, person_id, len(data))
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="nasalis-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            probe(path)
        except VideoError as exc:
            raise FieldError("file", str(exc).replace(path.name, name)) from None
    with store.write() as session:
        _refuse_over_quota(request, session, person_id, len(data))  # again: another upload may have won
        row = videos.create(session, person_id, name, data, recorded_at, mirrored, attach, speech_from_s)
        video_id = row.id
    queue_for(request).submit(video_id)
    return video_id


def _refuse_over_quota(request: Request, session: Session, person_id: int, size: int) -> None:
    """FieldError 'file' when this clip would take the person past the configured clip quota."""
    settings = request.app.state.settings
    problem = videos.quota_problem(
        session, person_id, size, settings.clip_quota_count, settings.clip_quota_bytes
    )
    if problem:
        raise FieldError("file", problem)


def queue_for(request: Request) -> Any:
    """This app's job queue, made on first use: a local pool on SQLite, procrastinate on PostgreSQL."""
    return _queue_of(request.app)


def _queue_of(app: FastAPI) -> Any:
    state = app.state
    with _MAKING:  # two first uploads at once must not start two queues
        if getattr(state, "jobs", None) is None:
            from nasalis.video.jobs import LocalQueue, ServerQueue

            url = _url(app)
            state.jobs = ServerQueue(url) if url.startswith("postgresql") else LocalQueue(url)
    return state.jobs


def _url(app: FastAPI) -> str:
    url: str = app.state.store.engine.url.render_as_string(hide_password=False)
    return url


def resume_waiting(app: FastAPI) -> list[int]:
    """At start in personal mode: submit again the clips a stop left queued or running (their ids).

    In server mode the clips stay in procrastinate's queue, and a starting worker takes up
    those of workers that stopped (jobs.resume_stalled).
    """
    if _url(app).startswith("postgresql"):
        return []
    from nasalis.video.jobs import resume_local

    ready = resume_local(app.state.store)
    if ready:  # the pool of processes is started only when there is a clip to measure
        queue = _queue_of(app)
        for video_id in ready:
            queue.submit(video_id)
    return ready


def as_json(row: Video) -> dict[str, Any]:
    """A job as the API shows it."""
    # Cleaned again when shown: a row stored before names were cleaned may still hold an escape.
    out: dict[str, Any] = {"id": row.id, "status": row.status, "filename": videos.clean_name(row.filename)}
    if row.status == "done":
        out["result"] = row.result
    if row.status == "failed":
        out["error"] = row.error
    return out


def clip_episodes(session: Session, row: Video) -> list[int]:
    """Ids of the diary's twitches from this clip: source video, inside the clip's own seconds."""
    if not row.result:
        return []
    duration = float(row.result.get("duration_s", 0.0))
    start, _ = to_utc(videos.recorded_at(row, duration))
    query = select(Episode.id).where(
        Episode.person_id == row.person_id,
        Episode.source == "video",
        Episode.started_at_utc >= start,
        Episode.started_at_utc <= start + dt.timedelta(seconds=duration + 1),  # as attach places them
    )
    return list(session.scalars(query))


def attached_change(session: Session, row: Video, episode_ids: list[int]) -> journal.NamedChange | None:
    """The diary change that added these twitches of the clip, for its Undo button; None if none."""
    if not episode_ids:
        return None
    changes = session.scalars(
        select(Change)
        .where(Change.person_id == row.person_id, Change.table_name == "episodes", Change.action == "add")
        .where(Change.at >= row.created_at)
        .order_by(Change.id)
    )
    wanted = set(episode_ids)
    found = next((c for c in changes if wanted & set(c.row_ids or [])), None)
    return journal.named(session, row.person_id, found.id) if found else None
