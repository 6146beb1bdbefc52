"""Everything the doctor's report shows, gathered from one read of the diary."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary import assessments, clinician_scores, entries, local_dates, preferences, videos
from nasalis.diary import experiments as stored
from nasalis.diary.factors import TABLE
from nasalis.diary.records import DayRecord
from nasalis.insights.analysis import Report, make_report
from nasalis.insights.findings import FactorResult
from nasalis.insights.running import load_results
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.emergency import Country, load_numbers
from nasalis.report.cycle_lines import cycle_lines

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


@dataclass(frozen=True)
class Score:
    """A clinician-rated score as the report shows it: as written, never computed by nasalis."""

    scale: str
    value: str
    rated_on: dt.date
    rated_by: str | None
    source: str
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
    episodes: list[local_dates.EpisodeLine]
    days: list[DayRecord]
    insights: Report
    assessment: dict[str, Any] | None
    assessed_on: dt.date | None
    assessment_count: int
    medicines: list[Medicine]
    sources: list[str] = field(default_factory=list)
    video: list[tuple[dt.datetime, dict[str, Any]]] = field(default_factory=list)
    """The newest clip measurements (when, result), newest first."""
    stills: list[list[str]] = field(default_factory=list)
    """Each of those clips' keyframes (JPEG data: URIs), in the same order."""
    scores: list[Score] = field(default_factory=list)
    """Clinician-rated scores in the period, oldest first."""
    country: Country | None = None
    """The person's country (its emergency number is shown); None keeps the generic wording."""
    sections: frozenset[str] | None = None
    """The sections shown (nasalis.report.sections.SECTIONS); None is the whole report."""
    period: tuple[dt.date, dt.date] | None = None
    """The dates chosen (first, last), when the report covers a chosen period only."""

    def shows(self, section: str) -> bool:
        """Whether the report shows this section."""
        return self.sections is None or section in self.sections

    cycles: list[str] = field(default_factory=list)
    """Each treatment's cycle in words, then the cycles compared (empty without treatments)."""

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

    @cached_property
    def check_in_dates(self) -> set[dt.date]:
        """Dates with a check-in (the days whose twitches are all logged)."""
        return {d.date for d in self.days}

    @property
    def daily_cut(self) -> dt.date | None:
        """The first date the daily table lists; earlier dates are summed by month."""
        return self.last_day - dt.timedelta(days=DAILY_DAYS - 1) if self.last_day else None

    @property
    def weeks(self) -> list[Week]:
        """The diary week by week, as the trend plot draws it."""
        return weekly(self.per_date, self.check_in_dates)

    def monthly_rows(self) -> list[dict[str, Any]]:
        """Months before the daily table's window, newest first, counted from every twitch logged."""
        cut = self.daily_cut
        if cut is None:
            return []
        counts = self.per_date
        months: dict[str, set[dt.date]] = {}
        for date in self.check_in_dates | set(counts):
            if date < cut:
                months.setdefault(date.strftime("%Y-%m"), set()).add(date)
        rows = []
        for month, dates in sorted(months.items(), reverse=True):
            checked = [d for d in dates if d in self.check_in_dates]
            rows.append(
                {
                    "month": month,
                    "episodes": sum(counts.get(d, 0) for d in dates),
                    "days_with_episodes": sum(1 for d in dates if counts.get(d, 0)),
                    "days": len(checked),
                    "per_day": sum(counts.get(d, 0) for d in checked) / len(checked) if checked else None,
                }
            )
        return rows

    def daily_rows(self) -> list[dict[str, Any]]:
        """One row per day in the last DAILY_DAYS with a check-in or a twitch, newest first."""
        cut = self.daily_cut
        if cut is None:
            return []
        counts = self.per_date
        strongest: dict[dt.date, int] = {}
        for e in self.episodes:
            if e.intensity is not None:
                day = e.started_at.date()
                strongest[day] = max(strongest.get(day, 0), e.intensity)
        records = {d.date: d for d in self.days}
        rows = []
        for date in sorted((d for d in self.check_in_dates | set(counts) if d >= cut), reverse=True):
            d = records.get(date)
            rows.append(
                {
                    "date": date,
                    "checked_in": d is not None,
                    "episodes": counts.get(date, 0),
                    "strongest": strongest.get(date),
                    "factors": [getattr(d, f.name) if d else None for f in TABLE],
                    "tags": ", ".join(t.replace("_", " ") for t in d.tags or ()) if d else "",
                }
            )
        return rows


@dataclass(frozen=True)
class Week:
    """One week of the diary (Monday to Sunday): every twitch logged, and the rate on checked-in days."""

    monday: dt.date
    episodes: int
    check_ins: int
    per_day: float | None
    """Twitches per day with a check-in; None for a week without check-ins (unknown, not zero)."""


def weekly(counts: Mapping[dt.date, int], check_ins: Collection[dt.date]) -> list[Week]:
    """Every week from the first entry to the last, gaps included (the trend plot and /progress)."""
    dates = set(check_ins) | {d for d, n in counts.items() if n}
    if not dates:
        return []
    week = min(dates) - dt.timedelta(days=min(dates).weekday())
    out = []
    while week <= max(dates):
        span = [week + dt.timedelta(days=i) for i in range(7)]
        known = [d for d in span if d in check_ins]
        out.append(
            Week(
                week,
                sum(counts.get(d, 0) for d in span),
                len(known),
                sum(counts.get(d, 0) for d in known) / len(known) if known else None,
            )
        )
        week += dt.timedelta(days=7)
    return out


def source_titles(labels: list[str]) -> list[str]:
    """Cited sources as a reader knows them: a seed article by its title, with its file name after."""
    titles = {s.file: s.title for s in load_knowledge().sources.seeds}
    return [f"{titles[label]} ({label})" if label in titles else label for label in labels]


def gather(
    session: Session,
    person_id: int,
    since: dt.date | None = None,
    today: dt.date | None = None,
    until: dt.date | None = None,
) -> ReportData:
    """Read one person's diary (from `since`, to `until`) and everything the report needs."""
    today = today or dt.date.today()
    # Plain columns, not ORM objects: five years can be 20,000 rows.
    period = local_dates.EpisodeFilter(first=since, last=until)
    episodes = local_dates.episode_lines(session, person_id, period)[::-1]
    days = [entries.day_record(d) for d in entries.days_between(session, person_id, since, until)]
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
    clips = videos.latest_with_stills(session, person_id, first=since, last=until)
    return ReportData(
        generated_on=today,
        name=str(prefs.get("name") or ""),
        age_years=prefs.get("age_years"),
        country=load_numbers().country(str(prefs.get("country") or "")),
        first_day=min(dates) if dates else None,
        last_day=max(dates) if dates else None,
        days_with_check_in=len(days),
        episodes=episodes,
        days=days,
        insights=_analyse(
            session, person_id, days, episodes, whole=since is None and until is None, today=today
        ),
        assessment=latest.result if latest else None,
        assessed_on=latest.at.date() if latest else None,
        assessment_count=assessments.count(session, person_id),
        medicines=medicines,
        sources=source_titles(sources),
        video=[(at, result) for _, at, result, _ in clips],
        stills=[stills for _, _, _, stills in clips],
        scores=[
            Score(x.scale, x.value_text, x.rated_on, x.rated_by, x.source, x.note)
            for x in clinician_scores.scores_of(session, person_id)
            if (since is None or x.rated_on >= since) and (until is None or x.rated_on <= until)
        ],
        cycles=cycle_lines(session, person_id, since, until or today),
    )


def _analyse(
    session: Session,
    person_id: int,
    days: list[DayRecord],
    episodes: list[local_dates.EpisodeLine],
    whole: bool,
    today: dt.date,
) -> Report:
    """The insights of the days read (the diary is read already: it is not read again)."""
    starts = [e.started_at for e in episodes]
    if whole:
        return make_report(days, starts, stored.all_of(session, person_id), today)
    report = make_report(days, starts, [], today)
    report.experiments = load_results(session, person_id, today)  # a window must not cut their blocks
    return report
