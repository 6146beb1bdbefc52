"""/videos: upload a clip, watch the job, see the twitches on a timeline with keyframes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import videos
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.plots import timeline
from nasalis.web.schemas import RowId
from nasalis.web.templating import page
from nasalis.web.videos import submit

router = APIRouter(include_in_schema=False)


@router.get("/videos", response_class=HTMLResponse)
def videos_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The upload form and the clips sent so far."""
    with store.read() as session:
        rows = videos.list_of(session, viewer.person_id)
    return page(request, "videos.html", {"videos": rows, "error": None})


@router.post("/videos", response_model=None)
async def send_video(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    file: UploadFile,
    mirrored: Annotated[bool, Form()] = False,
    attach: Annotated[bool, Form()] = False,
) -> Response:
    """Queue the clip and show its page at once; the measuring happens in the background."""
    try:
        video_id = await submit(request, store, viewer.person_id, file, mirrored, attach, None)
    except HTTPException as exc:
        with store.read() as session:
            rows = videos.list_of(session, viewer.person_id)
        return page(request, "videos.html", {"videos": rows, "error": exc.detail}, 422)
    return RedirectResponse(f"/videos/{video_id}", 303)


@router.get("/videos/{video_id}", response_class=HTMLResponse)
def video_page(request: Request, video_id: RowId, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """One clip: still working (the page checks again by itself), the result, or why it failed."""
    with store.read() as session:
        row = videos.get(session, viewer.person_id, video_id)
        context = {
            "video": row,
            "result": row.result,
            "plot": timeline(row.result) if row.result else None,
            "keyframes": row.keyframes or [],
        }
    fragment = request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "job"
    return page(request, "video_job.html" if fragment else "video.html", context)
