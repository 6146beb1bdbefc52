"""Keyframes: a still at each of the strongest distinct twitches, the face cut out, the place ringed.

The frames at neighbouring moments of one flutter look the same, and so does a whole frame in
which one nasal ala moved by a few pixels. So keyframes are taken only at distinct twitches
(moments.choose, the strongest first), show the face rather than the room, and ring the
region and side that moved; fewer distinct twitches give fewer keyframes.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from nasalis.video.arrays import Array
from nasalis.video.decode import stills
from nasalis.video.face import REGIONS, FaceMesh
from nasalis.video.moments import choose, moment

WIDTH = 320
"""Pixels across a still: sharp on a phone, small in the database."""
FACE_MARGIN = 0.25
"""The cut-out face reaches this share of its own size beyond the landmarks."""
RING = (0, 212, 255)
"""The ring's colour (BGR yellow), drawn over a dark outline so it shows on any skin."""
NOSE_TIP = 1


def _ringed(frame: Array, marks: Array | None, event: Mapping[str, Any] | None, mirrored: bool) -> Array:
    """The face cut out of the frame (the whole frame when no face is found), the place ringed."""
    if marks is None:
        return frame
    iod = float(np.ptp(marks[list(REGIONS["eyelid"]), 0])) or 1.0
    out = frame.copy()
    if event is not None:
        for k in (0, 1):
            x, y = marks[REGIONS[str(event["region"])][k]]
            # The side on the image's right is the person's left, unless the clip is mirrored.
            side = "left" if (x > marks[NOSE_TIP][0]) != mirrored else "right"
            if event["side"] in (side, "both"):
                centre, radius = (round(float(x)), round(float(y))), max(6, round(0.22 * iod))
                cv2.circle(out, centre, radius, (0, 0, 0), max(3, round(iod / 18)), cv2.LINE_AA)
                cv2.circle(out, centre, radius, RING, max(2, round(iod / 30)), cv2.LINE_AA)
    lo, hi = marks.min(axis=0), marks.max(axis=0)
    pad = (hi - lo) * FACE_MARGIN
    h, w = frame.shape[:2]
    x0, y0 = np.clip(np.floor(lo - pad).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(hi + pad).astype(int), [x0 + 1, y0 + 1], [w, h])
    return out[y0:y1, x0:x1]


def _jpeg(frame: Array, width: int) -> str:
    scale = width / frame.shape[1]
    small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return "data:image/jpeg;base64," + base64.b64encode(data.tobytes()).decode() if ok else ""


def keyframes(
    path: Path, events: Sequence[Mapping[str, Any]], mirrored: bool = False, width: int = WIDTH
) -> list[str]:
    """JPEG stills (data: URIs) at the chosen twitches, in order; one of the clip's start if none."""
    chosen = choose(events)
    frames = stills(path, [moment(e) for e in chosen] or [0.0])
    mesh = FaceMesh(static=True)
    try:
        picked: list[Mapping[str, Any] | None] = list(chosen) or [None]
        return [
            _jpeg(_ringed(frame, mesh.landmarks(frame), event, mirrored), width)
            for frame, event in zip(frames, picked, strict=False)
        ]
    finally:
        mesh.close()
