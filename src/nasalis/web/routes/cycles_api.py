"""GET /api/cycles: the cycles contract's JSON (nasalis.cycles/1) for the signed-in person."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from nasalis.insights.cycles_report import load_cycles
from nasalis.web.deps import StoreDep, ViewerDep
from nasalis.web.schemas import date_param

router = APIRouter(prefix="/api", tags=["insights"])


@router.get("/cycles", summary="Treatment cycles and medicine changes (nasalis.cycles/1)")
def api_cycles(
    store: StoreDep,
    viewer: ViewerDep,
    since: Annotated[str | None, Query(description="Only days from YYYY-MM-DD.")] = None,
) -> dict[str, Any]:
    """Each treatment's onset, best and wear-off with 95% intervals, and each medicine change."""
    start = date_param("since", since)
    with store.read() as session:
        return load_cycles(session, viewer.person_id, start).to_json()
