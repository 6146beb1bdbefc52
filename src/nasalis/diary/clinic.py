"""Clinicians of server mode: their accounts, the grants people give them, one-time codes, the audit log.

A clinician is an account with the role `clinician` (created by `nasalis admin clinician add`);
its person row holds no diary. A person grants a clinician read access within scopes, by the
clinician's username or by a one-time code the clinician reads aloud. Nothing here is cached:
every clinician request calls `access`, which reads the grant from the database, so a revocation
holds at once in every worker. Codes are single use (one UPDATE that only an unused, unexpired
code passes), expire after CODE_LIFETIME, are stored as SHA-256 only, and redeeming them is
limited per person and per client like logins are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from nasalis.diary.accounts import FAILURE_WINDOW, create_account
from nasalis.diary.entries import NotFoundError
from nasalis.diary.models import Account, ClinicAudit, ClinicCode, ClinicGrant, LoginFailure, Person, utcnow
from nasalis.diary.records import FieldError

PERSON = "person"
CLINICIAN = "clinician"
SCOPES = {"summary": "Summary", "diary": "Full diary, day by day", "videos": "Video measures and keyframes"}
"""What a person may grant a clinician, with the words the pages use; their order is the pages' order."""
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
"""No 0/O, 1/I/L or U/V pairs that sound or look alike when read aloud or copied by hand."""
CODE_LENGTH = 8
"""30**8 ≈ 6.6e11 codes; with MAX_CODE_TRIES per window a guess succeeds about never."""
CODE_LIFETIME = dt.timedelta(hours=24)
MAX_CODE_TRIES = 5
"""Code redemptions one person, or one client, may try within accounts.FAILURE_WINDOW."""
ACTIONS = {
    "grant": "was given access",
    "revoke": "lost access",
    "dashboard": "saw your row on the clinic's list",
    "report": "opened your report",
    "score": "recorded a clinician-rated score",
}
"""Every kind of audit line, and how the person's page says it."""
FROM_ANOTHER_SITE = "opened through a link on another site; not marked as seen"
"""An audit line's detail when the clinician's browser said another site led there: the view is
logged (it is an access), but such a GET changes nothing else (docs/security.md)."""


class ClinicError(FieldError):
    """A grant or code refused; names the field like any bad input."""


@dataclass(frozen=True)
class Clinician:
    """A clinician account as the admin command lists it."""

    username: str
    created_at: dt.datetime
    people: int


@dataclass(frozen=True)
class Grant:
    """A person's grant to one clinician."""

    id: int
    person_id: int
    clinician_id: int
    clinician: str
    person: str
    scopes: tuple[str, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_seen_at: dt.datetime | None


@dataclass(frozen=True)
class AuditLine:
    """One line of "who has looked at my diary and when"."""

    at: dt.datetime
    clinician: str
    action: str
    said: str
    detail: str | None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise_code(raw: str) -> str:
    """A code as typed ("abcd efgh", "ABCD-EFGH") in the one form it is stored under."""
    return "".join(c for c in raw.upper() if c.isalnum())


def check_scopes(raw: list[str]) -> tuple[str, ...]:
    """The chosen scopes in SCOPES' order, or ClinicError naming `scopes`."""
    unknown = [s for s in raw if s not in SCOPES]
    if unknown:
        raise ClinicError("scopes", f"choose among {', '.join(SCOPES)}, not {unknown[0]!r}")
    if not raw:
        raise ClinicError("scopes", "choose at least one thing the clinician may see")
    return tuple(s for s in SCOPES if s in raw)


# --- clinician accounts (the admin command) ---


def add_clinician(session: Session, name: str, password_hash: str) -> int:
    """A new clinician account (name from accounts.check_username); its person id."""
    person_id = create_account(session, name, password_hash)
    session.execute(update(Account).where(Account.person_id == person_id).values(role=CLINICIAN))
    return person_id


def list_clinicians(session: Session) -> list[Clinician]:
    """Every clinician account, by name, with how many people grant it access now."""
    active = (
        select(ClinicGrant.clinician_id, func.count().label("n"))
        .where(ClinicGrant.revoked_at.is_(None))
        .group_by(ClinicGrant.clinician_id)
        .subquery()
    )
    rows = session.execute(
        select(Account.username, Account.created_at, func.coalesce(active.c.n, 0))
        .outerjoin(active, active.c.clinician_id == Account.person_id)
        .where(Account.role == CLINICIAN)
        .order_by(Account.username)
    )
    return [Clinician(name, created, int(n)) for name, created, n in rows]


def remove_clinician(session: Session, name: str) -> None:
    """Delete a clinician account, its sessions, codes and grants (the people's audit lines stay)."""
    person_id = session.scalar(
        select(Account.person_id).where(Account.username == name, Account.role == CLINICIAN)
    )
    if person_id is None:
        raise ClinicError("name", f"no clinician account is called {name!r}")
    session.execute(delete(ClinicGrant).where(ClinicGrant.clinician_id == person_id))
    session.execute(delete(ClinicCode).where(ClinicCode.clinician_id == person_id))
    session.execute(
        update(ClinicAudit).where(ClinicAudit.clinician_id == person_id).values(clinician_id=None)
    )
    session.execute(delete(Person).where(Person.id == person_id))  # cascades to the account and sessions


def _username(session: Session, person_id: int) -> str:
    return str(session.scalar(select(Account.username).where(Account.person_id == person_id)))


# --- grants ---


def _grant(session: Session, person_id: int, clinician_id: int, scopes: tuple[str, ...]) -> int:
    """Grant (or widen, narrow, or renew) one clinician's access; the grant's id."""
    now = utcnow()
    existing = session.scalar(
        select(ClinicGrant).where(
            ClinicGrant.person_id == person_id,
            ClinicGrant.clinician_id == clinician_id,
            ClinicGrant.revoked_at.is_(None),
        )
    )
    if existing is not None:
        existing.scopes = list(scopes)
        grant_id = existing.id
    else:
        row = ClinicGrant(person_id=person_id, clinician_id=clinician_id, scopes=list(scopes), created_at=now)
        session.add(row)
        session.flush()
        grant_id = row.id
    record(session, person_id, clinician_id, "grant", ", ".join(scopes))
    return grant_id


def grant_by_name(session: Session, person_id: int, clinician: str, scopes: list[str]) -> int:
    """Let the clinician with this username read within scopes; ClinicError naming the field."""
    chosen = check_scopes(scopes)
    name = clinician.strip().lower()
    clinician_id = session.scalar(
        select(Account.person_id).where(Account.username == name, Account.role == CLINICIAN)
    )
    # A person's username gets the same answer as a missing one: grants do not list accounts.
    if clinician_id is None:
        raise ClinicError("clinician", "no clinician has that username: ask them for it, or for a code")
    return _grant(session, person_id, clinician_id, chosen)


def make_code(session: Session, clinician_id: int) -> str:
    """A new one-time code for this clinician, shown once ("ABCD-EFGH"); only its hash is kept."""
    now = utcnow()
    session.execute(delete(ClinicCode).where(ClinicCode.expires_at <= now))  # the table stays small
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        ClinicCode(
            clinician_id=clinician_id, code_hash=_hash(code), created_at=now, expires_at=now + CODE_LIFETIME
        )
    )
    return f"{code[:4]}-{code[4:]}"


def begin_redeem(session: Session, person_id: int, client: str) -> None:
    """Count a code redemption (a short write of its own), or ClinicError over the limit.

    Counted before the code is checked and committed apart from it, so a wrong code, whose
    own transaction rolls back, still counts, and concurrent tries cannot slip past the limit.
    """
    now = utcnow()
    since = now - FAILURE_WINDOW
    session.execute(delete(LoginFailure).where(LoginFailure.kind == "code", LoginFailure.at < since))
    tries = select(func.count()).where(LoginFailure.kind == "code", LoginFailure.at > since)
    mine = session.scalar(tries.where(LoginFailure.username == f"person:{person_id}")) or 0
    theirs = session.scalar(tries.where(LoginFailure.client == client)) or 0
    if mine >= MAX_CODE_TRIES or theirs >= MAX_CODE_TRIES:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise ClinicError("code", f"too many codes tried; try again in {minutes} minutes")
    session.add(LoginFailure(kind="code", username=f"person:{person_id}", client=client, at=now))


def redeem_code(session: Session, person_id: int, code: str, scopes: list[str]) -> int:
    """Grant the code's clinician access within scopes and use the code up; the grant's id.

    ClinicError naming `code` when it is unknown, used or expired (one message for all three).
    """
    chosen = check_scopes(scopes)
    now = utcnow()
    digest = _hash(normalise_code(code))
    clinician_id = session.scalar(
        update(ClinicCode)
        .where(ClinicCode.code_hash == digest, ClinicCode.used_at.is_(None), ClinicCode.expires_at > now)
        .values(used_at=now)
        .returning(ClinicCode.clinician_id)
    )
    if clinician_id is None:
        raise ClinicError("code", "is not a code that works now: codes work once, for 24 hours")
    return _grant(session, person_id, clinician_id, chosen)


def _grants(session: Session, *where: object) -> list[Grant]:
    clinician = Account.__table__.alias("clinician")
    person = Account.__table__.alias("person")
    rows = session.execute(
        select(ClinicGrant, clinician.c.username, person.c.username)
        .join(clinician, clinician.c.person_id == ClinicGrant.clinician_id)
        .join(person, person.c.person_id == ClinicGrant.person_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(ClinicGrant.revoked_at.is_not(None), ClinicGrant.created_at.desc(), ClinicGrant.id.desc())
    )
    return [
        Grant(
            g.id,
            g.person_id,
            g.clinician_id,
            c,
            p,
            tuple(g.scopes),
            g.created_at,
            g.revoked_at,
            g.last_seen_at,
        )
        for g, c, p in rows
    ]


def grants_of(session: Session, person_id: int) -> list[Grant]:
    """This person's grants, active first, newest first."""
    return _grants(session, ClinicGrant.person_id == person_id)


def revoke(session: Session, person_id: int, grant_id: int) -> None:
    """End one of this person's grants now; NotFoundError for someone else's or an unknown one."""
    row = session.scalar(
        select(ClinicGrant).where(ClinicGrant.id == grant_id, ClinicGrant.person_id == person_id)
    )
    if row is None:
        raise NotFoundError(f"no grant {grant_id}")
    if row.revoked_at is None:
        # Every live grant of the pair ends: two requests granting at once can each have made one
        # (select-then-insert under READ COMMITTED), and revoking must not leave the other open.
        session.execute(
            update(ClinicGrant)
            .where(
                ClinicGrant.person_id == person_id,
                ClinicGrant.clinician_id == row.clinician_id,
                ClinicGrant.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
        record(session, person_id, row.clinician_id, "revoke", None)


def patients(session: Session, clinician_id: int) -> list[Grant]:
    """The grants this clinician holds now."""
    return _grants(session, ClinicGrant.clinician_id == clinician_id, ClinicGrant.revoked_at.is_(None))


def access(session: Session, clinician_id: int, person_id: int, scope: str | None = None) -> Grant:
    """The live grant of this person to this clinician (with `scope`, if named); else NotFoundError.

    Read from the database on every request: a grant revoked a moment ago, in another
    worker, is refused here.
    """
    for grant in _grants(
        session,
        ClinicGrant.clinician_id == clinician_id,
        ClinicGrant.person_id == person_id,
        ClinicGrant.revoked_at.is_(None),
    ):
        if scope is None or scope in grant.scopes:
            return grant
    raise NotFoundError("no such person, or they have not granted you this")


def mark_seen(session: Session, grant_id: int) -> None:
    """The clinician has just looked at this person's report (the dashboard's "new since")."""
    session.execute(update(ClinicGrant).where(ClinicGrant.id == grant_id).values(last_seen_at=utcnow()))


# --- the audit log ---


def record(session: Session, person_id: int, clinician_id: int, action: str, detail: str | None) -> None:
    """Add one line to this person's audit log (in the caller's transaction)."""
    assert action in ACTIONS, action
    name = _username(session, clinician_id)
    session.add(
        ClinicAudit(
            person_id=person_id,
            clinician_id=clinician_id,
            clinician_name=name,
            at=utcnow(),
            action=action,
            detail=detail[:200] if detail else None,
        )
    )


def audit_of(session: Session, person_id: int, limit: int = 200) -> list[AuditLine]:
    """This person's audit log, newest first."""
    rows = session.scalars(
        select(ClinicAudit)
        .where(ClinicAudit.person_id == person_id)
        .order_by(ClinicAudit.at.desc(), ClinicAudit.id.desc())
        .limit(limit)
    )
    return [AuditLine(r.at, r.clinician_name, r.action, ACTIONS[r.action], r.detail) for r in rows]
