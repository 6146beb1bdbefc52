"""GET /api/insights: the insights contract's JSON for the diary's person."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from nasalis.diary.store import Store
from nasalis.insights.report import load_report

router = APIRouter(prefix="/api", tags=["insights"])


@router.get("/insights", summary="Personal trigger analysis (nasalis.insights/1)")
def api_insights(
    request: Request,
    since: Annotated[str | None, Query(description="Only days from YYYY-MM-DD.")] = None,
) -> dict[str, Any]:
    """Every factor at lag 0 and 1 with rate ratio, interval, p, q and verdict."""
    start = None
    if since is not None:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            raise HTTPException(422, f"since: must be a date YYYY-MM-DD (got {since!r})") from None
    store: Store = request.app.state.store
    with store.read() as session:
        return load_report(session, store.person_id(), start).to_json()
