"""The declarative base every diary table shares, the root row (a person) and how instants are stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, String
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
