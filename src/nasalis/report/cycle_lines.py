"""The report's page-1 lines about treatments: each cycle in words, then the cycles compared."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from nasalis.diary.treatments import list_treatments
from nasalis.insights.cycles_report import load_cycles


def cycle_lines(session: Session, person_id: int, since: dt.date | None, today: dt.date) -> list[str]:
    """ "2026-01-10, Botox: cycle 1: effect from day 6, ..." per treatment; none without treatments."""
    if not list_treatments(session, person_id, since):
        return []  # the analysis is not run for a diary that has no treatment to analyse
    report = load_cycles(session, person_id, since, today)
    lines = [
        f"{c.date}{f', {c.product}' if c.product else ''}: {c.sentence or c.status.replace('_', ' ')}"
        for c in report.cycles
    ]
    return [*lines, report.comparison] if report.comparison else lines
