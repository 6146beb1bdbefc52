"""Everything the doctor's report shows, gathered from one read of the diary."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary import assessments, entries, preferences, videos
from nasalis.diary import experiments as stored
from nasalis.diary.records import DayRecord
from nasalis.insights.report import Report, load_report, make_report
from nasalis.insights.triggers import FactorResult
from nasalis.knowledge import load_knowledge

HELD = ("likely_trigger", "likely_protective")
DAILY_DAYS = 90
"""Days listed one by one; earlier ones are summed by month (nobody reads 40 pages of rows)."""


@dataclass
class Medicine:
    """A medicine as the report lists it, with the lexicon's note."""

    name: str
    dose: str | None
    started_on: dt.date | None
    stopped_on: dt.date | None
    matched: str | None
    drug_class: str | None
    note: str | None


@dataclass
class ReportData:
    """The report's content; the HTML template only lays it out."""

    generated_on: dt.date
    name: str
    age_years: int | None
    first_day: dt.date | None
    last_day: dt.date | None
    days_with_check_in: int
    episodes: list[entries.EpisodeLine]
    days: list[DayRecord]
    insights: Report
    assessment: dict[str, Any] | None
    assessed_on: dt.date | None
    medicines: list[Medicine]
    sources: list[str] = field(default_factory=list)
    video: list[tuple[dt.datetime, dict[str, Any]]] = field(default_factory=list)
    """The newest clip measurements (when, result), newest first."""

    @property
    def span_days(self) -> int:
        """Days from the first entry to the last, both counted."""
        if self.first_day is None or self.last_day is None:
            return 0
        return (self.last_day - self.first_day).days + 1

    @cached_property
    def per_date(self) -> Counter[dt.date]:
        """Twitches per local date, counted once (the report asks for it many times)."""
        return Counter(e.started_at.date() for e in self.episodes)

    @property
    def per_day(self) -> float | None:
        """Twitches per day with a check-in (unknown days are not counted as zero)."""
        if self.first_day is None or self.last_day is None:
            return None
        return self.per_day_between(self.first_day, self.last_day)

    def per_day_between(self, start: dt.date, end: dt.date) -> float | None:
        """Twitches per known day in [start, end]."""
        known = [d.date for d in self.days if start <= d.date <= end]
        if not known:
            return None
        return sum(self.per_date[d] for d in known) / len(known)

    @property
    def trend(self) -> tuple[float | None, float | None]:
        """Twitches per known day in the first and the last 28 days of the period."""
        if self.first_day is None or self.last_day is None:
            return None, None
        first = self.per_day_between(self.first_day, self.first_day + dt.timedelta(days=27))
        last = self.per_day_between(self.last_day - dt.timedelta(days=27), self.last_day)
        return first, last

    @property
    def intensity(self) -> dict[str, float] | None:
        """Median and range of the strengths given (1-10)."""
        values = [e.intensity for e in self.episodes if e.intensity is not None]
        if not values:
            return None
        return {
            "median": statistics.median(values),
            "low": min(values),
            "high": max(values),
            "n": len(values),
        }

    @property
    def sides(self) -> list[tuple[str, int]]:
        """How often each side was recorded."""
        return Counter(e.side for e in self.episodes if e.side).most_common()

    @property
    def areas(self) -> list[tuple[str, int]]:
        """How often each area was recorded."""
        return Counter(a for e in self.episodes for a in (e.areas or ())).most_common()

    @property
    def held(self) -> list[FactorResult]:
        """Triggers (and protective factors) that held up after the false-discovery control."""
        return [f for f in self.insights.insights.factors if f.verdict in HELD]

    @property
    def not_held(self) -> list[FactorResult]:
        """Factors that were tested and did not hold up."""
        return [f for f in self.insights.insights.factors if f.p is not None and f.verdict not in HELD]

    @property
    def warning_signs(self) -> list[str]:
        """What the latest assessment found serious (urgent or emergency reasons)."""
        if not self.assessment:
            return []
        return [
            r["says"] for r in self.assessment.get("reasons", []) if r.get("level") in ("urgent", "emergency")
        ]

    @property
    def unchecked_signs(self) -> list[str]:
        """Warning signs the latest assessment could not check (unanswered questions)."""
        if not self.assessment:
            return []
        return [u["sign"] for u in self.assessment.get("unchecked_warning_signs", [])]

    def monthly_rows(self) -> list[dict[str, Any]]:
        """Months before the daily table's window, newest first: check-ins, twitches, per day."""
        if self.last_day is None:
            return []
        cut = self.last_day - dt.timedelta(days=DAILY_DAYS - 1)
        counts = self.per_date
        months: dict[str, list[int]] = {}
        for d in self.days:
            if d.date < cut:
                months.setdefault(d.date.strftime("%Y-%m"), []).append(counts.get(d.date, 0))
        return [
            {"month": m, "days": len(v), "episodes": sum(v), "per_day": sum(v) / len(v)}
            for m, v in sorted(months.items(), reverse=True)
        ]

    def daily_rows(self) -> list[dict[str, Any]]:
        """One row per day with a check-in in the last DAILY_DAYS, newest first."""
        counts = self.per_date
        strongest: dict[dt.date, int] = {}
        for e in self.episodes:
            if e.intensity is not None:
                day = e.started_at.date()
                strongest[day] = max(strongest.get(day, 0), e.intensity)
        return [
            {
                "date": d.date,
                "episodes": counts.get(d.date, 0),
                "strongest": strongest.get(d.date),
                "sleep": d.sleep_hours,
                "stress": d.stress,
                "caffeine": d.caffeine_drinks,
                "alcohol": d.alcohol_drinks,
                "tags": ", ".join(d.tags or ()),
            }
            for d in sorted(self.days, key=lambda d: d.date, reverse=True)
            if self.last_day is None or (self.last_day - d.date).days < DAILY_DAYS
        ]


def gather(
    session: Session, person_id: int, since: dt.date | None = None, today: dt.date | None = None
) -> ReportData:
    """Read one person's diary (from `since`) and everything the report needs."""
    today = today or dt.date.today()
    start = dt.datetime.combine(since, dt.time()) - dt.timedelta(days=1) if since else None
    # Plain columns, not ORM objects: five years can be 20,000 rows.
    lines = entries.episode_lines(session, person_id, entries.EpisodeFilter(start=start))
    episodes = [e for e in reversed(lines) if since is None or e.started_at.date() >= since]
    days = [entries.day_record(d) for d in entries.days_between(session, person_id, since)]
    dates = [e.started_at.date() for e in episodes] + [d.date for d in days]
    prefs = preferences.get(session, person_id)
    latest = assessments.latest(session, person_id)
    kb = load_knowledge()
    classes = {c.id: c for c in kb.lexicon.classes}
    sources: list[str] = []
    if latest:
        for reason in latest.result.get("reasons", []):
            sources += [s for s in reason.get("sources", []) if s not in sources]
    medicines = []
    for m in entries.medications_of(session, person_id):
        klass = classes.get(m.drug_class or "")
        medicines.append(
            Medicine(
                m.name,
                m.dose,
                m.started_on,
                m.stopped_on,
                m.matched,
                klass.name if klass else None,
                klass.says if klass else None,
            )
        )
        for citation in klass.cites if klass else ():
            label = kb.citation_label(citation)
            if label not in sources:
                sources.append(label)
    return ReportData(
        generated_on=today,
        name=str(prefs.get("name") or ""),
        age_years=prefs.get("age_years"),
        first_day=min(dates) if dates else None,
        last_day=max(dates) if dates else None,
        days_with_check_in=len(days),
        episodes=episodes,
        days=days,
        # The diary is already read: analyse it as it is, without reading it again.
        insights=make_report(days, [e.started_at for e in episodes], stored.all_of(session, person_id), today)
        if since is None
        else load_report(session, person_id, since, today),
        assessment=latest.result if latest else None,
        assessed_on=latest.at.date() if latest else None,
        medicines=medicines,
        sources=sources,
        video=videos.latest_results(session, person_id),
    )
