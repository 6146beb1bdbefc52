"""The diary's own rows: episodes, check-ins, medicines, notes, treatments, clips and the journal."""

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
from sqlalchemy.orm import Mapped, mapped_column

from nasalis.diary.table_base import NO_ID_REUSE, Base, utcnow


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
