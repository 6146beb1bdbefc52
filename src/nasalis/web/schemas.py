"""The JSON API's bodies, as pydantic models (they document the API in /docs).

Types and ranges are checked here; the diary's own rules (nasalis.diary.records) check them
again, so the API and the CLI can never disagree on what a valid entry is.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import HTTPException
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from nasalis.assessment.intake import Area
from nasalis.diary.records import FieldError, parse_date, parse_instant
from nasalis.diary.vocab import Side, Source


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EpisodeIn(_Strict):
    """A twitch, as the diary contract defines an episode."""

    started_at: str = Field(description="ISO 8601 with UTC offset, e.g. 2026-03-02T08:15:00+01:00")
    duration_s: float | None = Field(None, ge=0, le=86_400)
    intensity: int | None = Field(None, ge=1, le=10)
    side: Side | None = None
    areas: list[Area] | None = None
    source: Source | None = None
    note: str | None = Field(None, max_length=5000)


class EpisodeOut(EpisodeIn):
    """A stored episode."""

    id: int


class DayIn(_Strict):
    """A day's check-in (the date comes from the path)."""

    sleep_hours: float | None = Field(None, ge=0, le=24)
    stress: int | None = Field(None, ge=0, le=10)
    caffeine_drinks: float | None = Field(None, ge=0, le=1000)
    alcohol_drinks: float | None = Field(None, ge=0, le=1000)
    water_litres: float | None = Field(None, ge=0, le=1000)
    exercise_minutes: float | None = Field(None, ge=0, le=1440)
    allergy_symptoms: bool | None = None
    tags: list[str] | None = Field(None, max_length=100)
    factors: dict[str, float] | None = Field(None, max_length=100)


class DayOut(DayIn):
    """A stored check-in."""

    date: str


class ExperimentIn(_Strict):
    """An experiment to plan."""

    title: str = Field(min_length=1, max_length=200)
    start: str | None = Field(None, description="YYYY-MM-DD, default tomorrow")
    pairs: int = Field(2, ge=1, le=12)
    block_days: int = Field(7, ge=3, le=28)
    washout_days: int = Field(2, ge=0, le=14)


class SettingsIn(_Strict):
    """A person's settings."""

    units: str | None = None
    reminder_time: str | None = None
    name: str | None = Field(None, max_length=100)
    age_years: str | None = Field(None, max_length=3, description="whole years, or empty")


RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1, description="A stored row's id")]
"""An id in a URL: the database's integers end at 2**63 - 1 (a larger one overflowed into a 500)."""


class Message(BaseModel):
    """A plain answer."""

    detail: str


class ImportOut(BaseModel):
    """What an import added."""

    episodes_added: int
    days_added: int
    episodes_skipped: int
    days_skipped: int


def invalid(field: str, message: str, where: str = "body") -> HTTPException:
    """A 422 naming one bad field, in the shape FastAPI gives its own validation errors."""
    return HTTPException(422, [{"loc": [where, field], "msg": message, "type": "value_error"}])


def date_param(name: str, raw: str | None, where: str = "query") -> dt.date | None:
    """A YYYY-MM-DD parameter (None when absent), or a 422 naming it."""
    try:
        return parse_date(name, raw)
    except FieldError as exc:
        raise invalid(name, exc.message, where) from None


def instant_param(name: str, raw: str | None, where: str = "body") -> dt.datetime | None:
    """An ISO 8601 date-time with offset (None when absent or blank), or a 422 naming it."""
    if raw is None or not raw.strip():
        return None
    try:
        return parse_instant(name, raw.strip())
    except FieldError as exc:
        raise invalid(name, exc.message, where) from None


LARGEST_ROW_ID = 2**63 - 1
"""The largest id either database stores (a signed 64-bit integer)."""


def row_id(raw: object) -> int | None:
    """A row id from a query or form value, or None: ASCII digits only ('²' is a digit to Python)."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= LARGEST_ROW_ID else None
