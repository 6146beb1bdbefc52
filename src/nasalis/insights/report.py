"""The insights contract's JSON from the diary: triggers, time of day and experiments.

One data function serves `nasalis insights --json`, `GET /api/insights` and the web pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from nasalis.diary import experiments as stored
from nasalis.diary.entries import insight_inputs
from nasalis.diary.models import Experiment
from nasalis.insights import experiments
from nasalis.insights.frames import daily_frame
from nasalis.insights.timeofday import profile
from nasalis.insights.triggers import Insights, analyse


def plan_of(e: Experiment) -> experiments.Plan:
    """The insights plan of a stored experiment."""
    return experiments.Plan(e.title, e.start_date, e.block_days, e.washout_days, tuple(e.schedule))


def experiment_results(
    found: list[Experiment], frame: pd.DataFrame, today: dt.date
) -> list[dict[str, object]]:
    """Each experiment's plan and outcome (B against A, interval, verdict) as JSON objects."""
    results: list[dict[str, object]] = []
    for e in found:
        p = plan_of(e)
        outcome = experiments.analyse(p, frame, min(today, e.stopped_on or today))
        results.append(
            {
                "title": e.title,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "schedule": list(p.schedule),
                **outcome.to_json(),
            }
        )
    return results


@dataclass
class Report:
    """Everything the insights views show, from one read of the diary."""

    frame: pd.DataFrame
    insights: Insights
    time_of_day: dict[str, object]
    experiments: list[dict[str, object]]

    def to_json(self) -> dict[str, object]:
        """nasalis.insights/1 with the optional `time_of_day` and `experiments` fields."""
        out = {**self.insights.to_json(), "time_of_day": self.time_of_day}
        if self.experiments:
            out["experiments"] = self.experiments
        return out


def load_report(
    session: Session, person_id: int, since: dt.date | None = None, today: dt.date | None = None
) -> Report:
    """Read one person's diary (from `since`) and analyse it."""
    days, starts = insight_inputs(session, person_id, since)
    frame = daily_frame(days, [s.date() for s in starts])
    found = stored.all_of(session, person_id)
    exp_frame = frame
    if found and since is not None:
        # Experiments are judged on the whole diary: a --since window must not cut their blocks.
        all_days, all_starts = insight_inputs(session, person_id)
        exp_frame = daily_frame(all_days, [s.date() for s in all_starts])
    return Report(
        frame=frame,
        insights=analyse(frame),
        time_of_day=profile(starts),
        experiments=experiment_results(found, exp_frame, today or dt.date.today()),
    )
