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
from nasalis.insights import nof1
from nasalis.insights.frames import daily_frame
from nasalis.wording import plural

MAX_DAYS_AHEAD = 365
"""The furthest ahead an experiment may be planned: a plan a year out is more likely a typo."""


class ExperimentError(ValueError):
    """An experiment cannot be started or stopped; `field` names the input at fault, if one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def plan_of(e: Experiment) -> nof1.Plan:
    """The insights plan of a stored experiment."""
    return nof1.Plan(e.title, e.start_date, e.block_days, e.washout_days, tuple(e.schedule))


def start(
    session: Session,
    person_id: int,
    title: str,
    first: dt.date,
    pairs: int = 2,
    block_days: int = 7,
    washout_days: int = 2,
    today: dt.date | None = None,
) -> nof1.Plan:
    """Plan a randomised experiment and store it; ExperimentError if one is under way or it is bad."""
    today = today or dt.date.today()
    problems = start_problems(title, first, today)
    if problems:
        field, message = next(iter(problems.items()))
        raise ExperimentError(message, field)
    try:
        p = nof1.plan(title, first, pairs, block_days, washout_days)
    except ValueError as exc:
        raise ExperimentError(str(exc), "pairs/block_days/washout_days") from None
    busy = stored.current(session, person_id, today)
    if busy is not None:
        raise ExperimentError(f"'{busy.title}' is {state_of(busy, today)} already: stop it first")
    stored.save(session, person_id, p.title, p.start, p.block_days, p.washout_days, p.schedule)
    return p


def first_day_problem(first: dt.date, today: dt.date) -> str | None:
    """What is wrong with an experiment's first day, or None: today up to MAX_DAYS_AHEAD ahead."""
    # Days before today were lived without knowing the drawn order, so they cannot be a
    # randomised block: analysing them would pass coincidence off as a result.
    if first < today:
        return f"must be today or later ({first.isoformat()} has passed)"
    if (first - today).days > MAX_DAYS_AHEAD:
        return f"must be within {MAX_DAYS_AHEAD} days from today ({first.isoformat()} is further ahead)"
    return None


def start_problems(title: str, first: dt.date | None, today: dt.date) -> dict[str, str]:
    """Every bad field of an experiment to start (title, start), by field name."""
    problems = {"title": stored.title_problem(title), "start": first and first_day_problem(first, today)}
    return {field: message for field, message in problems.items() if message}


def state_of(e: Experiment, today: dt.date) -> str:
    """One word for where an experiment is: planned, running, stopped or finished."""
    if e.stopped_on is not None:
        return "stopped"
    if today < e.start_date:
        return "planned"
    return "running" if today <= stored.end_of(e) else "finished"


def days_run(e: Experiment, today: dt.date) -> int:
    """How many days of the experiment have been lived: up to its end, its stop, or today."""
    last = min(today, stored.end_of(e), e.stopped_on or today)
    return max(0, (last - e.start_date).days + 1)


def state_sentence(e: Experiment, today: dt.date) -> str:
    """Where an experiment is, in words the CLI and the web both show."""
    state = state_of(e, today)
    total = plural(len(e.schedule) * e.block_days, "day")
    if state == "planned":
        ahead = (e.start_date - today).days
        when = "tomorrow" if ahead == 1 else f"in {plural(ahead, 'day')}"
        return f"planned: starts {when}, on {e.start_date.isoformat()} ({total} in all)"
    if state == "running":
        return f"running: day {days_run(e, today)} of {len(e.schedule) * e.block_days}"
    if state == "stopped":
        assert e.stopped_on is not None
        if e.stopped_on < e.start_date:
            return f"stopped on {e.stopped_on.isoformat()}, before it began"
        return f"stopped on {e.stopped_on.isoformat()} after {plural(days_run(e, today), 'day')} of {total}"
    return f"finished on {stored.end_of(e).isoformat()}"


def stop(session: Session, person_id: int, today: dt.date) -> Experiment:
    """End the running experiment; ExperimentError if none is running."""
    running = stored.current(session, person_id, today)
    if running is None:
        raise ExperimentError("no experiment is running")
    stored.stop(session, person_id, running, today)
    return running


def instruction(session: Session, person_id: int, today: dt.date) -> str | None:
    """Today's instruction of the planned or running experiment, if there is one."""
    under_way = stored.current(session, person_id, today)
    if under_way is None:
        return None
    place = nof1.where(plan_of(under_way), today)
    if place is None:  # planned: the days before it are ordinary days
        said = state_sentence(under_way, today)
        return f"Experiment '{under_way.title}' is {said}. Until then, live as usual."
    return f"Experiment '{under_way.title}': {place.instruction}"


def under_way(session: Session, person_id: int, today: dt.date) -> Experiment | None:
    """The planned or running experiment (the one `stop` would end), if there is one."""
    return stored.current(session, person_id, today)


def results(found: list[Experiment], frame: pd.DataFrame, today: dt.date) -> list[dict[str, object]]:
    """Each experiment's plan and outcome (B against A, interval, verdict) as JSON objects."""
    out: list[dict[str, object]] = []
    for e in found:
        p = plan_of(e)
        outcome = nof1.analyse(p, frame, today, e.stopped_on)
        out.append(
            {
                "title": e.title,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "schedule": list(p.schedule),
                **outcome.to_json(),
                "state": state_of(e, today),
                "status": state_sentence(e, today),
                "stopped_on": e.stopped_on.isoformat() if e.stopped_on else None,
                "days_run": days_run(e, today),
            }
        )
    return out


def load_results(session: Session, person_id: int, today: dt.date) -> list[dict[str, object]]:
    """Every experiment of this person, judged on the whole diary (read only if there are any)."""
    found = stored.all_of(session, person_id)
    if not found:
        return []
    days, starts = insight_inputs(session, person_id)
    return results(found, daily_frame(days, starts), today)
