"""/sharing: a person's read-only links to their report; /shared/{token}: the report a link opens.

The shared page needs no sign-in (the secret in its address is the credential), links nowhere
into the app and registers no service worker: a clinician opening it sees a report, not nasalis.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.config import Settings, app_url
from nasalis.diary import accounts, share_links
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import utcnow
from nasalis.diary.records import FieldError
from nasalis.diary.store import Store
from nasalis.report.render import Link, PdfUnavailableError, to_html, to_pdf
from nasalis.report.sections import SECTION_LABELS, SECTIONS, gather_sections, parse_sections
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep, get_settings
from nasalis.web.routes.report_pages import REPORT_CSP
from nasalis.web.schemas import row_id
from nasalis.web.templating import TEMPLATES, page

router = APIRouter(include_in_schema=False)

DEFAULT_PERIOD_DAYS = 90
"""The period a new link offers: the last 90 days, as the report's daily table lists them."""
SHARED_HEADERS = {
    "content-security-policy": REPORT_CSP,  # no script at all: no service worker, no app
    "referrer-policy": "no-referrer",
    "x-robots-tag": "noindex, nofollow",
    "cache-control": "no-store",
}
"""Headers of every answer under /shared/: nothing leaks the address, nothing is indexed or kept."""
PLAIN = {
    404: ("No such link", "This address opens no shared report. Check that it was copied whole."),
    410: ("This link no longer works", "The person who shared this report has {why} the link."),
    429: (
        "Too many tries",
        "Too many unknown addresses were tried from this network; try again in {minutes} minutes.",
    ),
}
"""The plain pages a shared address answers when it opens no report."""
GONE_WORDS = {"revoked": "revoked", "expired": "let expire"}


def share_address(request: Request, token: str) -> str:
    """The link's full address as this browser reaches the app (or NASALIS_APP_URL)."""
    settings: Settings = get_settings(request)
    base = app_url(settings) if settings.app_url else str(request.base_url)
    return f"{base.rstrip('/')}/shared/{token}"


def _sharing_page(
    request: Request,
    store: Store,
    viewer: Viewer,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
    new_address: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    today = local_now(request).date()
    with store.read() as session:
        links = share_links.links_of(session, viewer.person_id)
    context = {
        "server_mode": get_settings(request).accounts,
        "links": links,
        "now": utcnow(),
        "section_labels": SECTION_LABELS,
        "typed": typed
        or {
            "label": "",
            "first": (today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)).isoformat(),
            "last": today.isoformat(),
            "sections": list(SECTIONS),
            "expires_days": str(share_links.DEFAULT_DAYS),
        },
        "max_days": share_links.MAX_DAYS,
        "errors": errors or {},
        "new_address": new_address,
    }
    response = page(request, "sharing.html", context, status)
    if new_address:
        response.headers["HX-Push-Url"] = "/sharing"  # a reload shows the list, never the secret again
    return response


@router.get("/sharing", response_class=HTMLResponse)
def sharing(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The person's share links, each with its status and openings, and the form for a new one."""
    return _sharing_page(request, store, viewer)


def _date_field(form: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    raw = form.get(name)
    try:
        return dt.date.fromisoformat(raw.strip() if isinstance(raw, str) else "")
    except ValueError:
        errors[name] = "a date like 2026-03-01"
        return None


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/sharing", response_class=HTMLResponse)
def make_link(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> HTMLResponse:
    """Make a link (server mode only) and show its address this once; a bad field is a 422 naming it."""
    if not get_settings(request).accounts:
        return _sharing_page(request, store, viewer, status=404)
    chosen = [v for v in form.getlist("sections") if isinstance(v, str)]
    typed: dict[str, Any] = {name: _text(form, name) for name in ("label", "first", "last", "expires_days")}
    typed["sections"] = chosen
    errors: dict[str, str] = {}
    first = _date_field(form, "first", errors)
    last = _date_field(form, "last", errors)
    if first and last and last < first:
        errors["last"] = "the period ends before it starts"
    sections: frozenset[str] = frozenset()
    days = share_links.DEFAULT_DAYS
    label = ""
    try:
        sections = parse_sections(chosen)
    except FieldError as exc:
        errors[exc.field] = exc.message
    try:
        days = share_links.check_expiry(typed["expires_days"])
    except FieldError as exc:
        errors[exc.field] = exc.message
    try:
        label = share_links.check_label(typed["label"])
    except FieldError as exc:
        errors[exc.field] = exc.message
    if errors or first is None or last is None:
        return _sharing_page(request, store, viewer, errors, typed, status=422)
    ordered = tuple(s for s in SECTIONS if s in sections)
    with store.write() as session:
        _link_id, token = share_links.create(session, viewer.person_id, label, first, last, ordered, days)
    return _sharing_page(request, store, viewer, new_address=share_address(request, token))


@router.post("/sharing/{link_id}/revoke")
def revoke_link(store: StoreDep, viewer: WriterDep, link_id: str) -> Response:
    """Revoke a link: its address answers 410 from the next request on."""
    found = row_id(link_id)
    if found is None:
        raise NotFoundError("no such share link")
    with store.write() as session:
        share_links.revoke(session, viewer.person_id, found)
    return RedirectResponse("/sharing?msg=revoked", 303)


def _plain(status: int, **words: str) -> HTMLResponse:
    title, text = PLAIN[status]
    body = TEMPLATES.get_template("shared_plain.html").render(title=title, text=text.format(**words))
    return HTMLResponse(body, status, headers=SHARED_HEADERS)


@router.get("/shared/{token}")
def shared(
    request: Request,
    store: StoreDep,
    token: str,
    format: Annotated[Literal["html", "pdf"], Query(description="html or pdf")] = "html",
) -> Response:
    """The report a share link opens (read-only, no sign-in); 404 unknown, 410 expired or revoked."""
    if not get_settings(request).accounts:
        return _plain(404)
    address = request.client.host if request.client else None
    client = accounts.client_key(address)
    browser = share_links.browser_family(request.headers.get("user-agent"))
    try:
        with store.write() as session:
            opened = share_links.open_link(session, token, client, browser, share_links.network_of(address))
    except accounts.TooManyTriesError:
        refused = _plain(429, minutes=str(int(accounts.FAILURE_WINDOW.total_seconds() // 60)))
        refused.headers["Retry-After"] = str(int(accounts.FAILURE_WINDOW.total_seconds()))
        return refused
    except share_links.GoneError as gone:
        return _plain(410, why=GONE_WORDS[gone.why])
    if opened is None:
        return _plain(404)
    with store.read() as session:
        data = gather_sections(
            session, opened.person_id, opened.first, opened.last, opened.sections, today=utcnow().date()
        )
    if format == "pdf":
        try:
            pdf = to_pdf(to_html(data))
        except PdfUnavailableError as exc:
            return HTMLResponse(str(exc), 503, headers=SHARED_HEADERS)
        headers = {
            **SHARED_HEADERS,
            "content-disposition": f'attachment; filename="nasalis-report-{data.generated_on}.pdf"',
        }
        return Response(pdf, media_type="application/pdf", headers=headers)
    # Its own address with ?format=pdf: the one link of the page, and it leads nowhere else.
    html = to_html(data, (Link("?format=pdf", "Download the PDF", download=True),))
    return HTMLResponse(html, headers=SHARED_HEADERS)
