"""The diary content of one import or export: episodes, days and what only the JSON bundle carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from nasalis.diary.clinician_scores import ScoreRecord
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.treatment_records import TreatmentRecord

SCHEMA = "nasalis.diary/1"
EPISODES_CSV = "episodes.csv"
DAYS_CSV = "days.csv"
TREATMENTS_CSV = "treatments.csv"
"""Optional beside the other two: the treatments (injections, procedures) that start cycles."""
CSV_FILES = (EPISODES_CSV, DAYS_CSV, TREATMENTS_CSV)
"""Every CSV file an import reads, in the order it reads them."""


class InterchangeError(ValueError):
    """A file that cannot be imported; the message names file, line and column."""


@dataclass(frozen=True)
class MedicineRecord:
    """A medicine as the bundle carries it (its lexicon match is worked out again on import)."""

    name: str
    dose: str | None = None
    started_on: dt.date | None = None
    stopped_on: dt.date | None = None


@dataclass(frozen=True)
class NoteRecord:
    """A free-text note and when it was written."""

    written_at: dt.datetime
    text: str


@dataclass(frozen=True)
class AssessmentRecord:
    """An assessment as it was answered and shown."""

    at: dt.datetime
    level: str
    intake: dict[str, Any]
    result: dict[str, Any]


@dataclass(frozen=True)
class ExperimentRecord:
    """An N-of-1 experiment's plan, and the day it was stopped early if it was."""

    title: str
    start_date: dt.date
    block_days: int
    washout_days: int
    schedule: tuple[str, ...]
    stopped_on: dt.date | None = None


@dataclass
class Extras:
    """What only the JSON bundle carries, beside the episodes and days."""

    medications: list[MedicineRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    experiments: list[ExperimentRecord] = field(default_factory=list)
    treatments: list[TreatmentRecord] = field(default_factory=list)
    """Also read from treatments.csv; an import skips one already there (date, kind, product)."""
    clinician_scores: list[ScoreRecord] = field(default_factory=list)
    settings: dict[str, Any] | None = None


@dataclass
class Bundle:
    """The diary content of one import: episodes and days, each with its source line, and extras."""

    episodes: list[EpisodeRecord] = field(default_factory=list)
    days: list[DayRecord] = field(default_factory=list)
    episode_lines: list[str] = field(default_factory=list)
    day_lines: list[str] = field(default_factory=list)
    extras: Extras = field(default_factory=Extras)


LINES = {"episodes": "episode_lines", "days": "day_lines"}
"""Where each episode and day came from (an import that finds one twice names both places)."""
EXTRA_LISTS = ("medications", "notes", "experiments", "assessments", "treatments", "clinician_scores")
"""The bundle's optional lists beside episodes and days, in the order they are written."""
LIST_KEYS = frozenset({"episodes", "days", *EXTRA_LISTS})
"""The bundle's top-level keys whose value is a list of entries."""


def check_unique(bundle: Bundle) -> None:
    seen: dict[object, str] = {}
    for rec, where in zip(bundle.episodes, bundle.episode_lines, strict=True):
        key = rec.started_at.timestamp()
        if key in seen:
            raise InterchangeError(
                f"{where}: an episode at {rec.started_at.isoformat()} is already at {seen[key]}"
            )
        seen[key] = where
    for day, where in zip(bundle.days, bundle.day_lines, strict=True):
        if day.date in seen:
            raise InterchangeError(f"{where}: the day {day.date} is already at {seen[day.date]}")
        seen[day.date] = where
