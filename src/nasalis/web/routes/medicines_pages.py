"""/medicines: the medicines a person takes or took: list, add, mark as stopped (each with undo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from nasalis.diary import entries
from nasalis.diary.models import Medication
from nasalis.diary.records import FieldError, RecordError
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep
from nasalis.web.form_submit import form_text, submit_form
from nasalis.web.schemas import row_id
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

ADD_FIELDS = ("name", "dose", "started")


def _date(raw: str, today: dt.date) -> dt.date | None:
    """A date typed in a form (empty: not known); ValueError with the reason."""
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError("a date like 2026-03-01") from None
    if day > today:
        raise ValueError(f"is in the future (today is {today})")
    return day


def _started(typed: dict[str, str], today: dt.date) -> dt.date | None:
    """The add form's start date once its name and dose are checked; RecordError names each bad field."""
    errors: dict[str, str] = {}
    if not typed["name"]:
        errors["name"] = "give the medicine's name"
    elif len(typed["name"]) > 200:
        errors["name"] = "at most 200 characters"
    if len(typed["dose"]) > 200:
        errors["dose"] = "at most 200 characters"
    started: dt.date | None = None
    try:
        started = _date(typed["started"], today)
    except ValueError as exc:
        errors["started"] = str(exc)
    if errors:
        raise RecordError(errors)
    return started


def _stopped(field: str, raw: str, today: dt.date) -> dt.date:
    """The stop form's date; FieldError on `field` when it is missing or wrong."""
    try:
        stopped = _date(raw, today)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None
    if stopped is None:
        raise FieldError(field, "give the day you stopped it")
    return stopped


def _medicines_page(
    request: Request,
    store: StoreDep,
    viewer: Viewer,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    with store.read() as session:
        meds = entries.medications_of(session, viewer.person_id)
        shown = [_shown(m) for m in meds]
    context = {
        "taking": [m for m in shown if m["stopped_on"] is None],
        "stopped": [m for m in shown if m["stopped_on"] is not None],
        "today": local_now(request).date().isoformat(),
        "typed": typed or {},
        "errors": errors or {},
    }
    return page(request, "medicines.html", context, 422 if errors else 200)


def _shown(med: Medication) -> dict[str, Any]:
    """A medicine as the page lists it (read inside the session)."""
    same = med.matched is None or med.matched.casefold() == med.name.casefold()
    return {
        "id": med.id,
        "name": med.name,
        "matched": None if same else med.matched,
        "dose": med.dose,
        "started_on": med.started_on,
        "stopped_on": med.stopped_on,
    }


@router.get("/medicines", response_class=HTMLResponse)
def medicines(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The medicines list: those taken now, then those stopped."""
    return _medicines_page(request, store, viewer)


@router.post("/medicines", response_class=HTMLResponse)
def add_medicine(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Add a medicine (undo takes it away again)."""
    typed = {name: form_text(form, name) for name in ADD_FIELDS}
    return submit_form(
        store,
        viewer,
        lambda: _started(typed, local_now(request).date()),
        lambda session, started: entries.add_medication(
            session, viewer.person_id, typed["name"], typed["dose"] or None, started
        ),
        lambda errors: _medicines_page(request, store, viewer, errors, typed),
        "/medicines",
    )


@router.post("/medicines/stop", response_class=HTMLResponse)
def stop_medicine(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Record the day a medicine was stopped (undo puts it back on the list)."""
    raw_id = form_text(form, "medication")
    if row_id(raw_id) is None:
        raise entries.NotFoundError("no such medicine")
    field = f"stopped-{raw_id}"
    typed = {field: form_text(form, "stopped")}

    def stop(session: Session, stopped: dt.date) -> None:
        try:
            entries.stop_medication(session, viewer.person_id, int(raw_id), stopped)
        except ValueError as exc:  # the diary's check (a stop before its start) names its own field
            raise FieldError(field, str(exc).removeprefix("stopped: ")) from None

    return submit_form(
        store,
        viewer,
        lambda: _stopped(field, typed[field], local_now(request).date()),
        stop,
        lambda errors: _medicines_page(request, store, viewer, errors, typed),
        "/medicines",
    )
