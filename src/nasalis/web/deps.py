"""Request dependencies: the store, who is asking, and the CSRF check.

Personal mode (loopback, no accounts): the one local person, and a double-submit CSRF
cookie whose token is signed with this installation's secret (any page on 127.0.0.1, whatever
its port, can plant a cookie, but cannot sign one). Server mode: a session cookie looked up in
the database (no state in a worker); anonymous pages redirect to /login and the API answers 401.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from nasalis.config import Settings
from nasalis.diary.accounts import signed_in, touch_session
from nasalis.diary.store import Store

SESSION_COOKIE = "nasalis_session"
CSRF_COOKIE = "nasalis_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_CSRF_REFUSED = "missing or wrong CSRF token: reload the page and try again"
_CROSS_ORIGIN_REFUSED = "refused: this request came from another site or page, not from nasalis"
_NONCE = re.compile(r"[A-Za-z0-9_-]{32,64}")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class NotSignedInError(Exception):
    """Server mode, and no valid session: pages go to /login, the API answers 401."""


class ClinicianHereError(Exception):
    """A clinician's session on a person's route: pages read go to /clinic, anything else is 403."""


CLINICIAN = "clinician"
"""The role of a clinician account (nasalis.diary.clinic.CLINICIAN)."""


@dataclass(frozen=True)
class Viewer:
    """The person a request acts for."""

    person_id: int
    username: str | None
    csrf: str
    role: str = "person"
    """`clinician` for a clinician account: only the clinic's routes (ClinicianDep) serve it."""


# The dependencies below are `async def`: FastAPI runs a plain `def` dependency in the thread
# pool, one thread hop per dependency per request, which under 50 concurrent requests costs
# more than the work itself. None of them touches the database on the event loop: server
# mode's session lookup (and its hourly touch, which waits for the write lock) and personal
# mode's first look-up of the local person run in the thread pool; after that personal mode
# needs no database at all.


def get_store(request: Request) -> Store:
    """The app's diary store."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def cookie_csrf(request: Request) -> str:
    """This browser's CSRF token: the server's signature of the random nonce in its cookie."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if not _NONCE.fullmatch(nonce):
        nonce = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = nonce  # the middleware sets the cookie on the response
    secret: bytes = request.app.state.secret
    return hmac.new(secret, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def optional_viewer(request: Request) -> Viewer | None:
    """Who is asking, or None when server mode has no valid session."""
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    store = get_store(request)
    viewer: Viewer | None = None
    if get_settings(request).accounts:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            with store.read() as session:
                who = signed_in(session, token)
            if who is not None and who.stale:
                # At most hourly per session: the idle timeout counts from this.
                with store.write() as session:
                    touch_session(session, token)
            if who is not None:
                viewer = Viewer(who.person_id, who.username, who.csrf, who.role)
    else:
        viewer = Viewer(store.person_id(), None, cookie_csrf(request))
        request.app.state.local_person_known = True  # cached in the store from now on
    request.state.viewer = viewer
    return viewer


def viewer_of(request: Request) -> Viewer:
    """The viewer a dependency already found for this request."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    if viewer is None:
        raise NotSignedInError()
    return viewer


def _needs_database(request: Request) -> bool:
    if getattr(request.state, "viewer", None) is not None:
        return False
    return get_settings(request).accounts or not getattr(request.app.state, "local_person_known", False)


async def find_viewer(request: Request) -> Viewer | None:
    """optional_viewer, with any database work in the thread pool, off the event loop."""
    if _needs_database(request):
        return await run_in_threadpool(optional_viewer, request)
    return optional_viewer(request)


async def signed_in_viewer(request: Request) -> Viewer:
    """Who is asking, whatever their role; NotSignedInError in server mode without a valid session."""
    viewer = await find_viewer(request)
    if viewer is None:
        raise NotSignedInError()
    return viewer


async def current_viewer(request: Request) -> Viewer:
    """The person asking about their own diary; a clinician's session is refused (ClinicianHereError).

    Every person route depends on this (ViewerDep, WriterDep), so a clinician, who reads only
    through /clinic within what a person granted, can neither read nor change anything here.
    """
    viewer = await signed_in_viewer(request)
    if viewer.role == CLINICIAN:
        raise ClinicianHereError()
    return viewer


async def current_clinician(request: Request) -> Viewer:
    """The clinician asking; a person's session gets 403 (the clinic's pages are not theirs)."""
    viewer = await signed_in_viewer(request)
    if viewer.role != CLINICIAN:
        raise HTTPException(403, "this page is for clinician accounts")
    return viewer


def _same_origin(request: Request) -> bool:
    """Not a browser's request from another origin: no Origin or one of this server's allowed
    hosts (never one built from the request's own Host), and no same-site or cross-site label."""
    origin = request.headers.get("origin")
    if origin is not None:
        scheme, _, netloc = origin.partition("://")
        hosts: frozenset[str] = request.app.state.hosts
        if scheme not in ("http", "https") or netloc.lower() not in hosts:
            return False
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def led_from_another_site(request: Request) -> bool:
    """The browser says another site (or another origin) led here: a GET it sent then changes nothing."""
    return not _same_origin(request)


def _matches(sent: str | None, token: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), token.encode())


async def _sent_token(request: Request) -> str | None:
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent


async def _checked(request: Request, viewer: Viewer) -> Viewer:
    """Refuse a state-changing request that does not carry this viewer's CSRF token.

    The token comes in the form field `csrf_token` or the `X-CSRF-Token` header. Whatever the
    token, a request a browser marks as coming from another origin (Origin, Sec-Fetch-Site) is
    refused: a page on another loopback port is same-site, and cookies do not tell ports apart.
    In personal mode an API call from a program (no Origin, or an allowed one, and no
    Sec-Fetch-Site label) needs no token: there is no session for another site to ride on.
    """
    if request.method in SAFE_METHODS:
        return viewer
    if not _same_origin(request):
        raise HTTPException(403, _CROSS_ORIGIN_REFUSED)
    if _matches(await _sent_token(request), viewer.csrf):
        return viewer
    if not get_settings(request).accounts and request.url.path.startswith("/api/"):
        return viewer
    raise HTTPException(403, _CSRF_REFUSED)


async def require_csrf(request: Request, viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    """A person's state-changing request, with its CSRF token checked (see _checked)."""
    return await _checked(request, viewer)


async def require_account_csrf(
    request: Request, viewer: Annotated[Viewer, Depends(signed_in_viewer)]
) -> Viewer:
    """Any signed-in account's own session or password change, with its CSRF token checked."""
    return await _checked(request, viewer)


async def require_clinician_csrf(
    request: Request, viewer: Annotated[Viewer, Depends(current_clinician)]
) -> Viewer:
    """A clinician's own request that changes something (a code, a score), CSRF checked."""
    return await _checked(request, viewer)


async def require_anonymous_csrf(request: Request) -> None:
    """Refuse a sign-in or sign-up form from another origin, or without this browser's signed token."""
    if not _same_origin(request):
        raise HTTPException(403, _CROSS_ORIGIN_REFUSED)
    if not _matches(await _sent_token(request), cookie_csrf(request)):
        raise HTTPException(403, _CSRF_REFUSED)


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
WriterDep = Annotated[Viewer, Depends(require_csrf)]
AccountDep = Annotated[Viewer, Depends(require_account_csrf)]
"""Any role: signing out and changing one's password are every account's own."""
ClinicianDep = Annotated[Viewer, Depends(current_clinician)]
ClinicianWriterDep = Annotated[Viewer, Depends(require_clinician_csrf)]


async def _store_dependency(request: Request) -> Store:
    return get_store(request)


StoreDep = Annotated[Store, Depends(_store_dependency)]


async def _form(request: Request) -> FormData:
    # Reading the body must await; the route that uses it can then be a plain `def`, so its
    # database work runs in the thread pool and never on the event loop.
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]
