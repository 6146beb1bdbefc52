"""The moments around each event a person reviews: a few stills from a second before to a second after.

The clip itself is deleted once measured (see jobs.py), so the person cannot replay it; these
stills, taken while it is still at hand, stand in for the 2 s around each uncertain event.
Each is the face cut out, with the place that moved ringed, as the keyframes are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from nasalis.video.decode import stills
from nasalis.video.face import FaceMesh
from nasalis.video.keyframes import _jpeg, _ringed
from nasalis.video.review import asked

AROUND_S = 1.0
"""The stills reach this far before the event's start and after its end."""
STILLS = 5
"""Stills an event: before, the start, the middle, the end, after."""
WIDTH = 160
"""Pixels across one still: five fit two rows of a phone's screen and stay small in the database."""


def moments(event: Mapping[str, Any], duration_s: float, fps: float) -> list[float]:
    """When the stills of one event are taken (s), inside the clip."""
    start, end = float(event["start_s"]), float(event["end_s"])
    last = max(0.0, duration_s - 1.0 / max(fps, 1.0))
    times = np.linspace(start - AROUND_S, end + AROUND_S, STILLS)
    # Rounded down to the hundredth, so the last still is never past the last frame.
    return sorted({math.floor(float(min(max(t, 0.0), last)) * 100) / 100 for t in times})


def review_frames(
    path: Path, result: Mapping[str, Any], mirrored: bool = False
) -> dict[str, list[list[Any]]]:
    """For each event asked about (key: its index), [time s, JPEG data: URI] pairs in order."""
    events = result["events"]
    out: dict[str, list[list[Any]]] = {}
    wanted = asked(events)
    if not wanted:
        return out
    mesh = FaceMesh(static=True)
    try:
        for i in wanted:
            times = moments(events[i], float(result["duration_s"]), float(result["fps"]))
            frames = stills(path, times)
            out[str(i)] = [
                [t, _jpeg(_ringed(frame, mesh.landmarks(frame), events[i], mirrored), WIDTH)]
                for t, frame in zip(times, frames, strict=False)
            ]
    finally:
        mesh.close()
    return out
