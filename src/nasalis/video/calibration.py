"""Calibrated confidence: the detector's raw score mapped to how often such events are real.

The detector's own score (how far a movement rose above its noise floor) is not a probability
(and orders events only weakly: docs/video.md). calibration.json holds a monotone map, fitted by
`python -m bench.video_calibrate --write` on generated tuning clips (isotonic regression of
"the event matched a true twitch" on the raw score), so that events given 0.8 are right about
80% of the time. The map is piecewise linear between its points, flat beyond the ends, and
bounded inside (0, 1): no event is ever certain, and none is ever certainly false.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from nasalis.video.events import Event

PATH = Path(__file__).with_name("calibration.json")
SCHEMA = "nasalis.video.calibration/1"
_RAW: ContextVar[bool] = ContextVar("nasalis_video_raw_confidence", default=False)


@dataclass(frozen=True)
class ConfidenceMap:
    """A non-decreasing piecewise-linear map from raw score to calibrated confidence."""

    raw: tuple[float, ...]
    calibrated: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.raw or len(self.raw) != len(self.calibrated):
            raise ValueError("calibration: raw and calibrated need the same, non-zero number of points")
        if any(b < a for a, b in pairwise(self.raw)):
            raise ValueError("calibration: raw points must not decrease")
        if any(b < a for a, b in pairwise(self.calibrated)):
            raise ValueError("calibration: calibrated values must not decrease (the map is monotone)")
        if not all(0.0 < y < 1.0 for y in self.calibrated):
            raise ValueError("calibration: calibrated values must lie strictly between 0 and 1")

    def __call__(self, score: float) -> float:
        """The calibrated confidence of one raw score."""
        return float(np.interp(score, self.raw, self.calibrated))

    def confidence(self, score: float) -> float:
        """The calibrated confidence as an event reports it (two decimals)."""
        return round(self(score), 2)

    def to_json(self) -> dict[str, Any]:
        """The points, for calibration.json."""
        return {"raw": list(self.raw), "calibrated": list(self.calibrated)}


def from_json(data: dict[str, Any]) -> ConfidenceMap:
    """A map from calibration.json's content; ValueError when it is not a valid map."""
    if data.get("schema") != SCHEMA:
        raise ValueError(f"calibration: schema must be {SCHEMA}")
    return ConfidenceMap(tuple(float(x) for x in data["raw"]), tuple(float(y) for y in data["calibrated"]))


@cache
def load(path: Path = PATH) -> ConfidenceMap:
    """The fitted map shipped with nasalis (read once)."""
    data: dict[str, Any] = json.loads(path.read_text())
    return from_json(data)


def calibrate(events: Sequence[Event], mapping: ConfidenceMap | None = None) -> list[Event]:
    """The events with their raw confidence replaced by the calibrated one (unless raw_scores() is on)."""
    if _RAW.get():
        return list(events)
    use = mapping or load()
    return [replace(e, confidence=use.confidence(e.confidence)) for e in events]


@contextmanager
def raw_scores() -> Iterator[None]:
    """Inside this block analyze() reports the detector's raw scores: what the calibration is fitted on."""
    token = _RAW.set(True)
    try:
        yield
    finally:
        _RAW.reset(token)
