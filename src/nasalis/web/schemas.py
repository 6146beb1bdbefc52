"""The JSON API's bodies, as pydantic models (they document the API in /docs).

Types are checked here; ranges are only documented here (from nasalis.diary.factors) and checked
by the diary's own rules (nasalis.diary.records), so the API, the CLI, the pages and an import
refuse a bad value with the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import HTTPException
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from nasalis.assessment.intake import Area
from nasalis.diary import factors as limits
from nasalis.diary.records import FieldError, parse_date, parse_instant
from nasalis.diary.vocab import Side, Source


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _documented(description: str | None = None, **bounds: float) -> Any:
    """An optional field whose bounds the schema states and the diary's rules check."""
    extra: JsonDict = {**bounds}
    return Field(None, description=description, json_schema_extra=extra or None)


def _factor(name: str) -> Any:
    """A day factor's field, documented from its declaration."""
    f = limits.BY_NAME[name]
    bounds = {"minimum": f.low, "maximum": f.high} if f.low is not None and f.high is not None else {}
    return _documented(f.shown_label, **bounds)


class EpisodeIn(_Strict):
    """A twitch, as the diary contract defines an episode."""

    started_at: str = Field(description="ISO 8601 with UTC offset, e.g. 2026-03-02T08:15:00+01:00")
    duration_s: float | None = _documented("seconds", minimum=0, maximum=limits.DURATION_MAX_S)
    intensity: int | None = _documented(minimum=limits.INTENSITY_LOW, maximum=limits.INTENSITY_HIGH)
    side: Side | None = None
    areas: list[Area] | None = None
    source: Source | None = None
    note: str | None = _documented(maxLength=limits.MAX_TEXT)


class EpisodeOut(EpisodeIn):
    """A stored episode."""

    id: int


class DayIn(_Strict):
    """A day's check-in (the date comes from the path)."""

    sleep_hours: float | None = _factor("sleep_hours")
    stress: int | None = _factor("stress")
    caffeine_drinks: float | None = _factor("caffeine_drinks")
    alcohol_drinks: float | None = _factor("alcohol_drinks")
    water_litres: float | None = _factor("water_litres")
    exercise_minutes: float | None = _factor("exercise_minutes")
    allergy_symptoms: bool | None = _factor("allergy_symptoms")
    morning_stress: int | None = _factor("morning_stress")
    morning_caffeine: float | None = _factor("morning_caffeine")
    tags: list[str] | None = _documented(maxItems=limits.MAX_TAGS)
    factors: dict[str, float] | None = _documented(maxProperties=limits.MAX_CUSTOM_FACTORS)
    morning_at: str | None = Field(
        None,
        description="When the morning check-in was made, local time HH:MM (not later than now today)",
        examples=["07:30"],
    )
    no_twitches: bool | None = Field(
        None, description='"No twitches today": the day is known and had none (refused if it has twitches)'
    )


class DayOut(DayIn):
    """A stored check-in."""

    date: str


class ExperimentIn(_Strict):
    """An experiment to plan."""

    title: str = Field(min_length=1, max_length=200)
    start: str | None = Field(None, description="YYYY-MM-DD, default tomorrow")
    pairs: int = Field(2, ge=1, le=14)
    block_days: int = Field(7, ge=3, le=28)
    washout_days: int | None = Field(
        None,
        ge=0,
        le=26,
        description="settling-in days after each switch of condition; default 2 (1 for 3-day blocks)",
    )
    planned_change: float | None = Field(
        None,
        description="the fall in twitches it is sized for: 0.5, 0.3 or 0.2 (see GET /api/experiments/sizing)",
    )


class KeptIn(_Strict):
    """Whether the change was kept on one change day of the experiment."""

    date: str | None = Field(None, description="YYYY-MM-DD, default today")
    kept: bool


class SettingsIn(_Strict):
    """A person's settings."""

    units: str | None = None
    reminder_time: str | None = None
    name: str | None = Field(None, max_length=100)
    age_years: str | None = Field(None, max_length=3, description="whole years, or empty")
    country: str | None = Field(
        None,
        max_length=5,
        description="ISO 3166 code (DE, GB, US...) whose emergency number the pages show; 'other'; or empty",
    )


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


class ScoreIn(_Strict):
    """A clinician-rated score the person copies from a letter (nasalis never computes one)."""

    scale: str = Field(description="The scale's name, e.g. 'Hemifacial spasm grade'", max_length=120)
    value: str = Field(description="The score as written: '2', 'Grade II', '14/30'", max_length=60)
    rated_on: str = Field(description="YYYY-MM-DD, the day it was rated")
    rated_by: str | None = Field(
        None, description="Who rated it, e.g. 'Dr Okafor, neurology'", max_length=200
    )
    note: str | None = Field(None, max_length=2000)


class ScoreOut(BaseModel):
    """A stored score; `source` is `clinic` when a clinician entered it, `letter` when the person did."""

    id: int
    scale: str
    value: str
    value_number: float | None = Field(description="The value as a number when it plainly is one")
    rated_on: str
    rated_by: str | None
    source: str
    note: str | None
