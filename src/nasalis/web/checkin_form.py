"""The check-in and twitch-details forms: their fields, labels, and how typed values are read."""

from __future__ import annotations

import contextlib
from typing import Any

from nasalis.diary.records import typed_tags

CHECK_IN = (
    ("sleep_hours", "Hours slept last night", "0.5"),
    ("stress", "Stress today (0-10)", "1"),
    ("caffeine_drinks", "Coffees, energy drinks, strong teas", "1"),
    ("alcohol_drinks", "Alcoholic drinks", "1"),
    ("water_litres", "Litres of water and other drinks", "0.1"),
    ("exercise_minutes", "Minutes of exercise", "5"),
)
CHECK_IN_EXTRA = ("allergy_symptoms", "tags", "date")
DETAILS = ("intensity", "side", "areas", "duration_s", "note")
FL_OZ_LITRES = 0.0295735
"""One US fluid ounce in litres: imperial settings enter and see water in ounces."""
LABELS = {
    **{name: label for name, label, _ in CHECK_IN},
    "allergy_symptoms": "Sneezing, itchy or runny nose",
    "tags": "Tags",
    "date": "Day",
    "started_at": "When",
    "time": "Time",
    "intensity": "How strong",
    "side": "Side",
    "areas": "Where",
    "duration_s": "How long",
    "note": "Note",
}
"""What each form field is called on the page (error summaries name fields by these)."""


def check_in_fields(units: str) -> tuple[tuple[str, str, str], ...]:
    """The check-in's number fields (name, label, step) in these units."""
    if units != "imperial":
        return CHECK_IN
    return tuple(
        ("water_litres", "Fluid ounces of water and other drinks", "1")
        if name == "water_litres"
        else (name, label, step)
        for name, label, step in CHECK_IN
    )


def form_values(form: Any, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The non-empty text values of these fields; a multi-valued field joined with ';'."""
    out: dict[str, str] = {}
    for name in names:
        values = [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        if values:
            out[name] = ";".join(v.strip() for v in values)
    return out


def check_in_values(typed: dict[str, str], imperial: bool) -> dict[str, str]:
    """The record's values from what was typed: ounces to litres, tags split on commas or ';'."""
    values = dict(typed)
    if imperial and "water_litres" in values:
        with contextlib.suppress(ValueError):  # else the record's own check names the bad value
            values["water_litres"] = str(round(float(values["water_litres"]) * FL_OZ_LITRES, 3))
    if "tags" in values:
        values["tags"] = typed_tags(values["tags"])
    return values
