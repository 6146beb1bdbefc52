"""POST /api/assess: the assessment contract's JSON in and out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse, Response

from nasalis.assessment import Intake, IntakeError, assess, parse_intake
from nasalis.web.deps import current_viewer

# Signed in (server mode), but no CSRF token: assessing stores nothing.
router = APIRouter(prefix="/api", tags=["assessment"], dependencies=[Depends(current_viewer)])


@router.post(
    "/assess",
    summary="Assess an intake (nasalis.intake/1 -> nasalis.assessment/1)",
    responses={422: {"description": "The intake has bad fields; each is named in `problems`."}},
    # The body is taken as plain JSON so every bad field can be named in our own words; the
    # schema still tells clients (and schemathesis) exactly which fields an intake has.
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": Intake.model_json_schema()}}}},
)
def api_assess(intake: dict[str, Any] = Body(...)) -> Response:  # noqa: B008
    """Validate the intake and return the assessment result."""
    try:
        parsed = parse_intake(intake)
    except IntakeError as exc:
        return JSONResponse({"detail": "invalid intake", "problems": exc.problems}, 422)
    # The same serialiser as the CLI, so both give byte-identical JSON.
    return Response(assess(parsed).dumps(), media_type="application/json")
