"""GET /api/cycles: the cycles contract's JSON (nasalis.cycles/1) for the signed-in person."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from nasalis.insights.cycles_report import load_cycles
from nasalis.web.analysis_json import SinceQuery, analysis_json
from nasalis.web.deps import StoreDep, ViewerDep

router = APIRouter(prefix="/api", tags=["insights"])


@router.get("/cycles", summary="Treatment cycles and medicine changes (nasalis.cycles/1)")
def api_cycles(store: StoreDep, viewer: ViewerDep, since: SinceQuery = None) -> dict[str, Any]:
    """Each treatment's onset, best and wear-off with 95% intervals, and each medicine change."""
    return analysis_json(store, viewer, since, load_cycles)
