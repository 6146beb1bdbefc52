"""Accounts of server mode: sign-up, login with rate limiting, sessions, password change.

Passwords are hashed with argon2id. A session cookie carries a random token; only its
SHA-256 is stored, so a copy of the database does not let anyone sign in. All state lives in
the database, so any number of web workers can share it: sessions, and the counted attempts
(logins, sign-ups, current-password checks) that the limits per username and per client
address are taken from. A try is counted before its password is checked, in a short write
of its own; the argon2 work runs outside any transaction (see HASHING).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import os
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nasalis.diary.models import Account, LoginFailure, Person, WebSession, utcnow
from nasalis.diary.records import FieldError

SESSION_DAYS = 30
"""A session ends this long after its login, however much it is used."""
SESSION_IDLE = dt.timedelta(days=14)
"""A session unused this long ends (a forgotten browser on a shared computer)."""
TOUCH_EVERY = dt.timedelta(hours=1)
"""How stale a session's last_seen_at may be before a request updates it (not a write per request)."""
MAX_FAILURES = 5
"""Failed logins for one username from one client within FAILURE_WINDOW before it must wait."""
MAX_FAILURES_PER_USERNAME = 50
"""Failed logins for one username from all clients together (guessing from many addresses)."""
MAX_FAILURES_PER_CLIENT = 20
"""Failed logins from one client over all usernames (one password sprayed over many names)."""
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_PASSWORD_CHECKS = 5
"""Wrong current passwords on /account per account within FAILURE_WINDOW (a stolen session
must not be able to guess the password and lock the owner out)."""
MAX_SIGNUPS_PER_CLIENT = 10
"""Sign-up tries from one client within SIGNUP_WINDOW: each one may learn whether a name is taken."""
SIGNUP_WINDOW = dt.timedelta(hours=1)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")
_HASHER = PasswordHasher()
# Verifying against this when a username does not exist takes as long as a real check,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash("not a real password")


def _yield_the_cpu() -> None:
    """Run this hashing thread (and the lane threads argon2 starts from it) at a lower priority."""
    if hasattr(os, "setpriority"):  # on Linux a priority is per thread, and threads inherit it
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


HASHING = ThreadPoolExecutor(
    max_workers=max(1, (os.cpu_count() or 2) // 2), thread_name_prefix="argon2", initializer=_yield_the_cpu
)
"""Where passwords are hashed and verified: a few threads, outside any database transaction.

argon2 takes a quarter of a second and 64 MiB on purpose; a small pool of its own keeps a
burst of logins from filling the web server's threads or its memory, no write lock (the whole
SQLite file) is held while it runs, and at a lower priority it leaves the CPU to everyone
else's pages first: under a flood of logins, only logins wait."""


class AuthError(ValueError):
    """Login refused: wrong username or password, or too many tries."""


class TooManyTriesError(AuthError):
    """Too many tries recently (for this username, from this client, or both); wait and retry."""


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to, and the token its forms must carry."""

    person_id: int
    username: str
    csrf: str
    stale: bool = False
    """Not marked as used for TOUCH_EVERY: the caller should touch_session it."""
    role: str = "person"
    """`person` or `clinician` (nasalis.diary.clinic): a clinician's requests reach only the clinic."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_username(raw: str) -> str:
    """The normalised username, or FieldError."""
    name = raw.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise FieldError("username", "3-60 characters: letters, digits, '.', '_' or '-'")
    return name


def check_password(password: str) -> str:
    """The password if it is long enough, or FieldError."""
    if len(password) < MIN_PASSWORD:
        raise FieldError("password", f"at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise FieldError("password", "at most 1000 characters")
    return password


def client_key(address: str | None) -> str:
    """What per-client limits count by: the IPv4 address, or the IPv6 /64 (one home's network)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return (address or "")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hash_password(password: str) -> str:
    """The argon2id hash of a password (slow on purpose: call it through HASHING)."""
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether the password fits the hash (slow on purpose: call it through HASHING)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_account(session: Session, name: str, password_hash: str) -> int:
    """A new account (name from check_username) with its own, empty diary; the person's id.

    FieldError if the name is taken: a person choosing a name has to learn that, so the
    limit on sign-ups per client (begin_signup) is what keeps names from being listed.
    """
    if session.scalar(select(Account.id).where(Account.username == name)) is not None:
        raise FieldError("username", "is taken: choose another")
    person = Person(handle=f"account:{name}")
    session.add(person)
    try:
        with session.begin_nested():
            session.flush()
            session.add(Account(person_id=person.id, username=name, password_hash=password_hash))
            session.flush()
    except IntegrityError:
        raise FieldError("username", "is taken: choose another") from None
    return person.id


def _count(session: Session, kind: str, since: dt.datetime, **where: str) -> int:
    query = select(func.count()).where(LoginFailure.kind == kind, LoginFailure.at > since)
    for column, value in where.items():
        query = query.where(getattr(LoginFailure, column) == value)
    return int(session.scalar(query) or 0)


def _wait(window: dt.timedelta, what: str) -> TooManyTriesError:
    minutes = int(window.total_seconds() // 60)
    return TooManyTriesError(f"too many {what}; try again in {minutes} minutes")


def _counted(session: Session, kind: str, username: str, client: str, now: dt.datetime) -> int:
    """Record an attempt before its outcome is known, so concurrent tries cannot slip past a limit."""
    # Old rows are of no use to any limit: drop them here, so the table never grows without bound.
    oldest = now - max(FAILURE_WINDOW, SIGNUP_WINDOW)
    session.execute(delete(LoginFailure).where(LoginFailure.at < oldest))
    row = LoginFailure(kind=kind, username=username, client=client, at=now)
    session.add(row)
    session.flush()
    return row.id


def count_miss(session: Session, kind: str, client: str, limit: int, what: str, now: dt.datetime) -> None:
    """Count a wrong secret address from `client` (of `kind`); TooManyTriesError past `limit`.

    Only misses are counted: look the secret up first, so a valid address always answers even
    from a shared network where someone else has been guessing.
    """
    since = now - FAILURE_WINDOW
    if _count(session, kind, since, client=client) >= limit:
        raise _wait(FAILURE_WINDOW, what)
    session.execute(delete(LoginFailure).where(LoginFailure.kind == kind, LoginFailure.at < since))
    session.add(LoginFailure(kind=kind, username="", client=client, at=now))


@dataclass(frozen=True)
class LoginAttempt:
    """A login counted before its password is checked: what checking it needs."""

    attempt_id: int
    username: str
    person_id: int | None
    password_hash: str


def begin_login(session: Session, username: str, client: str) -> LoginAttempt:
    """Count a login (a short write), or TooManyTriesError when a limit is reached.

    The attempt stays counted as a failure unless finish_login says it was right. Limits:
    per username and client, per username from all clients, per client over all usernames.
    """
    name = username.strip().lower()[:60]
    now = utcnow()
    since = now - FAILURE_WINDOW
    if (
        _count(session, "login", since, username=name, client=client) >= MAX_FAILURES
        or _count(session, "login", since, username=name) >= MAX_FAILURES_PER_USERNAME
        or _count(session, "login", since, client=client) >= MAX_FAILURES_PER_CLIENT
    ):
        raise _wait(FAILURE_WINDOW, "failed logins")
    attempt_id = _counted(session, "login", name, client, now)
    account = session.execute(
        select(Account.person_id, Account.password_hash).where(Account.username == name)
    ).first()
    if account is None:
        return LoginAttempt(attempt_id, name, None, _DUMMY_HASH)
    return LoginAttempt(attempt_id, name, account.person_id, account.password_hash)


def login_matches(attempt: LoginAttempt, password: str) -> bool:
    """Whether this login is right (slow, no database: call it through HASHING)."""
    # A missing account is checked against the dummy hash, so it takes as long as a real one.
    return password_matches(attempt.password_hash, password) and attempt.person_id is not None


def rehashed(attempt: LoginAttempt, password: str) -> str | None:
    """A new hash when the stored one uses weaker parameters than today's (call through HASHING)."""
    return _HASHER.hash(password) if _HASHER.check_needs_rehash(attempt.password_hash) else None


def finish_login(session: Session, attempt: LoginAttempt, new_hash: str | None = None) -> int:
    """After a right password: forget this username's failed logins; the person's id."""
    session.execute(
        delete(LoginFailure).where(LoginFailure.kind == "login", LoginFailure.username == attempt.username)
    )
    if new_hash is not None:
        session.execute(
            update(Account)
            .where(Account.username == attempt.username, Account.password_hash == attempt.password_hash)
            .values(password_hash=new_hash)
        )
    assert attempt.person_id is not None, "finish_login is only for a login that matched"
    return attempt.person_id


def begin_signup(session: Session, client: str) -> None:
    """Count a sign-up try from this client (a short write), or TooManyTriesError over the limit."""
    now = utcnow()
    if _count(session, "signup", now - SIGNUP_WINDOW, client=client) >= MAX_SIGNUPS_PER_CLIENT:
        raise _wait(SIGNUP_WINDOW, "sign-ups from this address")
    _counted(session, "signup", "", client, now)


@dataclass(frozen=True)
class PasswordCheck:
    """A check of the current password on /account, counted before it is made."""

    attempt_id: int
    username: str
    password_hash: str


def begin_password_check(session: Session, person_id: int, client: str) -> PasswordCheck:
    """Count a check of this account's current password, or TooManyTriesError over the limit."""
    account = session.execute(
        select(Account.username, Account.password_hash).where(Account.person_id == person_id)
    ).one()
    now = utcnow()
    if _count(session, "password", now - FAILURE_WINDOW, username=account.username) >= MAX_PASSWORD_CHECKS:
        raise _wait(FAILURE_WINDOW, "wrong passwords")
    attempt_id = _counted(session, "password", account.username, client, now)
    return PasswordCheck(attempt_id, account.username, account.password_hash)


def set_password(session: Session, person_id: int, check: PasswordCheck, new_hash: str) -> None:
    """After the current password matched: store the new hash; every session of the account ends."""
    changed = session.execute(
        update(Account)
        .where(Account.person_id == person_id, Account.password_hash == check.password_hash)
        .values(password_hash=new_hash)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        # Changed by another browser since the check: the old password checked is no longer it.
        raise FieldError("old_password", "is not your current password")
    session.execute(
        delete(LoginFailure).where(LoginFailure.kind == "password", LoginFailure.username == check.username)
    )
    session.execute(delete(WebSession).where(WebSession.person_id == person_id))


def start_session(session: Session, person_id: int) -> str:
    """A new session for this person; the cookie's token (a fresh one at every login).

    Other devices stay signed in (a password change ends them); this person's sessions that
    expired or went unused are deleted here, so the table holds only live ones.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(
        delete(WebSession).where(
            WebSession.person_id == person_id,
            (WebSession.expires_at <= now) | (WebSession.last_seen_at <= now - SESSION_IDLE),
        )
    )
    session.add(
        WebSession(
            token_hash=_token_hash(token),
            person_id=person_id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(days=SESSION_DAYS),
        )
    )
    return token


def signed_in(session: Session, token: str) -> SignedIn | None:
    """Who holds this session token, if it is neither expired nor unused for SESSION_IDLE."""
    now = utcnow()
    row = session.execute(
        select(WebSession.person_id, WebSession.csrf, WebSession.last_seen_at, Account.username, Account.role)
        .join(Account, Account.person_id == WebSession.person_id)
        .where(
            WebSession.token_hash == _token_hash(token),
            WebSession.expires_at > now,
            WebSession.last_seen_at > now - SESSION_IDLE,
        )
    ).first()
    if row is None:
        return None
    stale = row.last_seen_at < now - TOUCH_EVERY
    return SignedIn(row.person_id, row.username, row.csrf, stale=stale, role=row.role)


def touch_session(session: Session, token: str) -> None:
    """Mark this session as used now (call it when signed_in says it is stale: at most hourly)."""
    session.execute(
        update(WebSession).where(WebSession.token_hash == _token_hash(token)).values(last_seen_at=utcnow())
    )


def end_session(session: Session, token: str) -> None:
    """Sign this session out."""
    session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))
