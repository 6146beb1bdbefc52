"""Accounts of server mode: sign-up, login with rate limiting, sessions, password change.

Passwords are hashed with argon2id. A session cookie carries a random token; only its
SHA-256 is stored, so a copy of the database does not let anyone sign in. All state lives in
the database, so any number of web workers can share it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nasalis.diary.models import Account, LoginFailure, Person, WebSession, utcnow
from nasalis.diary.records import FieldError

SESSION_DAYS = 30
MAX_FAILURES = 5
"""Failed logins per username within FAILURE_WINDOW before further tries are refused."""
FAILURE_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
_HASHER = PasswordHasher()
# Verifying against this when a username does not exist takes as long as a real check,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash("not a real password")


class AuthError(ValueError):
    """Login refused: wrong username or password, or too many tries."""


class TooManyTriesError(AuthError):
    """Too many failed logins for this username recently."""


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to, and the token its forms must carry."""

    person_id: int
    username: str
    csrf: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_username(raw: str) -> str:
    """The normalised username, or FieldError."""
    name = raw.strip().lower()
    if not _USERNAME.match(name):
        raise FieldError("username", "3-60 characters: letters, digits, '.', '_' or '-'")
    return name


def check_password(password: str) -> str:
    """The password if it is long enough, or FieldError."""
    if len(password) < MIN_PASSWORD:
        raise FieldError("password", f"at least {MIN_PASSWORD} characters")
    if len(password) > 1000:
        raise FieldError("password", "at most 1000 characters")
    return password


def create_account(session: Session, username: str, password: str) -> int:
    """A new account with its own, empty diary; the person's id. FieldError if taken or bad."""
    name = check_username(username)
    check_password(password)
    if session.scalar(select(Account.id).where(Account.username == name)) is not None:
        raise FieldError("username", "is taken")
    person = Person(handle=f"account:{name}")
    session.add(person)
    try:
        with session.begin_nested():
            session.flush()
            session.add(Account(person_id=person.id, username=name, password_hash=_HASHER.hash(password)))
            session.flush()
    except IntegrityError:
        raise FieldError("username", "is taken") from None
    return person.id


def _recent_failures(session: Session, name: str, now: dt.datetime) -> int:
    query = select(func.count()).where(LoginFailure.username == name, LoginFailure.at > now - FAILURE_WINDOW)
    return int(session.scalar(query) or 0)


def verify_login(session: Session, username: str, password: str) -> int:
    """The person id for a correct username and password; AuthError otherwise.

    After MAX_FAILURES within FAILURE_WINDOW the username is refused without checking. The
    caller records each failure with `failure` in a transaction of its own, since this one
    raises and rolls back.
    """
    name = username.strip().lower()[:60]
    now = utcnow()
    if _recent_failures(session, name, now) >= MAX_FAILURES:
        minutes = FAILURE_WINDOW.seconds // 60
        raise TooManyTriesError(f"too many failed logins; try again in {minutes} minutes")
    account = session.scalars(select(Account).where(Account.username == name)).first()
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
        if account is None:
            raise VerificationError("no such account")
    except (VerificationError, InvalidHashError):
        raise AuthError("wrong username or password") from None
    session.execute(delete(LoginFailure).where(LoginFailure.username == name))
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
    return account.person_id


def failure(username: str) -> LoginFailure:
    """A failed login to record."""
    return LoginFailure(username=username.strip().lower()[:60], at=utcnow())


def change_password(session: Session, person_id: int, old: str, new: str) -> None:
    """Set a new password after checking the old one; every other session ends."""
    account = session.scalars(select(Account).where(Account.person_id == person_id)).one()
    try:
        _HASHER.verify(account.password_hash, old)
    except (VerificationError, InvalidHashError):
        raise FieldError("old_password", "is not your current password") from None
    account.password_hash = _HASHER.hash(check_password(new))
    session.execute(delete(WebSession).where(WebSession.person_id == person_id))


def start_session(session: Session, person_id: int) -> str:
    """A new session for this person; the cookie's token (a fresh one at every login)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_hash=_token_hash(token),
            person_id=person_id,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + dt.timedelta(days=SESSION_DAYS),
        )
    )
    return token


def signed_in(session: Session, token: str) -> SignedIn | None:
    """Who holds this session token, if it is valid and not expired."""
    row = session.execute(
        select(WebSession.person_id, WebSession.csrf, Account.username)
        .join(Account, Account.person_id == WebSession.person_id)
        .where(WebSession.token_hash == _token_hash(token), WebSession.expires_at > utcnow())
    ).first()
    return SignedIn(row.person_id, row.username, row.csrf) if row else None


def end_session(session: Session, token: str) -> None:
    """Sign this session out."""
    session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))
