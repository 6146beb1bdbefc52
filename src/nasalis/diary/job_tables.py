"""Rows of the work done beside requests: replayed writes, reminders and periodic jobs' leases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nasalis.diary.table_base import Base, utcnow


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
