"""The calendar feed (GET /calendar/{token}.ics, no sign-in: the secret is the credential) and
the Settings page's reminder section (time zone, e-mail opt-in, the feed's address)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.config import Settings, app_url
from nasalis.diary import accounts, reminder_settings
from nasalis.diary.models import utcnow
from nasalis.diary.records import FieldError
from nasalis.diary.store import Store
from nasalis.insights import calendar_feed
from nasalis.web.deps import StoreDep, WriterDep, get_settings
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

NO_FEED = "no such calendar"
"""The one answer for an unknown, revoked or malformed address: none of them says which."""


def feed_address(request: Request, token: str) -> str:
    """The feed's full address as this browser reaches the app (or NASALIS_APP_URL)."""
    settings: Settings = get_settings(request)
    base = app_url(settings) if settings.app_url else str(request.base_url)
    return f"{base.rstrip('/')}/calendar/{token}.ics"


def section(store: Store, person_id: int, settings: Settings, feed_url: str | None = None) -> dict[str, Any]:
    """What the Settings page's reminder section shows."""
    with store.read() as session:
        view = reminder_settings.get(session, person_id)
    return {
        "reminders": view,
        "zones": sorted(reminder_settings.zones()),
        "email_offered": settings.accounts,
        "smtp_ready": bool(settings.smtp_host),
        "feed_url": feed_url,
        "webcal_url": feed_url and "webcal://" + feed_url.split("://", 1)[1],
    }


def _settings_page(request: Request, store: Store, person_id: int, **extra: Any) -> dict[str, Any]:
    # The whole Settings page, as its own route shows it, with this section's extras.
    from nasalis.web.routes.transfer_pages import settings_context

    context = settings_context(request, store, person_id)
    context.update(section(store, person_id, get_settings(request), extra.pop("feed_url", None)))
    context.update(extra)
    return context


@router.get("/calendar/{token}.ics")
def calendar(request: Request, store: StoreDep, token: str) -> Response:
    """The person's calendar feed; 404 for any address that opens none (429 after many such misses)."""
    client = accounts.client_key(request.client.host if request.client else None)
    try:
        with store.write() as session:
            owner = reminder_settings.feed_owner(session, token, client)
            body = None
            if owner is not None:
                body = calendar_feed.build(session, owner, utcnow(), app_url(get_settings(request)))
    except accounts.TooManyTriesError as exc:
        refused = page(request, "error.html", {"status": 429, "detail": str(exc)}, 429)
        refused.headers["Retry-After"] = str(int(accounts.FAILURE_WINDOW.total_seconds()))
        return refused
    if body is None:
        raise HTTPException(404, NO_FEED)
    headers = {
        "Cache-Control": "private, max-age=300",
        "Content-Disposition": 'inline; filename="nasalis.ics"',
    }
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.post("/settings/reminders", response_class=HTMLResponse)
def save_reminders(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    time_zone: Annotated[str, Form(max_length=64)],
    email: Annotated[str, Form(max_length=300)] = "",
    email_on: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Save the time zone and the e-mail opt-in; a bad field is a 422 naming it, nothing saved."""
    try:
        with store.write() as session:
            reminder_settings.save(session, viewer.person_id, time_zone, email, email_on == "1")
    except FieldError as exc:
        typed = reminder_settings.ReminderView(time_zone, False, email, email_on == "1")
        context = _settings_page(request, store, viewer.person_id, errors=exc.errors)
        context["reminders"] = typed
        return page(request, "settings.html", context, 422)
    return RedirectResponse("/settings?msg=settings#reminders", 303)


@router.post("/settings/calendar", response_class=HTMLResponse)
def new_calendar(request: Request, store: StoreDep, viewer: WriterDep) -> HTMLResponse:
    """Make a new feed address (the old one stops at once) and show it, this once."""
    with store.write() as session:
        token = reminder_settings.new_feed(session, viewer.person_id)
    context = _settings_page(request, store, viewer.person_id, feed_url=feed_address(request, token))
    response = page(request, "settings.html", context)
    response.headers["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    response.headers["HX-Push-Url"] = "/settings"  # a reload shows the page, not a second new address
    return response


@router.post("/settings/calendar/off")
def calendar_off(store: StoreDep, viewer: WriterDep) -> Response:
    """Turn the feed off: its address stops working at once."""
    with store.write() as session:
        reminder_settings.feed_off(session, viewer.person_id)
    return RedirectResponse("/settings?msg=calendar_off#reminders", 303)
