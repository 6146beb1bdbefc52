"""The diary's vocabularies (shared with the assessment intake so both speak alike)."""

from __future__ import annotations

import typing
from typing import Literal

from nasalis.assessment.areas import Area

AREAS: tuple[str, ...] = typing.get_args(Area)
Side = Literal["left", "right", "both", "middle"]
SIDES: tuple[str, ...] = typing.get_args(Side)
Source = Literal["manual", "video"]
SOURCES: tuple[str, ...] = typing.get_args(Source)

DAY_FACTORS: tuple[str, ...] = (
    "sleep_hours",
    "stress",
    "caffeine_drinks",
    "alcohol_drinks",
    "water_litres",
    "exercise_minutes",
    "allergy_symptoms",
)
"""The day factors named by the diary contract, in column order."""
