"""/signup, /login, /logout and /account (password change): server mode only.

Each login starts a fresh session (a token set before login is never reused), so a planted
cookie cannot fixate a session. Cookies are HttpOnly and SameSite=Lax, Secure over HTTPS.

Passwords are hashed and checked in accounts.HASHING, never inside a database transaction:
the routes are `async` so that a login waiting for argon2 holds none of the web server's
threads (which everyone's pages need) and no write lock; each database step is a short
transaction of its own in the thread pool. Every try is counted before it is checked, per
username and per client address (the proxy's X-Forwarded-For when uvicorn trusts it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from nasalis.diary import accounts
from nasalis.diary.records import FieldError
from nasalis.diary.store import Store
from nasalis.web.deps import (
    SESSION_COOKIE,
    AccountDep,
    StoreDep,
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


_T = TypeVar("_T")


async def _hashing(work: Callable[..., _T], *args: object) -> _T:
    """Run argon2 in its own small pool, outside any transaction, without holding a web thread."""
    return await asyncio.wrap_future(accounts.HASHING.submit(work, *args))


def _client(request: Request) -> str:
    return accounts.client_key(request.client.host if request.client else None)


def _in_write(store: Store, work: Callable[..., _T], *args: object) -> _T:
    """One short write transaction (run in the thread pool)."""
    with store.write() as session:
        return work(session, *args)


async def _write(store: Store, work: Callable[..., _T], *args: object) -> _T:
    return await run_in_threadpool(_in_write, store, work, *args)


def _session_cookie(request: Request, token: str, target: str) -> Response:
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


def _finish_login(session: Session, attempt: accounts.LoginAttempt, new_hash: str | None) -> str:
    return accounts.start_session(session, accounts.finish_login(session, attempt, new_hash))


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(require_anonymous_csrf)])
async def login(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password (rate limited per username and per client) and start a new session."""
    try:
        attempt = await _write(store, accounts.begin_login, username, _client(request))
    except accounts.TooManyTriesError as exc:
        return page(request, "login.html", _form(request, next, str(exc)), 429)
    if not await _hashing(accounts.login_matches, attempt, password):
        # The attempt was counted as a failure before the check; nothing more to write.
        return page(request, "login.html", _form(request, next, "wrong username or password"), 401)
    new_hash = await _hashing(accounts.rehashed, attempt, password)
    token = await _write(store, _finish_login, attempt, new_hash)
    return _session_cookie(request, token, next)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request) -> HTMLResponse:
    """The sign-up form (or a note that sign-up is closed)."""
    context = {"open": get_settings(request).signup_open, "error": None, "csrf_token": cookie_csrf(request)}
    return page(request, "signup.html", context)


def _create(session: Session, name: str, password_hash: str) -> str:
    return accounts.start_session(session, accounts.create_account(session, name, password_hash))


@router.post("/signup", response_class=HTMLResponse, dependencies=[Depends(require_anonymous_csrf)])
async def signup(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Create an account with its own empty diary, and sign in.

    A taken name is said so (a person cannot otherwise choose one), but only after the try
    was counted against this client's sign-up limit and the password was hashed, so a taken
    and a free name cost the same time and listing names is slow; past the limit every name
    gets the same answer.
    """
    if not get_settings(request).signup_open:
        return page(request, "signup.html", {"open": False, "error": None}, 403)

    def refused(error: str, status: int) -> Response:
        context = {"open": True, "error": error, "csrf_token": cookie_csrf(request)}
        return page(request, "signup.html", context, status)

    try:
        name = accounts.check_username(username)
        accounts.check_password(password)
        await _write(store, accounts.begin_signup, _client(request))
        password_hash = await _hashing(accounts.hash_password, password)
        token = await _write(store, _create, name, password_hash)
    except accounts.TooManyTriesError as exc:
        return refused(str(exc), 429)
    except FieldError as exc:
        return refused(str(exc), 422)
    return _session_cookie(request, token, "/")


@router.post("/logout")
def logout(request: Request, store: StoreDep, viewer: AccountDep) -> Response:
    """End this session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with store.write() as session:
            accounts.end_session(session, token)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, viewer: AccountDep) -> HTMLResponse:
    """Password change."""
    return page(request, "account.html", {"error": None})


def _set_password(session: Session, person_id: int, check: accounts.PasswordCheck, new_hash: str) -> str:
    accounts.set_password(session, person_id, check, new_hash)
    return accounts.start_session(session, person_id)


@router.post("/account", response_class=HTMLResponse)
async def change_password(
    request: Request,
    store: StoreDep,
    viewer: AccountDep,
    old_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change the password (wrong old ones are limited per account); every session ends, this one anew."""
    try:
        try:
            accounts.check_password(new_password)
        except FieldError as exc:
            raise FieldError("new_password", exc.message) from None
        check = await _write(store, accounts.begin_password_check, viewer.person_id, _client(request))
        if not await _hashing(accounts.password_matches, check.password_hash, old_password):
            raise FieldError("old_password", "is not your current password")
        new_hash = await _hashing(accounts.hash_password, new_password)
        token = await _write(store, _set_password, viewer.person_id, check, new_hash)
    except accounts.TooManyTriesError as exc:
        return page(request, "account.html", {"error": str(exc)}, 429)
    except FieldError as exc:
        return page(request, "account.html", {"error": str(exc)}, 422)
    return _session_cookie(request, token, "/settings?msg=password")
