"""The check-in and twitch-details forms: their fields, labels, and how typed values are read."""

from __future__ import annotations

import contextlib
from typing import Any

from nasalis.diary.factors import EVENING_CHECK_IN, FACTORS, MORNING_CHECK_IN, NUMBERS, Factor
from nasalis.diary.records import typed_tags

CHECK_IN = tuple((f.name, f.shown_label, f.step) for f in NUMBERS)
"""The check-in's number fields (name, label, step), from the factors' declaration."""
CHECK_IN_EXTRA = (*(f.name for f in FACTORS if f.type == "bool"), "tags", "date")
MORNING = tuple(f for f in MORNING_CHECK_IN if f.type != "bool")
"""The Today page's morning card: the night just ended and the morning so far."""
EVENING = tuple(f for f in EVENING_CHECK_IN if f.type != "bool")
"""The Today page's evening card: the rest of the day's numbers."""
DETAILS = ("intensity", "side", "areas", "duration_s", "note")
LABELS = {
    **{f.name: f.shown_label for f in FACTORS},
    "tags": "Tags",
    "date": "Day",
    "morning_at": "Time of the morning check-in",
    "no_twitches": "No twitches today",
    "started_at": "When",
    "time": "Time",
    "intensity": "How strong",
    "side": "Side",
    "areas": "Where",
    "duration_s": "How long",
    "note": "Note",
}
"""What each form field is called on the page (error summaries name fields by these)."""


def check_in_fields(units: str, asked: tuple[Factor, ...] = NUMBERS) -> tuple[tuple[str, str, str], ...]:
    """The check-in's number fields (name, label, step) in these units: all, or those `asked`."""
    return tuple(
        (f.name, f.imperial.label, f.imperial.step)
        if f.imperial and units == "imperial"
        else (f.name, f.shown_label, f.step)
        for f in asked
    )


def shown_in_units(values: dict[str, Any], units: str) -> dict[str, Any]:
    """Stored values as the form shows them: a factor with an imperial unit in that unit."""
    if units != "imperial":
        return values
    shown = dict(values)
    for f in NUMBERS:
        if f.imperial and shown.get(f.name) is not None:
            shown[f.name] = round(shown[f.name] / f.imperial.per_unit)
    return shown


def form_values(form: Any, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The non-empty text values of these fields; a multi-valued field joined with ';'."""
    out: dict[str, str] = {}
    for name in names:
        values = [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        if values:
            out[name] = ";".join(v.strip() for v in values)
    return out


def check_in_values(typed: dict[str, str], imperial: bool) -> dict[str, str]:
    """The record's values from what was typed: imperial units to the stored ones, tags split."""
    values = dict(typed)
    for f in NUMBERS:
        if imperial and f.imperial and f.name in values:
            with contextlib.suppress(ValueError):  # else the record's own check names the bad value
                values[f.name] = str(round(float(values[f.name]) * f.imperial.per_unit, 3))
    if "tags" in values:
        values["tags"] = typed_tags(values["tags"])
    return values
