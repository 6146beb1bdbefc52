"""Experiments as a person lives them: start, today's instruction, stop, and results.

The CLI and the web call these, so both plan, remind and judge alike.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session

from nasalis.diary import experiments as stored
from nasalis.diary.entries import insight_inputs
from nasalis.diary.models import Experiment
from nasalis.insights import experiments
from nasalis.insights.frames import daily_frame


class ExperimentError(ValueError):
    """An experiment cannot be started or stopped; `field` names the input at fault, if one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def plan_of(e: Experiment) -> experiments.Plan:
    """The insights plan of a stored experiment."""
    return experiments.Plan(e.title, e.start_date, e.block_days, e.washout_days, tuple(e.schedule))


def start(
    session: Session,
    person_id: int,
    title: str,
    first: dt.date,
    pairs: int = 2,
    block_days: int = 7,
    washout_days: int = 2,
) -> experiments.Plan:
    """Plan a randomised experiment and store it; ExperimentError if one is running or it is bad."""
    try:
        p = experiments.plan(title, first, pairs, block_days, washout_days)
    except ValueError as exc:
        raise ExperimentError(str(exc), "pairs/block_days/washout_days") from None
    if stored.current(session, person_id, first) is not None:
        raise ExperimentError("one is running already: stop it first")
    try:
        stored.save(session, person_id, p.title, p.start, p.block_days, p.washout_days, p.schedule)
    except ValueError as exc:
        raise ExperimentError(str(exc), "title") from None
    return p


def stop(session: Session, person_id: int, today: dt.date) -> Experiment:
    """End the running experiment; ExperimentError if none is running."""
    running = stored.current(session, person_id, today)
    if running is None:
        raise ExperimentError("no experiment is running")
    stored.stop(session, person_id, running, today)
    return running


def instruction(session: Session, person_id: int, today: dt.date) -> str | None:
    """Today's instruction of the running experiment, if there is one."""
    running = stored.current(session, person_id, today)
    place = experiments.where(plan_of(running), today) if running else None
    return f"Experiment '{running.title}': {place.instruction}" if running and place else None


def results(found: list[Experiment], frame: pd.DataFrame, today: dt.date) -> list[dict[str, object]]:
    """Each experiment's plan and outcome (B against A, interval, verdict) as JSON objects."""
    out: list[dict[str, object]] = []
    for e in found:
        p = plan_of(e)
        outcome = experiments.analyse(p, frame, min(today, e.stopped_on or today))
        out.append(
            {
                "title": e.title,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "schedule": list(p.schedule),
                **outcome.to_json(),
            }
        )
    return out


def load_results(session: Session, person_id: int, today: dt.date) -> list[dict[str, object]]:
    """Every experiment of this person, judged on the whole diary (read only if there are any)."""
    found = stored.all_of(session, person_id)
    if not found:
        return []
    days, starts = insight_inputs(session, person_id)
    return results(found, daily_frame(days, [s.date() for s in starts]), today)
