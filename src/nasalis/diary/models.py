"""SQLAlchemy models of the diary. Every row belongs to one person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    """Now, as a naive UTC datetime (how every instant is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of the diary schema."""


NO_ID_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}
"""Table options for rows that undo, links or the journal name by id: SQLite would otherwise
hand a deleted row's id to the next insert, someone else's included (PostgreSQL never does)."""


class Person(Base):
    """Whose diary it is: one row in personal mode, one per account in server mode."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Episode(Base):
    """One twitching episode. The instant is stored in UTC with the offset it was told in."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("person_id", "started_at_utc"), NO_ID_REUSE)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    started_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    intensity: Mapped[int | None] = mapped_column(Integer)
    side: Mapped[str | None] = mapped_column(String(10))
    areas: Mapped[list[str] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(10), default="manual")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Day(Base):
    """A daily check-in. A day present with no episodes had zero; an absent day is unknown."""

    __tablename__ = "days"
    __table_args__ = (UniqueConstraint("person_id", "date"), NO_ID_REUSE)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    stress: Mapped[int | None] = mapped_column(Integer)
    caffeine_drinks: Mapped[float | None] = mapped_column(Float)
    alcohol_drinks: Mapped[float | None] = mapped_column(Float)
    water_litres: Mapped[float | None] = mapped_column(Float)
    exercise_minutes: Mapped[float | None] = mapped_column(Float)
    allergy_symptoms: Mapped[bool | None] = mapped_column(Boolean)
    tags: Mapped[list[str] | None] = mapped_column(JSON)
    factors: Mapped[dict[str, float] | None] = mapped_column(JSON)
    morning_at: Mapped[dt.time | None] = mapped_column(Time)
    """When the morning check-in was made (local time): its values came before the day's twitches."""
    morning_stress: Mapped[int | None] = mapped_column(Integer)
    morning_caffeine: Mapped[float | None] = mapped_column(Float)
    no_twitches: Mapped[bool | None] = mapped_column(Boolean)
    """The one-tap "no twitches today"."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Medication(Base):
    """A medicine taken, matched to the lexicon when it can be."""

    __tablename__ = "medications"
    __table_args__ = NO_ID_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str | None] = mapped_column(String(200))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    stopped_on: Mapped[dt.date | None] = mapped_column(Date)
    matched: Mapped[str | None] = mapped_column(String(200))
    drug_class: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Note(Base):
    """A free-text note."""

    __tablename__ = "notes"
    __table_args__ = NO_ID_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Change(Base):
    """The journal behind undo: what a write did, and the row as it was before."""

    __tablename__ = "changes"
    __table_args__ = (
        # Serves the journal mark's count of undone changes (insights/cache.py).
        Index(
            "ix_changes_person_undone",
            "person_id",
            sqlite_where=text("undone = 1"),
            postgresql_where=text("undone"),
        ),
        NO_ID_REUSE,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(30))
    row_ids: Mapped[list[int]] = mapped_column(JSON)
    before: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(300))
    undone: Mapped[bool] = mapped_column(Boolean, default=False)


class Experiment(Base):
    """An N-of-1 experiment: a change tried in randomised blocks (B) against usual life (A)."""

    __tablename__ = "experiments"
    __table_args__ = NO_ID_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    block_days: Mapped[int] = mapped_column(Integer)
    washout_days: Mapped[int] = mapped_column(Integer)
    schedule: Mapped[list[str]] = mapped_column(JSON)
    stopped_on: Mapped[dt.date | None] = mapped_column(Date)
    adherence: Mapped[dict[str, bool] | None] = mapped_column(JSON)
    """ISO date -> whether the change was kept that day (asked on the change's days)."""
    planned_change: Mapped[float | None] = mapped_column(Float)
    """The change it was sized to detect (0.3: 30% fewer twitches)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Account(Base):
    """A login of server mode; it owns exactly one person's diary."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    role: Mapped[str] = mapped_column(String(20), default="person", server_default="person")
    """`person` (owns a diary) or `clinician` (reads the diaries people grant: nasalis.diary.clinic)."""


class WebSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    """When the session was last used (updated at most hourly): unused for too long, it ends."""


class LoginFailure(Base):
    """A counted attempt, kept for a while so that guessing and probing are slowed down.

    `kind` is "login" (a login not yet known to be right, or a wrong one), "password" (a wrong
    old password on /account) or "signup" (any sign-up try). `client` is the client's address
    (an IPv6 /64), so limits hold per client as well as per username, across all workers.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(10), default="login", server_default="login")
    client: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)


class Preferences(Base):
    """A person's settings (units, reminder time) as one JSON object."""

    __tablename__ = "preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Assessment(Base):
    """An assessment a person ran: the intake as answered and the result as shown."""

    __tablename__ = "assessments"
    __table_args__ = NO_ID_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    level: Mapped[str] = mapped_column(String(20))
    intake: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class Video(Base):
    """A clip sent for measurement: queued, running, done or failed, and what it found.

    The clip's bytes stay in the database only until the job has read them, so that workers
    on other machines can analyse it; they are deleted as soon as the analysis ends.
    """

    __tablename__ = "videos"
    __table_args__ = NO_ID_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(200))
    recorded_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    mirrored: Mapped[bool] = mapped_column(Boolean, default=False)
    attach: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    # Deferred: a status poll or the list must not read up to 20 MB of clip (or the stills);
    # only the job that measures the clip loads it, on first access.
    clip: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    keyframes: Mapped[list[str] | None] = mapped_column(JSON, deferred=True)
    error: Mapped[str | None] = mapped_column(Text)
    # The stills around each event the person is asked to check (video.review_frames), and
    # what they decided (event index -> keep or drop); see video.review.
    review_stills: Mapped[dict[str, list[list[Any]]] | None] = mapped_column(JSON, deferred=True)
    review_decisions: Mapped[dict[str, str] | None] = mapped_column(JSON)


class IdempotencyKey(Base):
    """A write sent with an Idempotency-Key header, and the answer it got, so a retry replays it.

    The row is inserted in the same transaction as the write it guards (nasalis.diary.idempotency),
    so it exists exactly when the write committed; `status` is null until the answer is stored.
    One person's key never matches another's: the key is unique per person.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("person_id", "key", name="uq_idempotency_keys_person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(64))
    """SHA-256 (hex) of the method, path and query: fixed length however long the address."""
    body_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)


class Reminder(Base):
    """How a person is reminded outside the app: their time zone, calendar feed and e-mail."""

    __tablename__ = "reminders"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    """An IANA name; None until the person chooses (reminders then use UTC)."""
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of the calendar feed's secret; None when the feed is off."""
    email: Mapped[str | None] = mapped_column(String(254))
    email_on: Mapped[bool] = mapped_column(Boolean, default=False)


class ReminderSent(Base):
    """One e-mail reminder per person and local date, claimed before it is sent: never twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("person_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[dt.date] = mapped_column(Date)
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    """None while the message is on its way (or if the process died sending it: not sent again)."""


class JobLease(Base):
    """Which process does a periodic job for now: the database decides among web workers."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


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


class Treatment(Base):
    """A treatment given on a day (a botulinum toxin injection, a procedure): where cycles start."""

    __tablename__ = "treatments"
    __table_args__ = NO_ID_REUSE

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    product: Mapped[str | None] = mapped_column(String(200))
    units: Mapped[float | None] = mapped_column(Float)
    sites: Mapped[list[str] | None] = mapped_column(JSON)
    side: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
