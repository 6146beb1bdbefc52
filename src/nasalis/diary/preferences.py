"""A person's settings: units and the reminder time, with defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary.models import Preferences
from nasalis.diary.records import FieldError

DEFAULTS: dict[str, Any] = {"units": "metric", "reminder_time": "21:00"}
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
        else:
            raise FieldError(key, "is not a setting")
    return out


def save(session: Session, person_id: int, values: dict[str, str]) -> dict[str, Any]:
    """Store validated settings; the full settings after the change."""
    checked = check(values)
    row = session.get(Preferences, person_id)
    if row is None:
        session.add(Preferences(person_id=person_id, data={**DEFAULTS, **checked}))
    else:
        row.data = {**row.data, **checked}
    return {**DEFAULTS, **checked} if row is None else {**DEFAULTS, **row.data}
