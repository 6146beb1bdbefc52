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
from nasalis.insights.frames import daily_frame
from nasalis.insights.running import load_results, results
from nasalis.insights.timeofday import profile
from nasalis.insights.triggers import Insights, analyse


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
    today = today or dt.date.today()
    if since is None:  # the frame already holds the whole diary: judge the experiments on it
        judged = results(stored.all_of(session, person_id), frame, today)
    else:  # a --since window must not cut an experiment's blocks
        judged = load_results(session, person_id, today)
    return Report(frame=frame, insights=analyse(frame), time_of_day=profile(starts), experiments=judged)
