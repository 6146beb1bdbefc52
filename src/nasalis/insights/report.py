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
from nasalis.diary.records import DayRecord
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


def make_report(
    days: list[DayRecord], starts: list[dt.datetime], found: list[Experiment], today: dt.date
) -> Report:
    """Analyse diary data already read: triggers, time of day, and `found` judged on these days."""
    frame = daily_frame(days, [s.date() for s in starts])
    return Report(frame, analyse(frame), profile(starts), results(found, frame, today))


def load_report(
    session: Session, person_id: int, since: dt.date | None = None, today: dt.date | None = None
) -> Report:
    """Read one person's diary (from `since`) and analyse it."""
    today = today or dt.date.today()
    days, starts = insight_inputs(session, person_id, since)
    if since is None:
        return make_report(days, starts, stored.all_of(session, person_id), today)
    report = make_report(days, starts, [], today)
    report.experiments = load_results(session, person_id, today)  # a window must not cut their blocks
    return report
