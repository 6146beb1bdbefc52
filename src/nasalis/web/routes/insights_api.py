"""GET /api/insights: the insights contract's JSON for the signed-in person."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from nasalis.insights.cache import cached_report
from nasalis.web.analysis_json import SinceQuery, analysis_json
from nasalis.web.deps import StoreDep, ViewerDep

router = APIRouter(prefix="/api", tags=["insights"])


@router.get("/insights", summary="Personal trigger analysis (nasalis.insights/1)")
def api_insights(store: StoreDep, viewer: ViewerDep, since: SinceQuery = None) -> dict[str, Any]:
    """Every factor at lag 0 and 1 with rate ratio, interval, p, q and verdict."""
    return analysis_json(store, viewer, since, cached_report)
