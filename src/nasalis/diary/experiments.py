"""Store and find N-of-1 experiments (their planning and analysis live in nasalis.insights)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.models import Experiment
from nasalis.diary.records import control_problem

TITLE_MAX = 200
"""The longest title an experiment may have (the form and the API read this)."""


def title_problem(title: str) -> str | None:
    """What is wrong with an experiment's title, or None: any words, 1 to TITLE_MAX characters."""
    if not title.strip() or len(title.strip()) > TITLE_MAX:
        return f"describe the change in 1 to {TITLE_MAX} characters, e.g. no caffeine after noon"
    return control_problem(title)


def end_of(e: Experiment) -> dt.date:
    """The last day of an experiment's last block."""
    return e.start_date + dt.timedelta(days=e.block_days * len(e.schedule) - 1)


def save(
    session: Session,
    person_id: int,
    title: str,
    start: dt.date,
    block_days: int,
    washout_days: int,
    schedule: Sequence[str],
    planned_change: float | None = None,
) -> Experiment:
    """Record a planned experiment (undo removes it)."""
    problem = title_problem(title)
    if problem:
        raise ValueError(problem)
    experiment = Experiment(
        person_id=person_id,
        title=title.strip(),
        start_date=start,
        block_days=block_days,
        washout_days=washout_days,
        schedule=list(schedule),
        planned_change=planned_change,
    )
    return journal.add(session, person_id, experiment, f"experiment: {title[:40]}")


def current(session: Session, person_id: int, today: dt.date) -> Experiment | None:
    """The newest experiment that is neither stopped nor over before `today`."""
    query = (
        select(Experiment)
        .where(Experiment.person_id == person_id, Experiment.stopped_on.is_(None))
        .order_by(Experiment.id.desc())
    )
    return next((e for e in session.scalars(query) if end_of(e) >= today), None)


def stop(session: Session, person_id: int, experiment: Experiment, today: dt.date) -> None:
    """End an experiment early (undo restarts it)."""
    before = journal.snapshot(experiment)
    experiment.stopped_on = today
    session.flush()
    journal.record(
        session,
        person_id,
        "update",
        "experiments",
        [experiment.id],
        f"stopped: {experiment.title[:40]}",
        [before],
    )


def set_kept(session: Session, person_id: int, experiment: Experiment, day: dt.date, kept: bool) -> None:
    """Record whether the change was kept on `day` (answering again replaces it; undo restores)."""
    before = journal.snapshot(experiment)
    # A new dict, not an edit in place: the JSON column notices only a new value.
    experiment.adherence = {**(experiment.adherence or {}), day.isoformat(): kept}
    session.flush()
    word = "kept" if kept else "not kept"
    journal.record(
        session,
        person_id,
        "update",
        "experiments",
        [experiment.id],
        f"change {word}: {day.isoformat()}",
        [before],
    )


def all_of(session: Session, person_id: int) -> list[Experiment]:
    """Every experiment, newest first."""
    query = select(Experiment).where(Experiment.person_id == person_id).order_by(Experiment.id.desc())
    return list(session.scalars(query))
