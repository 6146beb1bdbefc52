"""Treatments in the diary: a botulinum toxin injection or a procedure on a day, with undo.

Each treatment starts a cycle that `nasalis cycles` analyses. Medicines (starts, stops, dose
changes) stay in the diary's medications; these are the treatments given on one day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import Treatment
from nasalis.diary.records import FieldError
from nasalis.diary.treatment_records import KINDS as KINDS
from nasalis.diary.treatment_records import TreatmentRecord as TreatmentRecord
from nasalis.diary.treatment_records import build_treatment as build_treatment


@dataclass(frozen=True)
class ListedTreatment:
    """A stored treatment: its id (for delete) and its record."""

    id: int
    record: TreatmentRecord

    @property
    def date(self) -> dt.date:
        """The day it was given (day 0 of its cycle)."""
        return self.record.date

    @property
    def kind(self) -> str:
        """botulinum_toxin, procedure or other."""
        return self.record.kind


class DuplicateTreatmentError(FieldError):
    """The same treatment (date, kind, product) is already in the diary."""


def treatment_row(person_id: int, rec: TreatmentRecord) -> dict[str, object]:
    """Column values of a treatment record."""
    return {
        "person_id": person_id,
        "date": rec.date,
        "kind": rec.kind,
        "product": rec.product,
        "units": rec.units,
        "sites": list(rec.sites) if rec.sites is not None else None,
        "side": rec.side,
        "note": rec.note,
    }


def treatment_record(row: Treatment) -> TreatmentRecord:
    """The record of a stored treatment."""
    return TreatmentRecord(
        date=row.date,
        kind=row.kind,
        product=row.product,
        units=row.units,
        sites=tuple(row.sites) if row.sites is not None else None,
        side=row.side,
        note=row.note,
    )


def label(rec: TreatmentRecord) -> str:
    """How a change to this treatment is named to the person (undo messages)."""
    what = rec.kind.replace("_", " ")
    return f"treatment {what}{f' ({rec.product})' if rec.product else ''} on {rec.date}"


def _rows(session: Session, person_id: int) -> list[Treatment]:
    query = select(Treatment).where(Treatment.person_id == person_id)
    return list(session.scalars(query.order_by(Treatment.date, Treatment.id)))


def existing_keys(session: Session, person_id: int) -> set[tuple[dt.date, str, str]]:
    """The natural keys of this person's treatments (import skips those)."""
    return {treatment_record(row).key() for row in _rows(session, person_id)}


def add_treatment(session: Session, person_id: int, rec: TreatmentRecord) -> ListedTreatment:
    """Record a treatment (undo removes it); DuplicateTreatmentError if the same one is there."""
    if rec.key() in existing_keys(session, person_id):
        raise DuplicateTreatmentError("date", f"{label(rec)} is already in the diary")
    row = journal.add(session, person_id, Treatment(**treatment_row(person_id, rec)), label(rec))
    return ListedTreatment(row.id, rec)


def list_treatments(session: Session, person_id: int, since: dt.date | None = None) -> list[ListedTreatment]:
    """This person's treatments, oldest first (from `since` on, when given)."""
    return [
        ListedTreatment(row.id, treatment_record(row))
        for row in _rows(session, person_id)
        if since is None or row.date >= since
    ]


def delete_treatment(session: Session, person_id: int, treatment_id: int) -> TreatmentRecord:
    """Delete one of this person's treatments (undo brings it back); NotFoundError if not theirs."""
    row = session.get(Treatment, treatment_id)
    if row is None or row.person_id != person_id:
        raise NotFoundError(f"no treatment {treatment_id}")
    rec = treatment_record(row)
    before = journal.snapshot(row)
    session.delete(row)
    session.flush()
    journal.record(
        session, person_id, "delete", "treatments", [treatment_id], f"{label(rec)} deleted", [before]
    )
    return rec
