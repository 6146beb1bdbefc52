"""/assessments: the assessments a person kept, and deleting a mistaken one (after a confirmation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import assessments, journal
from nasalis.diary.models import Assessment
from nasalis.report.render import LEVEL_WORDS
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, ViewerDep, WriterDep
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

ID_FIELD = "assessment_id"
LARGEST_ID = 2**63 - 1  # the databases' integers end here


def parse_id(raw: object) -> int:
    """An assessment id from a form or a query; 422 naming the field when it is not one."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= LARGEST_ID:
        raise HTTPException(422, f"{ID_FIELD}: must be the number of one of your assessments")
    return int(text)


def shown(row: Assessment, zone: dt.tzinfo | None) -> dict[str, Any]:
    """One assessment as the pages list it: local time, level in words, its first reason."""
    reasons = row.result.get("reasons") or []
    return {
        "id": row.id,
        "at": row.at.replace(tzinfo=dt.UTC).astimezone(zone),
        "level": row.level,
        "level_words": LEVEL_WORDS.get(row.level, row.level),
        "first_reason": reasons[0]["says"] if reasons else row.result.get("headline", ""),
        "reasons": [r["says"] for r in reasons],
        "more": max(0, len(reasons) - 1),
    }


@router.get("/assessments", response_class=HTMLResponse)
def assessments_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """Every assessment kept, newest first (the newest is the one the doctor's report shows)."""
    zone = local_now(request).tzinfo
    with store.read() as session:
        rows = [shown(a, zone) for a in assessments.list_of(session, viewer.person_id)]
    return page(request, "assessments.html", {"rows": rows, "confirm": None})


@router.get("/assessments/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The separate step that asks before an assessment is deleted."""
    assessment_id = parse_id(request.query_params.get(ID_FIELD))
    zone = local_now(request).tzinfo
    with store.read() as session:
        row = shown(assessments.get(session, viewer.person_id, assessment_id), zone)
        newest = assessments.latest(session, viewer.person_id)
    context: dict[str, Any] = {
        "rows": [],
        "confirm": row,
        "is_latest": newest is not None and newest.id == row["id"],
    }
    return page(request, "assessments.html", context)


@router.post("/assessments/delete")
def delete(store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Delete it (journalled: the message after it offers Undo)."""
    assessment_id = parse_id(form.get(ID_FIELD))
    with store.write() as session:
        assessments.delete(session, viewer.person_id, assessment_id)
        change = journal.latest_change_id(session, viewer.person_id)
    return RedirectResponse(f"/assessments?msg=deleted&change={change}", 303)
