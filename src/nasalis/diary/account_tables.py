"""Server mode's rows: logins, signed-in browsers, counted failures and a person's settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from nasalis.diary.table_base import Base, utcnow


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
