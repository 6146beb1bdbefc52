"""The clinic's dashboard: one row per person who granted access, within what they granted.

The row's summary (latest assessment level, twitches per day by week, last check-in, a
running experiment) needs the `summary` scope; the count of new video measures needs `videos`.
Rows are ordered emergency and urgent first (by the knowledge base's LEVELS), then by the
latest assessment's date, newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nasalis.diary import experiments
from nasalis.diary.clinic import Grant, patients
from nasalis.diary.local_dates import EpisodeFilter, counts_by_local_date
from nasalis.diary.models import Assessment, Day, Video
from nasalis.knowledge.curated import LEVELS

WEEKS = 12
"""How far back the sparkline reaches."""


@dataclass(frozen=True)
class Row:
    """What the dashboard shows of one person."""

    grant: Grant
    level: str | None
    assessed_on: dt.date | None
    weekly_rate: tuple[float | None, ...]
    """Twitches per checked-in day for each of the last WEEKS weeks, oldest first (None: no check-in)."""
    last_check_in: dt.date | None
    experiment: str | None
    new_videos: int | None
    """Video measures finished since the clinician last opened the report (None: not granted)."""

    @property
    def urgent(self) -> bool:
        """Whether the latest assessment said urgent or emergency."""
        return self.level in ("urgent", "emergency")


def weekly_rate(session: Session, person_id: int, today: dt.date) -> tuple[float | None, ...]:
    """Twitches per checked-in day in each of the WEEKS weeks ending today, oldest first."""
    first = today - dt.timedelta(days=7 * WEEKS - 1)
    counts = counts_by_local_date(session, person_id, EpisodeFilter(first, today))
    days = set(
        session.scalars(
            select(Day.date).where(Day.person_id == person_id, Day.date >= first, Day.date <= today)
        )
    )
    out: list[float | None] = []
    for week in range(WEEKS):
        dates = [first + dt.timedelta(days=7 * week + d) for d in range(7)]
        logged = [d for d in dates if d in days]
        out.append(sum(counts.get(d, 0) for d in logged) / len(logged) if logged else None)
    return tuple(out)


def row_of(session: Session, grant: Grant, today: dt.date) -> Row:
    """The dashboard row of one grant (nothing the grant's scopes leave out)."""
    level = assessed = last = experiment = None
    rates: tuple[float | None, ...] = ()
    if "summary" in grant.scopes:
        latest = session.execute(
            select(Assessment.level, Assessment.at)
            .where(Assessment.person_id == grant.person_id)
            .order_by(Assessment.at.desc(), Assessment.id.desc())
            .limit(1)
        ).first()
        if latest is not None:
            level, assessed = latest.level, latest.at.date()
        rates = weekly_rate(session, grant.person_id, today)
        last = session.scalar(
            select(func.max(Day.date)).where(Day.person_id == grant.person_id, Day.date <= today)
        )
        running = experiments.current(session, grant.person_id, today)
        experiment = running.title if running is not None else None
    new = None
    if "videos" in grant.scopes:
        query = select(func.count(Video.id)).where(Video.person_id == grant.person_id, Video.status == "done")
        if grant.last_seen_at is not None:
            query = query.where(Video.created_at > grant.last_seen_at)
        new = int(session.scalar(query) or 0)
    return Row(grant, level, assessed, rates, last, experiment, new)


def _order(row: Row) -> tuple[int, float, str]:
    rank = LEVELS.index(row.level) if row.level in LEVELS else -1
    serious = rank if row.urgent else -1
    when = row.assessed_on.toordinal() if row.assessed_on else 0
    return (-serious, -when, row.grant.person)


def dashboard(session: Session, clinician_id: int, today: dt.date) -> list[Row]:
    """Every person who grants this clinician access now: emergency, urgent, then newest assessment."""
    return sorted((row_of(session, g, today) for g in patients(session, clinician_id)), key=_order)
