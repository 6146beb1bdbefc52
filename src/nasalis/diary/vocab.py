"""The diary's vocabularies (shared with the assessment intake so both speak alike)."""

from __future__ import annotations

import typing
from typing import Literal

from nasalis.assessment.areas import Area
from nasalis.diary.factors import FACTORS

AREAS: tuple[str, ...] = typing.get_args(Area)
Side = Literal["left", "right", "both", "middle"]
SIDES: tuple[str, ...] = typing.get_args(Side)
Source = Literal["manual", "video"]
SOURCES: tuple[str, ...] = typing.get_args(Source)

DAY_FACTORS: tuple[str, ...] = tuple(f.name for f in FACTORS)
"""The day factors named by the diary contract, in column order (declared in nasalis.diary.factors)."""
TreatmentKind = Literal["botulinum_toxin", "procedure", "other"]
TREATMENT_KINDS: tuple[str, ...] = typing.get_args(TreatmentKind)
"""The kinds of treatment of the cycles contract (`nasalis treatment add KIND`)."""
