"""Share links: a person's read-only link to their report, its expiry, revocation and openings.

The link's address carries a random secret (256 bits from `secrets`); only its SHA-256 is
stored, so the address is shown once, when it is made, and a copy of the database opens no
link. A wrong secret is counted per client (the login limiter's table), so guessing is slowed
across all workers, while a valid link always answers. Each opening is logged with the
browser family and the client's network (/24 or /48), never the full address or the secret.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary.accounts import count_miss
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import ShareLink, ShareOpening, utcnow
from nasalis.diary.records import FieldError
from nasalis.diary.secret_address import TOKEN_SHAPE, hash_token, new_token

DEFAULT_DAYS = 30
MAX_DAYS = 365
"""A link expires after DEFAULT_DAYS unless the person chooses otherwise, and after MAX_DAYS at most."""
LABEL_MAX = 80
MAX_MISSES = 20
"""Unknown link addresses asked for by one client within accounts.FAILURE_WINDOW before it must wait."""
SHARE_MISS = "share"
"""The `kind` of the counted attempts (the login limiter's table) for a wrong link address."""
BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
)
"""User-Agent marks, most specific first (Edge and Opera also say Chrome, Chrome also says Safari)."""


@dataclass(frozen=True)
class LinkView:
    """A link as its owner's page lists it (never the secret)."""

    id: int
    label: str
    first: dt.date
    last: dt.date
    sections: tuple[str, ...]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    openings: list[tuple[dt.datetime, str, str]]
    """(when, browser, network), newest first."""

    def status(self, now: dt.datetime) -> str:
        """ "active", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"


@dataclass(frozen=True)
class Opened:
    """What a valid, live link opens: whose report, over which dates, with which sections."""

    link_id: int
    person_id: int
    first: dt.date
    last: dt.date
    sections: tuple[str, ...]


class GoneError(Exception):
    """The link existed but has expired or been revoked (answered 410)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def check_expiry(raw: str) -> int:
    """Days until a link expires, read from a form (empty: DEFAULT_DAYS); FieldError names the field."""
    text = raw.strip()
    if not text:
        return DEFAULT_DAYS
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise FieldError("expires_days", f"a whole number of days from 1 to {MAX_DAYS} (one year)")
    return int(text)


def check_label(raw: str) -> str:
    """The link's label, trimmed; FieldError when it is empty or too long."""
    label = " ".join(raw.split())
    if not label:
        raise FieldError("label", "give the link a name you will recognise, such as your doctor's")
    if len(label) > LABEL_MAX:
        raise FieldError("label", f"at most {LABEL_MAX} characters")
    return label


def create(
    session: Session,
    person_id: int,
    label: str,
    first: dt.date,
    last: dt.date,
    sections: tuple[str, ...],
    days: int,
    now: dt.datetime | None = None,
) -> tuple[int, str]:
    """A new link (its id and its secret: shown once, never stored); checked values only."""
    if not 1 <= days <= MAX_DAYS:
        raise FieldError("expires_days", f"a whole number of days from 1 to {MAX_DAYS} (one year)")
    now = now or utcnow()
    token = new_token()
    row = ShareLink(
        person_id=person_id,
        token_hash=hash_token(token),
        label=check_label(label),
        first=first,
        last=last,
        sections=",".join(sections),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    session.add(row)
    session.flush()
    return row.id, token


def links_of(session: Session, person_id: int) -> list[LinkView]:
    """This person's links with their openings, newest first."""
    rows = list(
        session.scalars(
            select(ShareLink).where(ShareLink.person_id == person_id).order_by(ShareLink.id.desc())
        )
    )
    openings: dict[int, list[tuple[dt.datetime, str, str]]] = {r.id: [] for r in rows}
    if rows:
        query = (
            select(ShareOpening.link_id, ShareOpening.at, ShareOpening.browser, ShareOpening.network)
            .where(ShareOpening.link_id.in_(openings))
            .order_by(ShareOpening.id.desc())
        )
        for link_id, at, browser, network in session.execute(query):
            openings[link_id].append((at, browser, network))
    return [
        LinkView(
            r.id,
            r.label,
            r.first,
            r.last,
            tuple(r.sections.split(",")),
            r.created_at,
            r.expires_at,
            r.revoked_at,
            openings[r.id],
        )
        for r in rows
    ]


def revoke(session: Session, person_id: int, link_id: int, now: dt.datetime | None = None) -> None:
    """Revoke one of this person's links at once (it stays revoked); NotFoundError if not theirs."""
    row = session.get(ShareLink, link_id)
    if row is None or row.person_id != person_id:
        raise NotFoundError("no such share link")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()


def open_link(
    session: Session, token: str, client: str, browser: str, network: str, now: dt.datetime | None = None
) -> Opened | None:
    """What this secret opens (the opening logged), None if no link has it; GoneError when expired or revoked.

    Call it in a write: an opening is logged, and a wrong secret is counted (TooManyTriesError
    after MAX_MISSES from `client`), both in the same transaction as the lookup.
    """
    now = now or utcnow()
    row = None
    if TOKEN_SHAPE.fullmatch(token):
        wanted = hash_token(token)
        row = session.scalar(select(ShareLink).where(ShareLink.token_hash == wanted))
        # The index found it by hash; compare again in constant time all the same.
        if row is not None and not hmac.compare_digest(row.token_hash, wanted):
            row = None
    if row is None:
        count_miss(session, SHARE_MISS, client, MAX_MISSES, "unknown share links", now)
        return None
    if row.revoked_at is not None:
        raise GoneError("revoked")
    if now >= row.expires_at:
        raise GoneError("expired")
    session.add(ShareOpening(link_id=row.id, at=now, browser=browser[:40], network=network[:50]))
    return Opened(row.id, row.person_id, row.first, row.last, tuple(row.sections.split(",")))


def browser_family(user_agent: str | None) -> str:
    """The browser's family from its User-Agent ("Firefox", "Safari"...), or "other"."""
    agent = user_agent or ""
    return next((name for mark, name in BROWSERS if mark in agent), "other")


def network_of(address: str | None) -> str:
    """The client's network: an IPv4 address cut to /24, IPv6 to /48; "unknown" for anything else."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if isinstance(ip, ipaddress.IPv4Address) else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
