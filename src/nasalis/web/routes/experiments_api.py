"""/api/experiments: plan, follow, stop and judge N-of-1 experiments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException

from nasalis.insights import running
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import ExperimentIn, KeptIn, Message, date_param, invalid

router = APIRouter(prefix="/api", tags=["experiments"])


@router.get("/experiments", summary="Every experiment with its result so far")
def list_experiments(store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """Each experiment's schedule, B-against-A rate ratio, interval and verdict; today's instruction."""
    today = dt.date.today()
    with store.read() as session:
        today_says = running.instruction(session, viewer.person_id, today)
        return {"today": today_says, "experiments": running.load_results(session, viewer.person_id, today)}


@router.get("/experiments/sizing", summary="The chance an experiment would detect a change, before it starts")
def experiment_sizing(store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """Power for 50%, 30% and 20% fewer twitches, 4/8/12 weeks and 3/5/7-day blocks, at this diary's
    rate and variation; and per fall the shortest plan with at least 80% power (null: even 12
    weeks are not enough, the sentence says so)."""
    with store.read() as session:
        return running.load_sizing(session, viewer.person_id, dt.date.today())


@router.post(
    "/experiments",
    status_code=201,
    summary="Plan a randomised experiment",
    responses={409: {"model": Message, "description": "Another experiment is running"}},
)
def start_experiment(body: ExperimentIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Pairs of blocks in AB or BA order drawn at random, with settling-in days left out where the
    condition switches.

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
                body.planned_change,
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
        "planned_change": body.planned_change,
    }


@router.post(
    "/experiments/kept",
    response_model=Message,
    summary="Answer: was the change kept on a change day?",
    responses={422: {"description": "`date` is not a change day of an experiment, or is ahead"}},
)
def change_kept(body: KeptIn, store: StoreDep, viewer: WriterDep) -> dict[str, str]:
    """One yes/no per change (B) day; answering again replaces the answer (undo restores it)."""
    today = dt.date.today()
    day = date_param("date", body.date, "body") or today
    try:
        with store.write() as session:
            e = running.record_kept(session, viewer.person_id, day, body.kept, today)
            title = e.title
    except running.ExperimentError as exc:
        raise invalid(exc.field or "date", str(exc)) from None
    return {"detail": f"{title}: change {'kept' if body.kept else 'not kept'} on {day.isoformat()}"}


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
