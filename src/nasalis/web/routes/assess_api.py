"""POST /api/assess: the assessment contract's JSON in and out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from nasalis.assessment import Intake, IntakeError, assess, parse_intake_json
from nasalis.web.deps import current_viewer

# Signed in (server mode), but no CSRF token: assessing stores nothing.
router = APIRouter(prefix="/api", tags=["assessment"], dependencies=[Depends(current_viewer)])


@router.post(
    "/assess",
    summary="Assess an intake (nasalis.intake/1 -> nasalis.assessment/1)",
    responses={422: {"description": "The intake has bad fields; each is named in `problems`."}},
    # The body is taken as plain JSON so every bad field can be named in our own words; the
    # schema still tells clients (and schemathesis) exactly which fields an intake has.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": Intake.model_json_schema()}},
        }
    },
)
async def api_assess(request: Request) -> Response:
    """Validate the intake and return the assessment result."""
    # The raw body, not FastAPI's parsed dict: a key given twice must be refused, and only
    # the text still shows it. Parsing and assessing run in the thread pool, off the loop.
    return await run_in_threadpool(_assess_body, await request.body())


def _assess_body(body: bytes) -> Response:
    try:
        parsed = parse_intake_json(body)
    except IntakeError as exc:
        return JSONResponse({"detail": "invalid intake", "problems": exc.problems}, 422)
    # The same serialiser as the CLI, so both give byte-identical JSON.
    return Response(assess(parsed).dumps(), media_type="application/json")
