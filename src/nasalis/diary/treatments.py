"""Treatments in the diary: a botulinum toxin injection or a procedure on a day, with undo.

Each treatment starts a cycle that `nasalis cycles` analyses. Medicines (starts, stops, dose
changes) stay in the diary's medications; these are the treatments given on one day.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import Treatment
from nasalis.diary.records import FieldError, RecordError, Rule, read_value, refuse_future_date
from nasalis.diary.vocab import AREAS, SIDES

TreatmentKind = Literal["botulinum_toxin", "procedure", "other"]
KINDS: tuple[str, ...] = typing.get_args(TreatmentKind)
"""The kinds of the contract (`nasalis treatment add KIND`)."""

UNITS_MAX = 2000.0
"""The most units one record may carry: far above any dose given in one session."""
MAX_SITES = 20

TREATMENT_RULES: dict[str, Rule] = {
    "date": Rule("date", required=True),
    "kind": Rule("choice", options=KINDS, required=True),
    "product": Rule("text"),
    "units": Rule("number", low=0, high=UNITS_MAX),
    "sites": Rule("labels", high=MAX_SITES),
    "side": Rule("choice", options=SIDES),
    "note": Rule("text"),
}
"""How each field of a treatment is read, in the column order of treatments.csv."""

PRODUCT_MAX = 200


@dataclass(frozen=True)
class TreatmentRecord:
    """One treatment as the contract defines it."""

    date: dt.date
    kind: str
    product: str | None = None
    units: float | None = None
    sites: tuple[str, ...] | None = None
    """Where it was given: the intake's areas where they fit (eyelid, cheek), else as written."""
    side: str | None = None
    note: str | None = None

    def key(self) -> tuple[dt.date, str, str]:
        """The natural key (date, kind, product) that makes a re-import add nothing."""
        return (self.date, self.kind, (self.product or "").strip().casefold())


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


def _site(label: str) -> str:
    """An area of the intake's vocabulary when the label names one (any case), else the label."""
    lowered = label.strip().lower()
    return lowered if lowered in AREAS else label.strip()


def build_treatment(
    values: Mapping[str, object], *, text: bool, now: dt.datetime | None = None
) -> TreatmentRecord:
    """A treatment from a row, a form or JSON; RecordError names every bad field; never in the future."""
    unknown = [k for k in values if k not in TREATMENT_RULES]
    if unknown:
        raise FieldError(unknown[0], f"is not a treatment field (known: {', '.join(TREATMENT_RULES)})")
    checked: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, rule in TREATMENT_RULES.items():
        try:
            checked[name] = read_value(name, rule, values.get(name), text=text)
        except FieldError as exc:
            errors[name] = exc.message
    product = checked.get("product")
    if isinstance(product, str):
        product = product.strip()
        if len(product) > PRODUCT_MAX or "\n" in product:
            errors["product"] = f"must be one line of at most {PRODUCT_MAX} characters"
        checked["product"] = product or None
    date = checked.get("date")
    if isinstance(date, dt.date):
        try:
            refuse_future_date("date", date, now)
        except FieldError as exc:
            errors["date"] = exc.message
    if errors:
        raise RecordError(errors)
    sites = checked["sites"]
    return TreatmentRecord(
        date=typing.cast(dt.date, checked["date"]),
        kind=typing.cast(str, checked["kind"]),
        product=typing.cast("str | None", checked["product"]),
        units=typing.cast("float | None", checked["units"]),
        sites=tuple(dict.fromkeys(_site(s) for s in typing.cast(tuple[str, ...], sites))) if sites else None,
        side=typing.cast("str | None", checked["side"]),
        note=typing.cast("str | None", checked["note"]),
    )


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
