"""The report cut to a period and to chosen sections: what a share link or a clinician sees."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from nasalis.diary import assessments
from nasalis.diary.records import FieldError
from nasalis.report.data import ReportData, gather

SECTIONS = ("summary", "diary", "video", "experiments")
"""The parts of the report that can be chosen, in the order the report shows them."""

SECTION_LABELS = {
    "summary": "Summary: figures, trend, areas and sides, assessment, medicines, triggers, time of day",
    "diary": "Day-by-day diary: the daily record and the months before it",
    "video": "Video measures (with their keyframes)",
    "experiments": "Experiments and their results",
}
"""What each section holds, as the page that chooses them says it."""


class SectionError(FieldError):
    """A section name that the report does not have, or a period that ends before it starts."""


def parse_sections(names: Iterable[str]) -> frozenset[str]:
    """The chosen sections, checked: at least one, each one of SECTIONS."""
    chosen = frozenset(n.strip() for n in names if n.strip())
    unknown = sorted(chosen - set(SECTIONS))
    if unknown:
        raise SectionError("sections", f"no such section {unknown[0]!r} (choose from {', '.join(SECTIONS)})")
    if not chosen:
        raise SectionError("sections", "choose at least one section")
    return chosen


def gather_sections(
    session: Session,
    person_id: int,
    first: dt.date,
    last: dt.date,
    sections: Iterable[str],
    today: dt.date | None = None,
) -> ReportData:
    """One person's report over local dates first..last (both included), showing only `sections`.

    Nothing dated outside the period is read or shown: episodes, days, clips and the assessment
    are those of the period; a medicine is listed when it was taken during it. What a section
    not chosen would show is emptied as well as hidden, so no template slip can leak it.
    """
    if last < first:
        raise SectionError("last", "the period ends before it starts")
    chosen = parse_sections(sections)
    data = gather(session, person_id, since=first, today=today, until=last)
    in_period = [a for a in assessments.list_of(session, person_id) if first <= a.at.date() <= last]
    latest = in_period[0] if in_period else None
    data = dataclasses.replace(
        data,
        sections=chosen,
        period=(first, last),
        assessment=latest.result if latest else None,
        assessed_on=latest.at.date() if latest else None,
        assessment_count=len(in_period),
        medicines=[
            m
            for m in data.medicines
            if (m.started_on is None or m.started_on <= last)
            and (m.stopped_on is None or m.stopped_on >= first)
        ],
    )
    data.insights.experiments = [
        e
        for e in data.insights.experiments
        if str(e["start"]) <= last.isoformat() and str(e["end"]) >= first.isoformat()
    ]
    if "summary" not in chosen:
        data = dataclasses.replace(
            data,
            assessment=None,
            assessed_on=None,
            assessment_count=0,
            medicines=[],
            sources=[],
            cycles=[],
            scores=[],
        )
        if "diary" not in chosen:  # the day-by-day counts are shown by these two only
            data = dataclasses.replace(data, episodes=[], days=[], days_with_check_in=0)
    if "video" not in chosen:
        data = dataclasses.replace(data, video=[], stills=[])
    if "experiments" not in chosen:
        data.insights.experiments = []
    return data
