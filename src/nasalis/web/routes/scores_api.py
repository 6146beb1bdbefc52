"""/api/scores: clinician-rated scores, kept as written (list, add, delete with undo)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from nasalis.diary import clinician_scores
from nasalis.diary.models import ClinicianScore
from nasalis.diary.records import FieldError
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import Message, RowId, ScoreIn, ScoreOut, invalid

router = APIRouter(prefix="/api", tags=["scores"])


def score_out(score: ClinicianScore) -> dict[str, Any]:
    """A score as the API answers it."""
    return {"id": score.id, **clinician_scores.score_json(score)}


@router.get("/scores", response_model=list[ScoreOut], summary="Clinician-rated scores, oldest first")
def list_scores(store: StoreDep, viewer: ViewerDep) -> list[dict[str, Any]]:
    """Every score this person has, by the date it was rated."""
    with store.read() as session:
        return [score_out(x) for x in clinician_scores.scores_of(session, viewer.person_id)]


@router.post("/scores", status_code=201, response_model=ScoreOut, summary="Record a score from a letter")
def add_score(body: ScoreIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Store a score as written (the same scale, date and value again adds nothing; undo removes it)."""
    try:
        record = clinician_scores.build_score(
            body.scale, body.value, body.rated_on, body.rated_by, "letter", body.note
        )
    except FieldError as exc:
        raise invalid(exc.field, exc.message) from None
    with store.write() as session:
        return score_out(clinician_scores.record_score(session, viewer.person_id, record))


@router.delete("/scores/{score_id}", status_code=204, responses={404: {"model": Message}})
def remove_score(score_id: RowId, store: StoreDep, viewer: WriterDep) -> Response:
    """Delete a score (undo brings it back)."""
    with store.write() as session:
        clinician_scores.delete_score(session, viewer.person_id, score_id)
    return Response(status_code=204)
