"""Assessments kept in the diary, so the doctor's report can show the latest one."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.assessment.result import AssessmentResult
from nasalis.diary import journal
from nasalis.diary.models import Assessment


def save(session: Session, person_id: int, intake: dict[str, Any], result: AssessmentResult) -> Assessment:
    """Keep an assessment (undo removes it)."""
    stored = json.loads(result.dumps())
    row = Assessment(person_id=person_id, level=result.level, intake=intake, result=stored)
    return journal.add(session, person_id, row, f"assessment: {result.level}")


def latest(session: Session, person_id: int) -> Assessment | None:
    """This person's most recent assessment."""
    query = select(Assessment).where(Assessment.person_id == person_id).order_by(Assessment.id.desc())
    return session.scalars(query.limit(1)).first()
