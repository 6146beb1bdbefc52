"""/clinic: a clinician's dashboard, one-time codes, a person's report within the grant, scores.

Server mode only. Every route here depends on ClinicianDep (a person's session gets 403), and
each one that shows a person reads the grant from the database first (clinic.access): nothing
is cached, so a grant revoked in another worker a moment ago is refused here. A clinician reads
and never writes a diary, with one exception: a clinician-rated score. Every view of a person
and every score goes in that person's audit log. A view another site's link led to is logged as
such and changes nothing else: a cross-site GET must not clear the dashboard's "new" marks.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from nasalis.diary import clinic, clinic_rows, clinician_scores
from nasalis.diary.models import Account
from nasalis.diary.records import FieldError
from nasalis.report.render import Link, to_html
from nasalis.report.sections import SectionError, gather_sections
from nasalis.web.clock import local_now
from nasalis.web.deps import (
    ClinicianDep,
    ClinicianWriterDep,
    FormDep,
    StoreDep,
    get_settings,
    led_from_another_site,
)
from nasalis.web.routes.report_pages import REPORT_CSP
from nasalis.web.sparkline import sparkline
from nasalis.web.templating import page

REPORT_SECTIONS = {"summary": ("summary", "experiments"), "diary": ("diary",), "videos": ("video",)}
"""Which of the report's sections (nasalis.report.sections.SECTIONS) each scope opens."""
DEFAULT_PERIOD = dt.timedelta(days=365)
"""The report's period when the clinician names none: the last year."""
NO_STORE = {"cache-control": "no-store"}
"""A clinician's view of a person is never kept by the browser: after a revocation, Back shows nothing."""


async def _server_mode(request: Request) -> None:
    if not get_settings(request).accounts:
        raise HTTPException(404, "clinicians exist in server mode only")


router = APIRouter(include_in_schema=False, dependencies=[Depends(_server_mode)])


def sections_of(scopes: tuple[str, ...]) -> list[str]:
    """The report sections a grant's scopes open."""
    return [section for scope in scopes for section in REPORT_SECTIONS[scope]]


def _dashboard(
    request: Request, store: StoreDep, viewer: ClinicianDep, code: str | None = None
) -> HTMLResponse:
    today = local_now(request).date()
    detail = clinic.FROM_ANOTHER_SITE if led_from_another_site(request) else None
    with store.read() as session:
        rows = clinic_rows.dashboard(session, viewer.person_id, today)
    if rows:
        with store.write() as session:
            for row in rows:  # a revoked grant's row is gone already: access checks it again
                try:
                    clinic.access(session, viewer.person_id, row.grant.person_id)
                except LookupError:
                    continue
                clinic.record(session, row.grant.person_id, viewer.person_id, "dashboard", detail)
    lines = [(row, sparkline(row.weekly_rate, "twitches per day")) for row in rows]
    context = {
        "rows": lines,
        "code": code,
        "scopes": clinic.SCOPES,
        "lifetime_h": 24,
        "weeks": clinic_rows.WEEKS,
    }
    response = page(request, "clinic.html", context)
    response.headers.update(NO_STORE)
    return response


@router.get("/clinic", response_class=HTMLResponse)
def clinic_page(request: Request, store: StoreDep, viewer: ClinicianDep) -> HTMLResponse:
    """The clinician's dashboard: the people who grant access now, the most urgent first."""
    return _dashboard(request, store, viewer)


@router.post("/clinic/codes", response_class=HTMLResponse)
def make_code(request: Request, store: StoreDep, viewer: ClinicianWriterDep) -> HTMLResponse:
    """Make a one-time code to read aloud; it is shown on this answer only (never in an address)."""
    with store.write() as session:
        code = clinic.make_code(session, viewer.person_id)
    return _dashboard(request, store, viewer, code)


def _period(request: Request, first: str | None, last: str | None) -> tuple[dt.date, dt.date]:
    today = local_now(request).date()
    try:
        end = dt.date.fromisoformat(last) if last else today
    except ValueError:
        raise HTTPException(422, "last: a date YYYY-MM-DD") from None
    try:
        start = dt.date.fromisoformat(first) if first else end - DEFAULT_PERIOD
    except ValueError:
        raise HTTPException(422, "first: a date YYYY-MM-DD") from None
    return start, end


@router.get("/clinic/people/{person_id}/report")
def person_report(
    request: Request,
    store: StoreDep,
    viewer: ClinicianDep,
    person_id: int,
    first: Annotated[str | None, Query(max_length=10)] = None,
    last: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """One person's report, only the sections their grant opens (404 without a live grant)."""
    start, end = _period(request, first, last)
    elsewhere = led_from_another_site(request)
    with store.write() as session:
        grant = clinic.access(session, viewer.person_id, person_id)
        scopes = ", ".join(grant.scopes)
        detail = f"{scopes}; {clinic.FROM_ANOTHER_SITE}" if elsewhere else scopes
        clinic.record(session, person_id, viewer.person_id, "report", detail)
        if not elsewhere:
            clinic.mark_seen(session, grant.id)
    with store.read() as session:
        grant = clinic.access(session, viewer.person_id, person_id)  # revoked in between: refused
        try:
            data = gather_sections(session, person_id, start, end, sections_of(grant.scopes), today=end)
        except SectionError as exc:
            raise HTTPException(422, str(exc)) from None
    links = (
        Link(f"/clinic/people/{person_id}/scores", "Record a clinician-rated score"),
        Link("/clinic", "Back to the clinic"),
    )
    headers = {"content-security-policy": REPORT_CSP, **NO_STORE}
    return Response(to_html(data, links), media_type="text/html; charset=utf-8", headers=headers)


def _score_form(
    request: Request, grant: clinic.Grant, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    context = {
        "grant": grant,
        "values": values,
        "errors": errors,
        "suggestions": clinician_scores.SCALE_SUGGESTIONS,
    }
    response = page(request, "clinic_score.html", context, status)
    response.headers.update(NO_STORE)
    return response


@router.get("/clinic/people/{person_id}/scores", response_class=HTMLResponse)
def score_page(request: Request, store: StoreDep, viewer: ClinicianDep, person_id: int) -> HTMLResponse:
    """The form for a clinician-rated score (404 without a live grant)."""
    with store.read() as session:
        grant = clinic.access(session, viewer.person_id, person_id)
    return _score_form(request, grant, {"rated_on": local_now(request).date().isoformat()}, {})


@router.post("/clinic/people/{person_id}/scores", response_class=HTMLResponse)
def add_score(
    request: Request, store: StoreDep, viewer: ClinicianWriterDep, form: FormDep, person_id: int
) -> Response:
    """Record a clinician-rated score for a person who grants access, attributed to this clinician."""
    values = {k: str(form.get(k, ""))[:2000] for k in ("scale", "value", "rated_on", "note")}
    with store.write() as session:
        grant = clinic.access(session, viewer.person_id, person_id)
        try:
            record = clinician_scores.build_score(
                values["scale"],
                values["value"],
                values["rated_on"],
                rated_by=viewer.username,
                source="clinic",
                note=values["note"] or None,
            )
        except FieldError as exc:  # nothing was written yet
            return _score_form(request, grant, values, exc.errors, 422)
        account = session.scalar(select(Account.id).where(Account.person_id == viewer.person_id))
        row = clinician_scores.record_score(session, person_id, record, entered_by_account=account)
        clinic.record(session, person_id, viewer.person_id, "score", clinician_scores.label(row))
    response = page(request, "clinic_score.html", {"grant": grant, "saved": True, "values": {}, "errors": {}})
    response.headers.update(NO_STORE)
    return response
