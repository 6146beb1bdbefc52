"""GET /api/insights: the insights contract's JSON for the signed-in person."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from nasalis.insights.cache import cached_report
from nasalis.web.deps import StoreDep, ViewerDep
from nasalis.web.schemas import date_param

router = APIRouter(prefix="/api", tags=["insights"])


@router.get("/insights", summary="Personal trigger analysis (nasalis.insights/1)")
def api_insights(
    store: StoreDep,
    viewer: ViewerDep,
    since: Annotated[str | None, Query(description="Only days from YYYY-MM-DD.")] = None,
) -> dict[str, Any]:
    """Every factor at lag 0 and 1 with rate ratio, interval, p, q and verdict."""
    start = date_param("since", since)
    with store.read() as session:
        return cached_report(session, viewer.person_id, start).to_json()
