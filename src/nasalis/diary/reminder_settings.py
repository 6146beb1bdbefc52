"""How a person is reminded outside the app: time zone, the secret calendar feed, e-mail opt-in.

The feed's address carries a random secret (256 bits from `secrets`); only its SHA-256 is
stored, so the address can be shown once, when it is made, and a copy of the database does
not open anyone's feed. Making a new one or turning it off stops the old address at once.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary.accounts import count_miss
from nasalis.diary.models import Reminder, utcnow
from nasalis.diary.records import FieldError
from nasalis.diary.secret_address import TOKEN_SHAPE, hash_token, new_token

DEFAULT_ZONE = "UTC"
"""The time zone of a person who has not chosen one (the Settings page offers the browser's)."""
MAX_FEED_MISSES = 20
"""Unknown feed addresses asked for by one client within accounts.FAILURE_WINDOW before it must wait."""
FEED_MISS = "feed"
"""The `kind` of the counted attempts (the login limiter's table) for a wrong feed address."""
EMAIL_MAX = 254
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"[^@\s]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")


@dataclass(frozen=True)
class ReminderView:
    """A person's reminder settings as the Settings page shows them (never the feed secret)."""

    time_zone: str
    feed_on: bool
    email: str
    email_on: bool
    chosen: bool = True
    """Whether the person saved these (else the page may offer the browser's time zone)."""


@cache
def zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return frozenset(zoneinfo.available_timezones())


def get(session: Session, person_id: int) -> ReminderView:
    """The person's reminder settings, defaults filled in."""
    row = session.get(Reminder, person_id)
    if row is None:
        return ReminderView(DEFAULT_ZONE, False, "", False, chosen=False)
    zone = row.time_zone or DEFAULT_ZONE
    feed_on = row.feed_token_hash is not None
    return ReminderView(zone, feed_on, row.email or "", row.email_on, chosen=row.time_zone is not None)


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of this name; UTC for none, or for one this machine's tzdata no longer knows."""
    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def zone_of(session: Session, person_id: int) -> zoneinfo.ZoneInfo:
    """The person's time zone (UTC until they choose one)."""
    return zone_named(get(session, person_id).time_zone)


def check(time_zone: str, email: str, email_on: bool) -> tuple[str, str | None, bool]:
    """Validated settings; FieldError names the bad field."""
    zone = time_zone.strip()
    if zone not in zones():
        raise FieldError("time_zone", "a time zone name like Europe/London or America/New_York")
    address = email.strip()
    if address and (len(address) > EMAIL_MAX or not _EMAIL.fullmatch(address)):
        raise FieldError("email", "an e-mail address like name@example.org, or empty")
    if email_on and not address:
        raise FieldError("email", "give an address to have reminders e-mailed")
    return zone, address or None, email_on


def _row(session: Session, person_id: int) -> Reminder:
    row = session.get(Reminder, person_id)
    if row is None:
        row = Reminder(person_id=person_id, email_on=False)
        session.add(row)
    return row


def save(session: Session, person_id: int, time_zone: str, email: str, email_on: bool) -> ReminderView:
    """Store the time zone and the e-mail opt-in (validated first: nothing changes on a bad field)."""
    zone, address, on = check(time_zone, email, email_on)
    row = _row(session, person_id)
    row.time_zone, row.email, row.email_on = zone, address, on
    session.flush()
    return get(session, person_id)


def new_feed(session: Session, person_id: int) -> str:
    """A new secret for the person's feed (the old address stops working); shown once, never stored."""
    token = new_token()
    _row(session, person_id).feed_token_hash = hash_token(token)
    session.flush()
    return token


def feed_off(session: Session, person_id: int) -> None:
    """Turn the feed off: its address stops working at once."""
    row = session.get(Reminder, person_id)
    if row is not None:
        row.feed_token_hash = None


def feed_owner(session: Session, token: str, client: str, now: dt.datetime | None = None) -> int | None:
    """Whose feed this secret opens, or None; TooManyTriesError after too many wrong ones from `client`.

    Call it in a write: a wrong secret is counted (the login limiter's table), so a client
    guessing addresses is slowed down across all workers. The secret is looked up first and
    only misses are counted and limited: a valid address always answers, even from a shared
    address (a household's router, an office) where someone else has been guessing.
    """
    now = now or utcnow()
    if TOKEN_SHAPE.fullmatch(token):
        found = select(Reminder.person_id).where(Reminder.feed_token_hash == hash_token(token))
        owner = session.scalar(found)
        if owner is not None:
            return owner
    count_miss(session, FEED_MISS, client, MAX_FEED_MISSES, "unknown calendar addresses", now)
    return None
