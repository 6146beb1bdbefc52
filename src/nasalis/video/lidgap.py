"""How far each eye is open, from Face Mesh's eyelid landmarks."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np

from nasalis.video.arrays import Array

_EYES = (
    # (upper, lower) lid pairs across the eye, then its two corners; first the eye whose upper lid
    # is REGIONS["eyelid"][0] (159), then the one of [1] (386), as the motion keys are ordered.
    (((159, 145), (160, 144), (158, 153)), (33, 133)),
    (((386, 374), (385, 380), (387, 373)), (362, 263)),
)
EYE_POINTS: tuple[int, ...] = tuple(i for pairs, corners in _EYES for pair in (*pairs, corners) for i in pair)
"""The landmarks eye_apertures reads, in the order it reads them."""


def eye_apertures(points: Array) -> tuple[float, float]:
    """Each eye's lid gap over its width (about 0.3 open, near 0 shut), from the EYE_POINTS rows."""
    out = []
    for e in range(2):
        p = points[8 * e : 8 * e + 8].astype(np.float64)
        gap = np.mean([np.linalg.norm(p[2 * k] - p[2 * k + 1]) for k in range(3)])
        width = float(np.linalg.norm(p[6] - p[7])) or 1.0
        out.append(round(float(gap) / width, 4))
    return out[0], out[1]


NEAR_DIP = 0.85
"""A Face Mesh frame whose eye gap is below this share of the recent open gap may be next to a
blink: the frames Face Mesh skipped on either side of it are read too."""


class LidGaps:
    """Eye openings by frame time: on every Face Mesh frame, and on every frame next to a dip.

    Face Mesh runs on every third frame, and a blink shut for a tenth of a second can fall
    between two of them and read as half-closed; reading the few frames around each dip costs
    about 4 extra Face Mesh calls a blink.
    """

    def __init__(self, store: dict[float, tuple[float, float]]) -> None:
        self.store = store
        self.recent: deque[tuple[float, float]] = deque(maxlen=30)
        self.last_dipped = False

    def fill(
        self, before: list[tuple[float, Array]], t: float, landmarks: Callable[[Array], Array | None]
    ) -> None:
        """After Face Mesh read the frame at t: read the frames before it when t or the Face Mesh
        frame before them was near a dip (landmarks gives the EYE_POINTS of a frame)."""
        now = self.store.get(t)
        dipped = False
        if now is not None:
            if self.recent:
                usual = np.median(np.asarray(self.recent), axis=0)
                dipped = bool((np.asarray(now) < NEAR_DIP * usual).any())
            if not dipped:
                self.recent.append(now)
        if dipped or self.last_dipped:
            for tb, bgr in before:
                found = landmarks(bgr)
                if found is not None:
                    self.store[tb] = eye_apertures(found)
        self.last_dipped = dipped
