"""/signup, /login, /logout and /account (password change): server mode only.

Each login starts a fresh session (a token set before login is never reused), so a planted
cookie cannot fixate a session. Cookies are HttpOnly and SameSite=Lax, Secure over HTTPS.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import accounts
from nasalis.diary.records import FieldError
from nasalis.web.deps import (
    SESSION_COOKIE,
    StoreDep,
    WriterDep,
    cookie_csrf,
    get_settings,
    require_anonymous_csrf,
)
from nasalis.web.templating import page


async def _server_mode(request: Request) -> None:
    if not get_settings(request).accounts:
        raise HTTPException(404, "accounts are off: this is personal mode, no login needed")


router = APIRouter(include_in_schema=False, dependencies=[Depends(_server_mode)])


def _safe_next(target: str | None) -> str:
    """Only a local path: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _signed_in_response(request: Request, store: StoreDep, person_id: int, target: str) -> Response:
    with store.write() as session:
        token = accounts.start_session(session, person_id)
    response = RedirectResponse(_safe_next(target), 303)
    secure = request.url.scheme == "https" or get_settings(request).secure_cookies
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=accounts.SESSION_DAYS * 86_400,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    return response


def _form(request: Request, target: str, error: str | None) -> dict[str, object]:
    return {"next": _safe_next(target), "error": error, "csrf_token": cookie_csrf(request)}


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return page(request, "login.html", _form(request, next, None))


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(require_anonymous_csrf)])
def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password (rate limited per username) and start a new session."""
    try:
        with store.write() as session:
            person_id = accounts.verify_login(session, username, password)
    except accounts.TooManyTriesError as exc:
        return page(request, "login.html", _form(request, next, str(exc)), 429)
    except accounts.AuthError as exc:
        # The failure must be counted even though the login fails: record it on its own.
        with store.write() as session:
            session.add(accounts.failure(username))
        return page(request, "login.html", _form(request, next, str(exc)), 401)
    return _signed_in_response(request, store, person_id, next)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request) -> HTMLResponse:
    """The sign-up form (or a note that sign-up is closed)."""
    context = {"open": get_settings(request).signup_open, "error": None, "csrf_token": cookie_csrf(request)}
    return page(request, "signup.html", context)


@router.post("/signup", response_class=HTMLResponse, dependencies=[Depends(require_anonymous_csrf)])
def signup(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Create an account with its own empty diary, and sign in."""
    if not get_settings(request).signup_open:
        return page(request, "signup.html", {"open": False, "error": None}, 403)
    try:
        with store.write() as session:
            person_id = accounts.create_account(session, username, password)
    except FieldError as exc:
        context = {"open": True, "error": str(exc), "csrf_token": cookie_csrf(request)}
        return page(request, "signup.html", context, 422)
    return _signed_in_response(request, store, person_id, "/")


@router.post("/logout")
def logout(request: Request, store: StoreDep, viewer: WriterDep) -> Response:
    """End this session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with store.write() as session:
            accounts.end_session(session, token)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, viewer: WriterDep) -> HTMLResponse:
    """Password change."""
    return page(request, "account.html", {"error": None})


@router.post("/account", response_class=HTMLResponse)
def change_password(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    old_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change the password; every session ends, and this browser gets a fresh one."""
    try:
        with store.write() as session:
            accounts.change_password(session, viewer.person_id, old_password, new_password)
    except FieldError as exc:
        return page(request, "account.html", {"error": str(exc)}, 422)
    return _signed_in_response(request, store, viewer.person_id, "/settings?msg=password")
