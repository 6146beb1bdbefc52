"""Idempotency keys: the row that makes a retried write replay its first answer.

The web layer binds a `Claim` for the request (`claiming`); the first `Store.write()` of that
request calls `stamp` as its transaction begins, so the key row and the write commit together or
not at all: a crash can never leave a write without its key, nor a key without its write. When
two requests with one key race, the unique (person, key) constraint lets one through; the other
waits on the key (PostgreSQL's unique index, SQLite's write lock), fails to insert its row before
it has written anything, is rolled back, and `KeyTakenError` tells it so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nasalis.diary.models import IdempotencyKey, utcnow

KEEP = dt.timedelta(hours=24)
"""How long a key is remembered; older rows are ignored and deleted when the person writes again."""
MAX_KEY_CHARS = 255


@dataclass
class Claim:
    """The key of the request being handled, and what became of it."""

    person_id: int
    key: str
    method: str
    target: str
    """`target_hash` of the method, path and query."""
    body_hash: str
    written: bool = False
    """A write committed (or is committing) with this key's row."""
    lost: bool = False
    """Another request with the same key wrote first; this request's write was rolled back."""


@dataclass(frozen=True)
class Stored:
    """A remembered key: the request it was sent with and, once known, its answer."""

    method: str
    target: str
    body_hash: str
    created_at: dt.datetime
    status: int | None
    content_type: str | None
    body: bytes | None


def target_hash(method: str, path_and_query: str) -> str:
    """SHA-256 (hex) of a request's method and address: what a retry must match, in 64 characters."""
    return hashlib.sha256(f"{method} {path_and_query}".encode("utf-8", "surrogateescape")).hexdigest()


class KeyTakenError(Exception):
    """Another request with this Idempotency-Key committed first; this write was rolled back."""


_claim: ContextVar[Claim | None] = ContextVar("nasalis_idempotency_claim", default=None)


@contextmanager
def claiming(claim: Claim) -> Iterator[Claim]:
    """Within the block (and threads it starts with its context), writes are stamped with `claim`."""
    token = _claim.set(claim)
    try:
        yield claim
    finally:
        _claim.reset(token)


def stamp(session: Session) -> bool:
    """In the write's own transaction, insert the bound claim's row (once per request).

    True when this transaction now carries the key; KeyTakenError when another request's does.
    """
    claim = _claim.get()
    if claim is None or claim.written or claim.lost:
        return False
    now = utcnow()
    # Lazy expiry: this person's old keys go when they write again (nothing runs on a timer).
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.person_id == claim.person_id, IdempotencyKey.created_at < now - KEEP
        )
    )
    session.add(
        IdempotencyKey(
            person_id=claim.person_id,
            key=claim.key,
            method=claim.method,
            target=claim.target,
            body_hash=claim.body_hash,
            created_at=now,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        claim.lost = True
        raise KeyTakenError("another request with this Idempotency-Key wrote first") from None
    claim.written = True
    return True


def unstamp() -> None:
    """The transaction that carried the bound claim's row rolled back: the key is free again."""
    claim = _claim.get()
    if claim is not None:
        claim.written = False


def find(session: Session, person_id: int, key: str) -> Stored | None:
    """This person's unexpired row for `key`, or None."""
    row = session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.person_id == person_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at >= utcnow() - KEEP,
        )
    )
    if row is None:
        return None
    return Stored(
        row.method, row.target, row.body_hash, row.created_at, row.status, row.content_type, row.body
    )


def complete(
    session: Session, person_id: int, key: str, status: int, content_type: str | None, body: bytes
) -> None:
    """Keep the answer of the write that committed with `key`, for its retries to replay."""
    session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.person_id == person_id,
            IdempotencyKey.key == key,
            IdempotencyKey.status.is_(None),
        )
        .values(status=status, content_type=content_type, body=body)
    )
