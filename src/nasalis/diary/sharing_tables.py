"""What a person shares and with whom: share links, clinicians' grants, codes, audit and scores."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nasalis.diary.table_base import NO_ID_REUSE, Base, utcnow


class ShareLink(Base):
    """A read-only link to a person's report: a period, chosen sections, an expiry; only the token's hash."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the link's secret (256 random bits); the secret itself is shown once, never stored."""
    label: Mapped[str] = mapped_column(String(80))
    first: Mapped[dt.date] = mapped_column(Date)
    last: Mapped[dt.date] = mapped_column(Date)
    sections: Mapped[str] = mapped_column(String(80))
    """The sections shown (nasalis.report.sections.SECTIONS), comma-separated."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ShareOpening(Base):
    """One opening of a share link: when, and the client only roughly (browser family, network)."""

    __tablename__ = "share_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    browser: Mapped[str] = mapped_column(String(40))
    network: Mapped[str] = mapped_column(String(50))
    """The address cut to its /24 (IPv4) or /48 (IPv6): a place, never the full address."""


class ClinicGrant(Base):
    """A person lets a clinician read their diary within some scopes, until revoked."""

    __tablename__ = "clinic_grants"
    __table_args__ = (NO_ID_REUSE,)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    """When the clinician last opened this person's report (the dashboard's "new since")."""


class ClinicCode(Base):
    """A one-time code a clinician reads aloud; only its SHA-256 is stored."""

    __tablename__ = "clinic_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ClinicAudit(Base):
    """One clinician view or score entry (or a grant or revocation), for the person to read."""

    __tablename__ = "clinic_audit"
    __table_args__ = (NO_ID_REUSE,)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    clinician_name: Mapped[str] = mapped_column(String(60))
    """Kept as it was, so the log still says who looked after the clinician's account is removed."""
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(200))


class ClinicianScore(Base):
    """A score a clinician gave on a named rating scale, as written; nasalis never computes one."""

    __tablename__ = "clinician_scores"
    __table_args__ = (UniqueConstraint("person_id", "scale", "rated_on", "value_text"), NO_ID_REUSE)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    scale: Mapped[str] = mapped_column(String(120))
    value_text: Mapped[str] = mapped_column(String(60))
    """The value as the clinician wrote it ("2", "Grade II", "14/30")."""
    value_number: Mapped[float | None] = mapped_column(Float)
    """The value as a number when the text is one (never converted between scales)."""
    rated_on: Mapped[dt.date] = mapped_column(Date)
    rated_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10))
    """`clinic` (a clinician entered it) or `letter` (the person copied it from a letter)."""
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_account: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    """The clinician account that entered it; None when the person did."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
