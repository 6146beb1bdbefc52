"""/api/treatments: treatments given on a day (a botulinum toxin injection, a procedure), with undo.

Scoped to the signed-in person: someone else's id answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from nasalis.diary.records import FieldError
from nasalis.diary.treatment_records import (
    MAX_SITES,
    PRODUCT_MAX,
    UNITS_MAX,
    TreatmentRecord,
    build_treatment,
    treatment_json,
)
from nasalis.diary.treatments import DuplicateTreatmentError, add_treatment, delete_treatment, list_treatments
from nasalis.diary.vocab import Side, TreatmentKind
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import Message, RowId, invalid

router = APIRouter(prefix="/api", tags=["diary"])


class TreatmentIn(BaseModel):
    """A treatment, as the cycles contract defines it."""

    model_config = ConfigDict(extra="forbid")

    date: str = Field(description="The day it was given, YYYY-MM-DD (day 0 of its cycle); not in the future")
    kind: TreatmentKind
    product: str | None = Field(None, max_length=PRODUCT_MAX, examples=["Botox"])
    units: float | None = Field(None, ge=0, le=UNITS_MAX)
    sites: list[str] | None = Field(
        None,
        max_length=MAX_SITES,
        description="Where: the diary's areas where they fit (eyelid), else own words",
    )
    side: Side | None = None
    note: str | None = None


class TreatmentOut(TreatmentIn):
    """A stored treatment."""

    id: int


def _out(treatment_id: int, rec: TreatmentRecord) -> dict[str, Any]:
    return {"id": treatment_id, **treatment_json(rec)}


@router.get("/treatments", response_model=list[TreatmentOut], summary="Treatments, oldest first")
def api_list_treatments(store: StoreDep, viewer: ViewerDep) -> list[dict[str, Any]]:
    """This person's treatments."""
    with store.read() as session:
        return [_out(t.id, t.record) for t in list_treatments(session, viewer.person_id)]


@router.post("/treatments", response_model=TreatmentOut, status_code=201, summary="Record a treatment")
def api_add_treatment(body: TreatmentIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Record a treatment (undo removes it); the same date, kind and product twice is a 422."""
    try:
        rec = build_treatment(body.model_dump(exclude_none=True), text=False)
        with store.write() as session:
            added = add_treatment(session, viewer.person_id, rec)
    except (FieldError, DuplicateTreatmentError) as exc:
        raise invalid(exc.field, exc.message) from None
    return _out(added.id, added.record)


@router.delete("/treatments/{treatment_id}", status_code=204, responses={404: {"model": Message}})
def api_delete_treatment(treatment_id: RowId, store: StoreDep, viewer: WriterDep) -> Response:
    """Delete a treatment (undo brings it back)."""
    with store.write() as session:
        delete_treatment(session, viewer.person_id, treatment_id)
    return Response(status_code=204)
