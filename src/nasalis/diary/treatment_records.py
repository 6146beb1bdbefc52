"""A treatment as a record: its fields, the rules that read them, and its JSON object.

No database here (the CLI reads flags with it before it opens the diary); the store's
functions are in nasalis.diary.treatments.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nasalis.diary.records import FieldError, RecordError, Rule, read_value, refuse_future_date
from nasalis.diary.vocab import AREAS, SIDES, TREATMENT_KINDS

KINDS = TREATMENT_KINDS

PRODUCT_MAX = 200
UNITS_MAX = 2000.0
"""The most units one record may carry: far above any dose given in one session."""
MAX_SITES = 20

TREATMENT_RULES: dict[str, Rule] = {
    "date": Rule("date", required=True),
    "kind": Rule("choice", options=KINDS, required=True),
    "product": Rule("text", high=PRODUCT_MAX),
    "units": Rule("number", low=0, high=UNITS_MAX),
    "sites": Rule("labels", high=MAX_SITES),
    "side": Rule("choice", options=SIDES),
    "note": Rule("text"),
}
"""How each field of a treatment is read, in the column order of treatments.csv."""


@dataclass(frozen=True)
class TreatmentRecord:
    """One treatment as the contract defines it."""

    date: dt.date
    kind: str
    product: str | None = None
    units: float | None = None
    sites: tuple[str, ...] | None = None
    """Where it was given: the intake's areas where they fit (eyelid, cheek), else as written."""
    side: str | None = None
    note: str | None = None

    def key(self) -> tuple[dt.date, str, str]:
        """The natural key (date, kind, product) that makes a re-import add nothing."""
        return (self.date, self.kind, (self.product or "").strip().casefold())


def _site(label: str) -> str:
    """An area of the intake's vocabulary when the label names one (any case), else the label."""
    lowered = label.strip().lower()
    return lowered if lowered in AREAS else label.strip()


def build_treatment(
    values: Mapping[str, object], *, text: bool, now: dt.datetime | None = None
) -> TreatmentRecord:
    """A treatment from a row, a form or JSON; RecordError names every bad field; never in the future."""
    unknown = [k for k in values if k not in TREATMENT_RULES]
    if unknown:
        raise FieldError(unknown[0], f"is not a treatment field (known: {', '.join(TREATMENT_RULES)})")
    checked: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, rule in TREATMENT_RULES.items():
        try:
            checked[name] = read_value(name, rule, values.get(name), text=text)
        except FieldError as exc:
            errors[name] = exc.message
    product = checked.get("product")
    if isinstance(product, str):
        product = product.strip()
        if len(product) > PRODUCT_MAX or "\n" in product:
            errors["product"] = f"must be one line of at most {PRODUCT_MAX} characters"
        checked["product"] = product or None
    date = checked.get("date")
    if isinstance(date, dt.date):
        try:
            refuse_future_date("date", date, now)
        except FieldError as exc:
            errors["date"] = exc.message
    if errors:
        raise RecordError(errors)
    sites = checked["sites"]
    return TreatmentRecord(
        date=typing.cast(dt.date, checked["date"]),
        kind=typing.cast(str, checked["kind"]),
        product=typing.cast("str | None", checked["product"]),
        units=typing.cast("float | None", checked["units"]),
        sites=tuple(dict.fromkeys(_site(s) for s in typing.cast(tuple[str, ...], sites))) if sites else None,
        side=typing.cast("str | None", checked["side"]),
        note=typing.cast("str | None", checked["note"]),
    )


def treatment_json(rec: TreatmentRecord) -> dict[str, Any]:
    """A treatment as the bundle's and the API's JSON object (empty fields left out)."""
    out: dict[str, Any] = {"date": rec.date.isoformat(), "kind": rec.kind}
    for name in list(TREATMENT_RULES)[2:]:
        value = getattr(rec, name)
        if value is not None:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out
