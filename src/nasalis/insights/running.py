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
from nasalis.insights import nof1, nof1power
from nasalis.insights.frames import daily_frame
from nasalis.wording import plural

POWER_HISTORY_DAYS = 180
"""The diary's last days that size an experiment: recent enough to be today's twitching."""
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
    washout_days: int | None = None,
    today: dt.date | None = None,
    planned_change: float | None = None,
) -> nof1.Plan:
    """Plan a randomised experiment and store it; ExperimentError if one is under way or it is bad.

    `washout_days` defaults to nof1.default_washout(block_days); `planned_change` is the fall
    in twitches it was sized for (one of nof1power.EFFECTS), kept with it.
    """
    today = today or dt.date.today()
    if washout_days is None:
        washout_days = nof1.default_washout(block_days)
    problems = {
        **start_problems(title, first, today),
        **plan_problems(pairs, block_days, washout_days, planned_change),
    }
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
    stored.save(
        session, person_id, p.title, p.start, p.block_days, p.washout_days, p.schedule, planned_change
    )
    return p


def change_day_problem(e: Experiment, day: dt.date, today: dt.date) -> str | None:
    """Why `day` cannot take a kept/not-kept answer in `e`, or None: a change (B) day, not ahead."""
    if day > today:
        return f"{day.isoformat()} has not come yet"
    last = min(stored.end_of(e), e.stopped_on or stored.end_of(e))
    place = nof1.where(plan_of(e), day)
    if place is None or day > last:
        return f"{day.isoformat()} is not a day of '{e.title}'"
    if place.condition != "B":
        return f"{day.isoformat()} is a usual day (A) of '{e.title}': only change days are asked"
    return None


def record_kept(session: Session, person_id: int, day: dt.date, kept: bool, today: dt.date) -> Experiment:
    """Answer "was the change kept on `day`?" for the experiment that day belongs to."""
    found = next(
        (e for e in stored.all_of(session, person_id) if e.start_date <= day <= stored.end_of(e)), None
    )
    if found is None:
        raise ExperimentError(f"{day.isoformat()} is not a day of any experiment", "date")
    problem = change_day_problem(found, day, today)
    if problem:
        raise ExperimentError(problem, "date")
    stored.set_kept(session, person_id, found, day, kept)
    return found


def asks_today(session: Session, person_id: int, today: dt.date) -> bool:
    """Whether today is a change day of the running experiment (so the yes/no question is asked)."""
    e = stored.current(session, person_id, today)
    return e is not None and change_day_problem(e, today, today) is None


def counts_by_date(frame: pd.DataFrame, today: dt.date) -> list[float]:
    """Twitches per day over the last POWER_HISTORY_DAYS up to `today`, NaN where not logged."""
    first = today - dt.timedelta(days=POWER_HISTORY_DAYS - 1)
    dates = pd.date_range(first, today, freq="D")
    series = frame["episodes"].reindex(dates) if len(frame) else pd.Series(float("nan"), index=dates)
    return [float(v) for v in series]


def power_of(frame: pd.DataFrame, today: dt.date) -> nof1power.Table:
    """The power table at this diary's rate and variation."""
    return nof1power.power_table(nof1power.variation_of(counts_by_date(frame, today)))


def sizing(frame: pd.DataFrame, today: dt.date) -> dict[str, object]:
    """The power table at this diary's rate and variation, and the shortest plan per effect."""
    variation = nof1power.variation_of(counts_by_date(frame, today))
    table = nof1power.power_table(variation)
    suggestions = [nof1power.suggest(table, fall) for fall in nof1power.EFFECTS]
    return {
        "variation": variation.to_json(),
        "from_diary": variation.days_used >= nof1power.MIN_RATE_DAYS,
        "power": nof1power.table_json(table),
        "suggested": [
            {
                "fall": s.fall,
                "weeks": s.weeks,
                "block_days": s.block_days,
                "pairs": s.pairs,
                "power": round(s.power, 3),
                "sentence": s.sentence,
            }
            for s in suggestions
        ],
    }


def recent_frame(session: Session, person_id: int, today: dt.date) -> pd.DataFrame:
    """The diary's last POWER_HISTORY_DAYS as a daily frame."""
    since = today - dt.timedelta(days=POWER_HISTORY_DAYS - 1)
    days, starts = insight_inputs(session, person_id, since)
    return daily_frame(days, [s.date() for s in starts])


def load_sizing(session: Session, person_id: int, today: dt.date) -> dict[str, object]:
    """`sizing` on this person's diary (its last POWER_HISTORY_DAYS)."""
    return sizing(recent_frame(session, person_id, today), today)


def sized_plan(
    session: Session, person_id: int, today: dt.date, fall: float, weeks: int | None, block_days: int | None
) -> tuple[int, int]:
    """Weeks and block days for `fall`, filling in the open ones from this diary's power table."""
    if weeks is not None and block_days is not None:
        return weeks, block_days
    return nof1power.choose(power_of(recent_frame(session, person_id, today), today), fall, weeks, block_days)


def first_day_problem(first: dt.date, today: dt.date) -> str | None:
    """What is wrong with an experiment's first day, or None: today up to MAX_DAYS_AHEAD ahead."""
    # Days before today were lived without knowing the drawn order, so they cannot be a
    # randomised block: analysing them would pass coincidence off as a result.
    if first < today:
        return f"must be today or later ({first.isoformat()} has passed)"
    if (first - today).days > MAX_DAYS_AHEAD:
        return f"must be within {MAX_DAYS_AHEAD} days from today ({first.isoformat()} is further ahead)"
    return None


def plan_problems(
    pairs: int, block_days: int, washout_days: int, planned_change: float | None = None
) -> dict[str, str]:
    """Every bad field of an experiment's shape (pairs, block_days, washout_days, planned_change)."""
    problems: dict[str, str] = {}
    if not 1 <= pairs <= nof1.MAX_PAIRS:
        problems["pairs"] = f"choose 1 to {nof1.MAX_PAIRS} pairs of blocks"
    if not 3 <= block_days <= 28:
        problems["block_days"] = "blocks are 3 to 28 days long"
    elif not 0 <= washout_days <= block_days - 2:
        problems["washout_days"] = f"settling-in days are 0 to {block_days - 2} for {block_days}-day blocks"
    if planned_change is not None and planned_change not in nof1power.EFFECTS:
        problems["planned_change"] = "choose " + ", ".join(f"{e:g}" for e in nof1power.EFFECTS)
    return problems


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
        outcome = nof1.analyse(p, frame, today, e.stopped_on, e.adherence)
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
                "block_days": p.block_days,
                "washout_days": p.washout_days,
                "planned_change": e.planned_change,
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
