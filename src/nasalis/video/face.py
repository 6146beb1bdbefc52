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


class FaceMesh:
    """One face tracked through a clip, landmarks in pixels."""

    def __init__(self, static: bool = False) -> None:
        """Track through a clip, or (static) find the face afresh in each of a few unrelated stills."""
        import mediapipe as mp  # heavy (TensorFlow Lite); only when a clip is analysed

        self._mesh: Any = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static,
            max_num_faces=1,
            refine_landmarks=True,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def landmarks(self, bgr: Array, only: Sequence[int] | None = None) -> Array | None:
        """(478, 2) pixel coordinates of the face (or of the `only` points), None if no face."""
        found = self._mesh.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        if not found.multi_face_landmarks:
            return None
        h, w = bgr.shape[:2]
        marks = found.multi_face_landmarks[0].landmark
        picked = marks if only is None else [marks[i] for i in only]
        return np.array([(p.x * w, p.y * h) for p in picked], dtype=np.float32)

    def close(self) -> None:
        """Free the graph."""
        self._mesh.close()
