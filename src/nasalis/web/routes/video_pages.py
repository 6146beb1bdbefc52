"""/videos: upload a clip, watch the job, see the twitches on a timeline with keyframes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from nasalis.diary import videos
from nasalis.diary.models import Video
from nasalis.diary.records import FieldError, parse_instant
from nasalis.diary.store import Store
from nasalis.video.decisions import attach_reviewed, decide
from nasalis.video.moments import caption, choose
from nasalis.web.charts import timeline, timeline_legend
from nasalis.web.clip_queue import (
    MEASURED,
    attached_change,
    clip_episodes,
    speech_from,
    submit,
    too_large_message,
    upload_facts,
)
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.review_page import review_facts
from nasalis.web.schemas import RowId
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)
REST_S = (60, 5, 120)
"""The guided recording's part at rest: (default, least, most) seconds; ?seconds= picks another."""
SPEECH_S = (30, 3, 60)
"""...and its optional part read aloud; ?speech_seconds= picks another."""
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
"""What a datetime-local field sends and shows: local time, to the minute, without an offset."""


def _seconds(request: Request, name: str, bounds: tuple[int, int, int]) -> int:
    """A recording length from the query (?seconds=20 for a shorter guided clip), within bounds."""
    default, least, most = bounds
    raw = request.query_params.get(name, "")
    return min(max(int(raw), least), most) if raw.isdigit() else default


def _form_page(
    request: Request,
    store: Store,
    person_id: int,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The upload form (with what was typed and each error beside its field) and the clips sent."""
    with store.read() as session:
        rows = videos.list_of(session, person_id)
    now = local_now(request)
    shown = {"recorded_at": now.strftime(LOCAL_MINUTE), "mirrored": False, "attach": False, **(values or {})}
    context = {
        "videos": rows,
        "errors": errors or {},
        "values": shown,
        "latest": now.strftime(LOCAL_MINUTE),
        "measured": MEASURED,
        "too_large": too_large_message(request),
        "rest_seconds": _seconds(request, "seconds", REST_S),
        "speech_seconds": _seconds(request, "speech_seconds", SPEECH_S),
        **upload_facts(request),
    }
    return page(request, "videos.html", context, status_code)


@router.get("/videos", response_class=HTMLResponse)
def videos_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The upload form and the clips sent so far (?too_large=1: the size guard refused a clip)."""
    errors = {"file": too_large_message(request)} if request.query_params.get("too_large") else None
    return _form_page(request, store, viewer.person_id, errors)


def _recorded_at(request: Request, raw: str | None, tz: str | None) -> dt.datetime | None:
    """The form's "recorded at": a local date and time in the browser's offset (or with its own)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        local = dt.datetime.strptime(text[:16], LOCAL_MINUTE) if len(text) in (16, 19) else None
    except ValueError:
        local = None
    if local is None:
        return parse_instant("recorded_at", text)  # an offset typed in (or a clear error)
    zone = local_now(request, tz).tzinfo
    return local.replace(tzinfo=zone)


@router.post("/videos", response_model=None)
async def send_video(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    file: Annotated[UploadFile | None, File()] = None,
    mirrored: Annotated[bool, Form()] = False,
    attach: Annotated[bool, Form()] = False,
    recorded_at: Annotated[str | None, Form()] = None,
    tz: Annotated[str | None, Form()] = None,
    speech_from_s: Annotated[str | None, Form()] = None,
) -> Response:
    """Queue the clip and show its page at once; the measuring happens in the background."""
    values = {"recorded_at": recorded_at or "", "mirrored": mirrored, "attach": attach}
    try:
        began = _recorded_at(request, recorded_at, tz)
        speech = speech_from(speech_from_s)  # the recorder's: where its part read aloud began
        if file is None or not file.filename:
            raise FieldError("file", "choose a clip to measure")
        video_id = await submit(request, store, viewer.person_id, file, mirrored, attach, began, speech)
    except FieldError as exc:  # the list of clips is a database read: not on the event loop
        return await run_in_threadpool(_form_page, request, store, viewer.person_id, exc.errors, values, 422)
    return RedirectResponse(f"/videos/{video_id}", 303)


def _diary_facts(session: Any, row: Video) -> dict[str, Any]:
    """Whether the clip's twitches are in the diary, and the change that can take them back."""
    if row.status != "done":
        return {"in_diary": [], "change": None}
    in_diary = clip_episodes(session, row)
    return {"in_diary": in_diary, "change": attached_change(session, row, in_diary)}


def _keyframes(row: Video) -> list[dict[str, str]]:
    """Each still with what it shows: the job took them at moments.choose's twitches, in order."""
    if row.status != "done":  # no stills yet: a poll must not load the deferred column for nothing
        return []
    stills = row.keyframes or []
    chosen = choose((row.result or {}).get("events", []))
    if len(chosen) != len(stills):  # a clip with no twitch (one still of its start), or an old row
        return [{"src": src, "caption": ""} for src in stills]
    return [{"src": src, "caption": caption(e)} for src, e in zip(stills, chosen, strict=True)]


def _clip_page(
    request: Request, store: Store, person_id: int, video_id: int, error: str | None = None
) -> HTMLResponse:
    """The clip's page (or, for the status poll, its job fragment), with a review error if one."""
    with store.read() as session:
        row = videos.get(session, person_id, video_id)
        facts = _diary_facts(session, row)
        context = {
            "video": row,
            "result": row.result,
            # A queued clip's result holds only what its job is asked (videos.asked).
            "plot": timeline(row.result) if row.result and row.status == "done" else None,
            "legend": timeline_legend(),
            "keyframes": _keyframes(row),
            **facts,
            **review_facts(row, bool(facts["in_diary"]), request.query_params.get("checked")),
            "review_error": error,
        }
    fragment = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "job"
    return page(request, "video_job.html" if fragment else "video.html", context, 422 if error else 200)


@router.get("/videos/{video_id}", response_class=HTMLResponse)
def video_page(request: Request, video_id: RowId, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """One clip: still working (the page checks again by itself), the result, or why it failed."""
    return _clip_page(request, store, viewer.person_id, video_id)


@router.post("/videos/{video_id}/review", response_model=None)
def review_event(
    request: Request,
    video_id: RowId,
    store: StoreDep,
    viewer: WriterDep,
    event: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
) -> Response:
    """Keep or drop one of the least certain events (an empty decision takes it back), until added."""
    try:
        index = int(event) if event.strip().isdigit() else -1
        with store.write() as session:
            row = videos.get(session, viewer.person_id, video_id)
            if row.status == "done" and clip_episodes(session, row):
                raise FieldError(
                    "event",
                    "this clip's twitches are in your diary: take them out first to change a decision",
                )
            decide(session, row, index, decision.strip())
    except FieldError as exc:
        return _clip_page(request, store, viewer.person_id, video_id, exc.message)
    return RedirectResponse(f"/videos/{video_id}?checked={index}", 303)


@router.post("/videos/{video_id}/attach")
def attach_video(video_id: RowId, store: StoreDep, viewer: WriterDep) -> Response:
    """Add a clip's twitches (the confident, and those checked and kept) to the diary, as one change."""
    with store.write() as session:
        row = videos.get(session, viewer.person_id, video_id)
        if row.status == "done":
            row.attach = True
            attach_reviewed(session, row)
    return RedirectResponse(f"/videos/{video_id}", 303)
