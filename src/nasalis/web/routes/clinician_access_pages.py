"""/clinicians: a person grants clinicians access (username or one-time code), revokes it, reads the log.

Server mode only, a person's own page (WriterDep: a clinician's session never reaches it).
Revoking takes effect at the next clinician request in any worker: the clinic's routes read
the grant from the database every time.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import clinic
from nasalis.diary.accounts import client_key
from nasalis.diary.records import FieldError
from nasalis.web.deps import FormDep, StoreDep, ViewerDep, WriterDep, get_settings
from nasalis.web.schemas import row_id
from nasalis.web.templating import page


async def _server_mode(request: Request) -> None:
    if not get_settings(request).accounts:
        raise HTTPException(404, "clinicians exist in server mode only: send the report file instead")


router = APIRouter(include_in_schema=False, dependencies=[Depends(_server_mode)])


def _page(
    request: Request,
    store: StoreDep,
    person_id: int,
    errors: dict[str, str],
    values: dict[str, object],
    status: int,
) -> HTMLResponse:
    with store.read() as session:
        grants = clinic.grants_of(session, person_id)
        log = clinic.audit_of(session, person_id)
    context = {"grants": grants, "log": log, "scopes": clinic.SCOPES, "errors": errors, "values": values}
    return page(request, "clinicians.html", context, status)


@router.get("/clinicians", response_class=HTMLResponse)
def clinicians_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """Who may see my diary, what, and who has looked at it and when."""
    return _page(request, store, viewer.person_id, {}, {"scopes": ["summary"]}, 200)


def _scopes(form: FormDep) -> list[str]:
    return [str(s) for s in form.getlist("scopes")][:10]


@router.post("/clinicians", response_class=HTMLResponse)
def grant(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Grant a clinician access by their username or by the code they read out."""
    scopes = _scopes(form)
    clinician = str(form.get("clinician", ""))[:200].strip()
    code = str(form.get("code", ""))[:40].strip()
    values: dict[str, object] = {"scopes": scopes, "clinician": clinician}
    try:
        if code:
            # The try is counted in a write of its own, so a wrong code still counts.
            client = client_key(request.client.host if request.client else None)
            with store.write() as session:
                clinic.begin_redeem(session, viewer.person_id, client)
            with store.write() as session:
                clinic.redeem_code(session, viewer.person_id, code, scopes)
        elif clinician:
            with store.write() as session:
                clinic.grant_by_name(session, viewer.person_id, clinician, scopes)
        else:
            raise clinic.ClinicError("clinician", "give the clinician's username, or the code they gave you")
    except FieldError as exc:
        status = 429 if "too many" in exc.message else 422
        return _page(request, store, viewer.person_id, exc.errors, values, status)
    return RedirectResponse("/clinicians?msg=granted", 303)


@router.post("/clinicians/{grant_id}/revoke")
def revoke(store: StoreDep, viewer: WriterDep, grant_id: str) -> Response:
    """End a grant now: the clinician's next request is refused, in every worker."""
    number = row_id(grant_id)
    if number is None:
        raise HTTPException(404, "no such grant")
    with store.write() as session:
        clinic.revoke(session, viewer.person_id, number)
    return RedirectResponse("/clinicians?msg=access_revoked", 303)
