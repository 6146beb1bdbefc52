"""/api/experiments: plan, follow, stop and judge N-of-1 experiments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException

from nasalis.insights import running
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import ExperimentIn, Message, date_param, invalid

router = APIRouter(prefix="/api", tags=["experiments"])


@router.get("/experiments", summary="Every experiment with its result so far")
def list_experiments(store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """Each experiment's schedule, B-against-A rate ratio, interval and verdict; today's instruction."""
    today = dt.date.today()
    with store.read() as session:
        today_says = running.instruction(session, viewer.person_id, today)
        return {"today": today_says, "experiments": running.load_results(session, viewer.person_id, today)}


@router.post(
    "/experiments",
    status_code=201,
    summary="Plan a randomised experiment",
    responses={409: {"model": Message, "description": "Another experiment is running"}},
)
def start_experiment(body: ExperimentIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Pairs of blocks in AB or BA order drawn at random, with settling-in days left out.

    The first day (`start`) may be today or up to a year ahead, never a day that has passed.
    """
    today = dt.date.today()
    first = date_param("start", body.start, "body") or today + dt.timedelta(days=1)
    try:
        with store.write() as session:
            p = running.start(
                session,
                viewer.person_id,
                body.title,
                first,
                body.pairs,
                body.block_days,
                body.washout_days,
                today,
            )
    except running.ExperimentError as exc:
        if exc.field is None:
            raise HTTPException(409, str(exc)) from None
        raise invalid(exc.field, str(exc)) from None
    return {
        "title": p.title,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "schedule": list(p.schedule),
        "block_days": p.block_days,
        "washout_days": p.washout_days,
    }


@router.post("/experiments/stop", response_model=Message, responses={409: {"model": Message}})
def stop_experiment(store: StoreDep, viewer: WriterDep) -> dict[str, str]:
    """End the running experiment early (undo restarts it)."""
    try:
        with store.write() as session:
            stopped = running.stop(session, viewer.person_id, dt.date.today())
            said = running.state_sentence(stopped, dt.date.today())
    except running.ExperimentError as exc:
        raise HTTPException(409, str(exc)) from None
    return {"detail": f"{stopped.title}: {said}"}
