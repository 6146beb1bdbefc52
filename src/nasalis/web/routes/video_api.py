"""/api/videos: send a clip to be measured, then ask how it went (see docs/schemas/video.json)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile

from nasalis.diary import videos
from nasalis.diary.records import FieldError
from nasalis.web.clip_queue import as_json, check_recorded_at, speech_from, submit
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import Message, RowId, instant_param, invalid

router = APIRouter(prefix="/api/videos", tags=["video"])


@router.post("", status_code=202, summary="Send a clip to be measured (returns the job id at once)")
async def api_send(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    file: UploadFile,
    mirrored: Annotated[bool, Form(description="The clip was recorded mirrored")] = False,
    # Off unless asked, as `nasalis video analyze --attach`: a clip's every small movement is
    # not a diary entry until the person says so.
    attach: Annotated[bool, Form(description="Add the twitches found to the diary (default: no)")] = False,
    recorded_at: Annotated[str | None, Form(description="When the clip began (ISO 8601 with offset)")] = None,
    speech_from_s: Annotated[
        str | None,
        Form(
            description="Seconds into the clip where the person began reading aloud: mouth movements"
            " from there are speech, not twitches (the Video page's guided recording sends it)"
        ),
    ] = None,
) -> dict[str, Any]:
    """The analysis runs in the background; poll GET /api/videos/{id}. A non-video or future time is 422."""
    began = instant_param("recorded_at", recorded_at)
    try:
        check_recorded_at(began)
        speech = speech_from(speech_from_s)
    except FieldError as exc:
        raise invalid(exc.field, exc.message) from None
    try:
        video_id = await submit(request, store, viewer.person_id, file, mirrored, attach, began, speech)
    except FieldError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"id": video_id, "status": "queued"}


@router.get("", summary="Your clips, newest first")
def api_list(store: StoreDep, viewer: ViewerDep) -> list[dict[str, Any]]:
    """Each clip's job status (and result when done)."""
    with store.read() as session:
        return [as_json(v) for v in videos.list_of(session, viewer.person_id)]


@router.get(
    "/{video_id}",
    summary="A clip's status and, when done, its measurement",
    responses={404: {"model": Message}},
)
def api_get(video_id: RowId, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """status: queued, running, done (with result) or failed (with error)."""
    with store.read() as session:
        return as_json(videos.get(session, viewer.person_id, video_id))
