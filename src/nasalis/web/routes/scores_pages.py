"""/scores: clinician-rated scores copied from a letter: the list, a form, delete (each with undo)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nasalis.diary import clinician_scores
from nasalis.diary.entries import NotFoundError
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep
from nasalis.web.form_submit import form_text, submit_form, write_with_undo
from nasalis.web.schemas import row_id
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

FIELDS = ("scale", "value", "rated_on", "rated_by", "note")


def _scores_page(
    request: Request,
    store: StoreDep,
    viewer: Viewer,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    with store.read() as session:
        shown = [
            {"id": x.id, **clinician_scores.score_json(x)}
            for x in reversed(clinician_scores.scores_of(session, viewer.person_id))
        ]
    context = {
        "scores": shown,
        "suggestions": clinician_scores.SCALE_SUGGESTIONS,
        "limits": {
            "scale": clinician_scores.SCALE_MAX,
            "value": clinician_scores.VALUE_MAX,
            "rated_by": clinician_scores.RATED_BY_MAX,
            "note": clinician_scores.NOTE_MAX,
        },
        "today": local_now(request).date().isoformat(),
        "typed": typed or {},
        "errors": errors or {},
    }
    return page(request, "scores.html", context, 422 if errors else 200)


@router.get("/scores", response_class=HTMLResponse)
def scores(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The scores a clinician gave, newest first, and the form to add one from a letter."""
    return _scores_page(request, store, viewer)


@router.post("/scores", response_class=HTMLResponse)
def add_score(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Record a score from a letter (undo takes it away again)."""
    typed = {name: form_text(form, name) for name in FIELDS}
    return submit_form(
        store,
        viewer,
        lambda: clinician_scores.build_score(
            typed["scale"], typed["value"], typed["rated_on"], typed["rated_by"], "letter", typed["note"]
        ),
        lambda session, record: clinician_scores.record_score(session, viewer.person_id, record),
        lambda errors: _scores_page(request, store, viewer, errors, typed),
        "/scores",
    )


@router.post("/scores/delete", response_class=HTMLResponse)
def delete_score(store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Delete one score (the message offers Undo)."""
    score_id = row_id(form_text(form, "score"))
    if score_id is None:
        raise NotFoundError("no such score")
    return write_with_undo(
        store,
        viewer,
        lambda session: clinician_scores.delete_score(session, viewer.person_id, score_id),
        "/scores",
        "deleted",
    )
