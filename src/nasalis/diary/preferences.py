"""A person's settings: units, the reminder time, the country (its emergency number), with defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary.models import Preferences
from nasalis.diary.records import FieldError
from nasalis.knowledge.emergency import OTHER, load_numbers

DEFAULTS: dict[str, Any] = {
    "units": "metric",
    "reminder_time": "21:00",
    "name": "",
    "age_years": None,
    "country": "",
}
"""`name` and `age_years` are optional and appear only on the doctor's report. `country` is an
ISO code of nasalis.knowledge.emergency's table, "other", or "" (not asked yet)."""
UNITS = ("metric", "imperial")


def get(session: Session, person_id: int) -> dict[str, Any]:
    """The person's settings, defaults filled in."""
    row = session.get(Preferences, person_id)
    return {**DEFAULTS, **(row.data if row else {})}


def check(values: dict[str, str]) -> dict[str, Any]:
    """Validated settings from a form or JSON; FieldError names the bad one."""
    out: dict[str, Any] = {}
    for key, raw in values.items():
        if key == "units":
            if raw not in UNITS:
                raise FieldError("units", f"one of {', '.join(UNITS)}")
            out[key] = raw
        elif key == "reminder_time":
            try:
                out[key] = dt.time.fromisoformat(raw).strftime("%H:%M")
            except ValueError:
                raise FieldError("reminder_time", "a time like 21:00") from None
        elif key == "name":
            if len(raw) > 100 or any(ord(c) < 32 for c in raw):
                raise FieldError("name", "at most 100 characters, on one line")
            out[key] = raw.strip()
        elif key == "age_years":
            if raw.strip() == "":
                out[key] = None
            elif not (raw.strip().isascii() and raw.strip().isdigit()) or not 0 <= int(raw) <= 120:
                raise FieldError("age_years", "a whole number from 0 to 120, or empty")
            else:
                out[key] = int(raw)
        elif key == "country":
            out[key] = _country(raw)
        else:
            raise FieldError(key, "is not a setting")
    return out


def _country(raw: str) -> str:
    code = raw.strip()
    if code in ("", OTHER):
        return code
    if not code.isascii() or load_numbers().country(code) is None:
        raise FieldError("country", f"a country code of the list (such as DE, GB or US), or {OTHER!r}")
    return code.upper()


def save(session: Session, person_id: int, values: dict[str, str]) -> dict[str, Any]:
    """Store validated settings; the full settings after the change."""
    checked = check(values)
    row = session.get(Preferences, person_id)
    if row is None:
        session.add(Preferences(person_id=person_id, data={**DEFAULTS, **checked}))
    else:
        row.data = {**row.data, **checked}
    return {**DEFAULTS, **checked} if row is None else {**DEFAULTS, **row.data}
