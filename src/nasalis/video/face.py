"""MediaPipe's legacy Face Mesh (its model ships in the mediapipe 0.10.21 wheel)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import cv2
import numpy as np

from nasalis.video.arrays import Array

# Landmark indices of the 478-point mesh (refine_landmarks on adds the irises, 468-477).
IRIS = (468, 473)
STABLE = (168, 6, 197, 195, 5, 4, 10, 151, 9, 108, 337, 234, 454)
"""Nose bridge and ridge, forehead and the face's sides at eye level: they move with the head,
not with a twitch or a blink (eye corners are left out: the mesh bends them in a blink)."""
ANCHORS = (10, 151, 9, 108, 337, 105, 334, 66, 296, 4, 152)
"""Forehead, glabella, nose bridge and brows: 'the rest of the face' regions are measured against."""
REGIONS: dict[str, tuple[int, int]] = {
    "nose": (129, 358),  # nasal ala, where nasalis pulls
    "eyelid": (159, 386),  # upper lid, middle
    "lower_eyelid": (145, 374),  # lower lid, middle: reported as region eyelid, lid lower
    "cheek": (205, 425),
    "mouth": (61, 291),  # mouth corners
}
"""The places measured, each a pair of landmarks (one per side)."""
Lid = Literal["upper", "lower"]
LIDS: dict[str, Lid] = {"eyelid": "upper", "lower_eyelid": "lower"}
"""The two lid places: both are region `eyelid` in the results, told apart by `lid`."""
REPORTED_REGIONS = tuple(dict.fromkeys("eyelid" if place in LIDS else place for place in REGIONS))
"""The regions results name (the contract's): nose, eyelid, cheek, mouth."""


TILE = 0.5
"""A face too small for Face Mesh's detector in the whole frame is looked for in tiles of this
share of the frame's width and height (overlapping by half). Its detector sees a 128 px
picture: a face with eyes 60-65 px apart at the side of a 1280x720 frame was not found."""
SEARCH_EVERY = 15
"""While no face is found, the tiles are searched on every this many frames (half a second)."""
WINDOW_IODS = 4.0
"""Once found in a tile, Face Mesh follows the face in a window this many inter-ocular
distances on each side of it (fixed for the clip, so its tracking sees one picture size)."""


def _model(static: bool) -> Any:
    import mediapipe as mp  # heavy (TensorFlow Lite); only when a clip is analysed

    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=static,
        max_num_faces=1,
        refine_landmarks=True,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    )


def _points(mesh: Any, bgr: Array, x0: int, y0: int) -> Array | None:
    """All the landmarks of the face in this picture, in pixels of the frame it was cut from."""
    found = mesh.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    if not found.multi_face_landmarks:
        return None
    h, w = bgr.shape[:2]
    marks = found.multi_face_landmarks[0].landmark
    return np.array([(p.x * w + x0, p.y * h + y0) for p in marks], dtype=np.float32)


class FaceMesh:
    """One face tracked through a clip, landmarks in pixels."""

    def __init__(self, static: bool = False) -> None:
        """Track through a clip, or (static) find the face afresh in each of a few unrelated stills."""
        self._static = static
        self._mesh: Any = _model(static)
        self._window: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 once a small face is found
        self._search: Any = None  # the still-picture model the tiles are searched with
        self._misses = 0

    def landmarks(self, bgr: Array, only: Sequence[int] | None = None) -> Array | None:
        """(478, 2) pixel coordinates of the face (or of the `only` points), None if no face."""
        h, w = bgr.shape[:2]
        x0, y0, x1, y1 = self._window or (0, 0, w, h)
        marks = _points(self._mesh, bgr[y0:y1, x0:x1], x0, y0)
        if marks is None and self._window is None and not self._static:
            # Tiles cost nine Face Mesh runs: a clip with no face is not searched at every frame.
            self._misses += 1
            if self._misses % SEARCH_EVERY == 1:
                marks = self._small_face(bgr)
        if marks is None:
            return None
        return marks if only is None else marks[list(only)]

    def _small_face(self, bgr: Array) -> Array | None:
        """Look for the face in overlapping tiles; found, follow it in a window around it."""
        h, w = bgr.shape[:2]
        tw, th = round(w * TILE), round(h * TILE)
        if self._search is None:
            self._search = _model(static=True)
        for y0 in range(0, h - th + 1, max(th // 2, 1)):
            for x0 in range(0, w - tw + 1, max(tw // 2, 1)):
                marks = _points(self._search, bgr[y0 : y0 + th, x0 : x0 + tw], x0, y0)
                if marks is not None:
                    iod = float(np.linalg.norm(marks[IRIS[0]] - marks[IRIS[1]]))
                    (cx, cy), reach = marks.mean(axis=0), WINDOW_IODS * iod
                    self._window = x0, y0, x1, y1 = (
                        max(0, int(cx - reach)),
                        max(0, int(cy - reach)),
                        min(w, int(cx + reach)),
                        min(h, int(cy + reach)),
                    )
                    # The tracking model's own fit, so the first face frame matches those after it.
                    tracked = _points(self._mesh, bgr[y0:y1, x0:x1], x0, y0)
                    return marks if tracked is None else tracked
        return None

    def close(self) -> None:
        """Free the graphs."""
        self._mesh.close()
        if self._search is not None:
            self._search.close()
