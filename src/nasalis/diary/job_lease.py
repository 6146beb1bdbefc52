"""A lease in the database: which of several processes does a periodic job for now.

Web workers of `nasalis serve --workers N` (on one machine or several) each try to take the
lease before a round; the one holding it renews it, the others skip until it lapses. The
database is the arbiter, so no process needs to know about the others.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from nasalis.diary.models import JobLease, utcnow
from nasalis.diary.store import Store


def take(store: Store, name: str, holder: str, ttl: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Whether `holder` has the lease `name` for `ttl` from now (taken, renewed, or held by another)."""
    now = now or utcnow()
    try:
        with store.write() as session:
            # One conditional UPDATE: two processes cannot both see the lease free and take it.
            taken = session.execute(
                update(JobLease)
                .where(JobLease.name == name, (JobLease.holder == holder) | (JobLease.expires_at < now))
                .values(holder=holder, expires_at=now + ttl)
            )
            if getattr(taken, "rowcount", 0) == 1:
                return True
            if session.get(JobLease, name) is not None:
                return False
            session.add(JobLease(name=name, holder=holder, expires_at=now + ttl))
            session.flush()
            return True
    except IntegrityError:  # another process made the lease between our look and our insert
        return False


def release(store: Store, name: str, holder: str) -> None:
    """Give the lease up (at shutdown), so another process takes over at its next round."""
    with store.write() as session:
        session.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.holder == holder)
            .values(expires_at=dt.datetime(2000, 1, 1))
        )
