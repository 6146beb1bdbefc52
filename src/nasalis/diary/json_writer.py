"""Write the JSON bundle, and each record as the bundle's JSON object."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nasalis.diary.atomic_file import write_atomically
from nasalis.diary.bundle import EXTRA_LISTS, SCHEMA, Extras
from nasalis.diary.records import DAY_MARKS, DAY_RULES, EPISODE_RULES, DayRecord, EpisodeRecord


def _known_fields(rec: EpisodeRecord | DayRecord, names: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(rec, name)
        if value is not None:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def episode_json(rec: EpisodeRecord) -> dict[str, Any]:
    """An episode as the bundle's JSON object (unknown fields left out)."""
    return {"started_at": rec.started_at.isoformat(), **_known_fields(rec, list(EPISODE_RULES)[1:])}


def day_json(rec: DayRecord) -> dict[str, Any]:
    """A day as the bundle's JSON object (unknown fields left out)."""
    out = {"date": rec.date.isoformat(), **_known_fields(rec, [*list(DAY_RULES)[1:], *DAY_MARKS])}
    if rec.morning_at is not None:
        out["morning_at"] = f"{rec.morning_at:%H:%M}"
    if rec.factors:
        out["factors"] = dict(sorted(rec.factors.items()))
    return out


def _present(rec: object) -> dict[str, Any]:
    """A record's fields as JSON values, empty ones left out."""
    out: dict[str, Any] = {}
    for name, value in vars(rec).items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None:
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def extras_json(extras: Extras) -> dict[str, Any]:
    """The bundle's optional top-level keys: only those with something in them."""
    out: dict[str, Any] = {}
    if extras.settings is not None:
        out["settings"] = extras.settings
    for key in EXTRA_LISTS:
        items = getattr(extras, key)
        if items:
            out[key] = [_present(item) for item in items]
    return out


def write_bundle(
    path: Path, episodes: Iterable[EpisodeRecord], days: Iterable[DayRecord], extras: Extras | None = None
) -> None:
    """Write the JSON bundle (atomically: a crash leaves the old file or the new, never half)."""
    data = {
        "schema": SCHEMA,
        "days": [day_json(d) for d in days],
        "episodes": [episode_json(e) for e in episodes],
        **extras_json(extras or Extras()),
    }
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
