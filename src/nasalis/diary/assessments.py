"""Assessments kept in the diary, so the doctor's report can show the latest one."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nasalis.assessment.result import AssessmentResult
from nasalis.diary import journal
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import Assessment


def save(session: Session, person_id: int, intake: dict[str, Any], result: AssessmentResult) -> Assessment:
    """Keep an assessment (undo removes it)."""
    stored = json.loads(result.dumps())
    row = Assessment(person_id=person_id, level=result.level, intake=intake, result=stored)
    return journal.add(session, person_id, row, f"assessment: {result.level}")


def _newest_first() -> Any:
    # Ids grow with every insert; `at` alone ties within a second and moves with restores.
    return Assessment.id.desc()


def latest(session: Session, person_id: int) -> Assessment | None:
    """This person's most recent assessment."""
    query = select(Assessment).where(Assessment.person_id == person_id).order_by(_newest_first())
    return session.scalars(query.limit(1)).first()


def count(session: Session, person_id: int) -> int:
    """How many assessments this person has kept."""
    query = select(func.count(Assessment.id)).where(Assessment.person_id == person_id)
    return int(session.scalar(query) or 0)


def list_of(session: Session, person_id: int) -> list[Assessment]:
    """Every assessment this person kept, newest first."""
    query = select(Assessment).where(Assessment.person_id == person_id).order_by(_newest_first())
    return list(session.scalars(query))


def get(session: Session, person_id: int, assessment_id: int) -> Assessment:
    """One of this person's assessments; NotFoundError for a missing id or someone else's."""
    row = session.get(Assessment, assessment_id)
    if row is None or row.person_id != person_id:
        raise NotFoundError(f"no assessment {assessment_id}")
    return row


def delete(session: Session, person_id: int, assessment_id: int) -> Assessment:
    """Delete one of this person's assessments (journalled: undo brings it back); the row deleted."""
    row = get(session, person_id, assessment_id)
    before = journal.snapshot(row)
    session.delete(row)
    session.flush()
    journal.record(
        session,
        person_id,
        "delete",
        Assessment.__tablename__,
        [assessment_id],
        f"assessment of {row.at:%Y-%m-%d} deleted",
        [before],
    )
    return row
