"""The installable app's shell: the web app manifest, the service worker, the offline page, and
what the reminder Notification asks (is today's check-in still missing?)."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from nasalis.diary import entries, preferences
from nasalis.diary.check_in_done import evening_done
from nasalis.diary.vocab import AREAS, SIDES
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep
from nasalis.web.templating import TEMPLATES, page

router = APIRouter()

STATIC = Path(__file__).parents[1] / "static"
THEME = "#0b5cad"
"""The accent colour of style.css: the phone's status bar and the splash screen match the app."""
OFFLINE_PAGE = "/offline"
SHELL = (
    "/static/style.css",
    "/static/app.js",
    "/static/queue.js",
    "/static/reminder.js",
    "/static/vendor/htmx-2.0.11.min.js",
    "/static/icon.svg",
    "/static/icon-192.png",
    "/static/icon-512.png",
    "/static/icon-maskable-512.png",
    "/manifest.webmanifest",
    OFFLINE_PAGE,
)
"""What the service worker keeps: the app's own files and a page with nobody's data in it. Never a
person's pages or API answers: a shared phone must not show one person's diary from its cache."""
PUBLIC = ("/manifest.webmanifest", "/sw.js", OFFLINE_PAGE)
"""Answered without signing in (the login page links the manifest and installs the worker too):
none of them holds anything of a person."""
INSTALL_TAGS = (
    '<link rel="manifest" href="/manifest.webmanifest">\n<script src="/static/app.js" defer></script>'
)
"""The head of a page not made from base.html (the report, the API docs): the manifest, and
app.js, which registers the service worker, so every page of the app is installable."""
SHELL_TEMPLATES = ("sw.js", "base.html", "offline.html", "_queued_details.html")
"""The templates the worker and the offline page are made from (a change to one is a new shell)."""
ICONS = (
    {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {"src": "/static/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
)


def manifest() -> dict[str, Any]:
    """The web app manifest: what a phone needs to install nasalis and start it like an app."""
    return {
        "id": "/",
        "name": "nasalis: twitch diary",
        "short_name": "nasalis",
        "description": "A private diary for a twitching nose, eyelid or face. Not a diagnosis.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": list(ICONS),
    }


@cache
def shell_version() -> str:
    """A name for this version of the shell: it changes when any shell file or the worker changes,
    so an update replaces the old cache instead of mixing old and new files."""
    digest = hashlib.sha256()
    for name in SHELL_TEMPLATES:
        digest.update((STATIC.parent / "templates" / name).read_bytes())
    for path in SHELL:
        if path.startswith("/static/"):
            digest.update((STATIC / path.removeprefix("/static/")).read_bytes())
    return digest.hexdigest()[:12]


@router.get("/manifest.webmanifest", include_in_schema=False)
async def web_manifest() -> Response:
    """The web app manifest."""
    return JSONResponse(manifest(), media_type="application/manifest+json")


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> Response:
    """The service worker, served from / so that its scope is the whole app."""
    script = TEMPLATES.get_template("sw.js").render(
        version=shell_version(), shell=list(SHELL), offline=OFFLINE_PAGE
    )
    return Response(script, media_type="text/javascript")


@router.get(OFFLINE_PAGE, response_class=HTMLResponse, include_in_schema=False)
async def offline_page(request: Request) -> HTMLResponse:
    """The page the service worker shows for any page while there is no connection: nobody's data."""
    return page(request, "offline.html", {"sides": SIDES, "areas": AREAS})


class ReminderOut(BaseModel):
    """Whether the check-in reminder is due now for the signed-in person."""

    date: str = Field(description="The person's local date, YYYY-MM-DD")
    reminder_time: str = Field(description="Local time HH:MM from which the check-in is asked for")
    check_in_missing: bool = Field(description="Today's evening check-in has nothing in it yet")
    due: bool = Field(description="The reminder time has passed and the check-in is still missing")


@router.get("/api/reminder", response_model=ReminderOut, tags=["diary"], summary="Is the check-in due?")
def reminder(request: Request, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """Today's date, the reminder time and whether today's check-in is still missing."""
    now: dt.datetime = local_now(request)
    with store.read() as session:
        day = entries.day_on(session, viewer.person_id, now.date())
        at = preferences.get(session, viewer.person_id)["reminder_time"]
    missing = not evening_done(day)
    return {
        "date": now.date().isoformat(),
        "reminder_time": at,
        "check_in_missing": missing,
        "due": missing and now.strftime("%H:%M") >= at,
    }
