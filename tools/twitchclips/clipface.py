"""The photograph placed in a frame, with its landmarks and regions in frame pixels."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[Any]  # float images and weights; OpenCV's stubs type its results loosely
U8Array = NDArray[Any]  # 8-bit BGR images, as OpenCV's stubs type them

# Face Mesh landmarks measured once on the 512x512 photograph (refine_landmarks on), so the
# generator needs no model: the person's right side is on the image's left.
PHOTO_POINTS = {
    ("nose", "right"): (208.0, 123.5),  # landmark 129, nasal ala
    ("nose", "left"): (240.1, 125.3),  # 358
    ("eyelid", "right"): (202.8, 97.6),  # 159, upper lid margin
    ("eyelid", "left"): (248.3, 99.7),  # 386
    ("cheek", "right"): (194.9, 124.6),  # 205
    ("cheek", "left"): (253.2, 128.0),  # 425
    ("mouth", "right"): (201.8, 139.2),  # 61, mouth corner
    ("mouth", "left"): (245.0, 141.0),  # 291
}
PHOTO_LOWER_LIDS = {"right": (203.4, 104.3), "left": (246.6, 106.7)}  # 145, 374: lower lid margin
PHOTO_EYES = {"right": (203.5, 101.1), "left": (246.6, 103.5)}  # iris centres 468 and 473
PHOTO_MOUTH = (223.4, 146.0)
PHOTO_CHIN = (221.3, 177.4)  # 152
PHOTO_FOREHEAD = (226.3, 71.7)  # 10
PHOTO_CENTRE = (224.0, 118.0)  # between the eyes and the mouth: where the face is placed
PHOTO_IOD = float(
    np.hypot(PHOTO_EYES["left"][0] - PHOTO_EYES["right"][0], PHOTO_EYES["left"][1] - PHOTO_EYES["right"][1])
)


@lru_cache(maxsize=1)
def _photo() -> U8Array:
    from skimage import data  # the photograph ships inside scikit-image

    out: U8Array = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)  # type: ignore[no-untyped-call]
    return out


class Face:
    """The photograph placed in a frame: by default eyes ~130 px apart at 1280 wide, centred.

    `iod_px` and `centre` (frame pixels) place it elsewhere, at another size.
    """

    def __init__(
        self, size: tuple[int, int], iod_px: float | None = None, centre: tuple[float, float] | None = None
    ) -> None:
        photo = _photo()
        width, height = size
        if iod_px is None and centre is None:
            scale = 3.0 * width / 1280
            # A portrait frame is taller than the scaled photograph: centred, its reflected border
            # would hold a second, upside-down face, so the photograph starts at the frame's top.
            middle = min(height / 2, scale * PHOTO_CENTRE[1]) if height > width else height / 2
            where = (width / 2, middle)
            border = cv2.BORDER_REFLECT
        else:
            scale = (iod_px or 3.0 * width / 1280 * PHOTO_IOD) / PHOTO_IOD
            where = centre or (width / 2, height / 2)
            # a small face leaves the frame wider than the photograph: a reflected border would
            # put a second face beside it, so the edge pixels are stretched instead
            border = cv2.BORDER_REPLICATE
        m = np.array(
            [[scale, 0, where[0] - scale * PHOTO_CENTRE[0]], [0, scale, where[1] - scale * PHOTO_CENTRE[1]]]
        )
        self.scale = scale
        self.centre = where
        self.base: U8Array = cv2.warpAffine(photo, m, size, flags=cv2.INTER_CUBIC, borderMode=border)

        def place(p: tuple[float, float]) -> FloatArray:
            return np.array([m[0, 0] * p[0] + m[0, 2], m[1, 1] * p[1] + m[1, 2]])

        self.points = {k: place(p) for k, p in PHOTO_POINTS.items()}
        self.lower_lids = {k: place(p) for k, p in PHOTO_LOWER_LIDS.items()}
        self.eye = {k: place(p) for k, p in PHOTO_EYES.items()}
        self.eyes = [self.eye["right"], self.eye["left"]]
        self.mouth = place(PHOTO_MOUTH)
        self.chin = place(PHOTO_CHIN)
        self.forehead = place(PHOTO_FOREHEAD)
        self.iod = float(np.linalg.norm(self.eyes[1] - self.eyes[0]))
        lo = np.min(list(self.points.values()), axis=0) - 0.8 * self.iod
        hi = np.max(list(self.points.values()), axis=0) + 0.8 * self.iod
        self.box = (int(max(lo[0], 0)), int(max(lo[1], 0)), int(min(hi[0], width)), int(min(hi[1], height)))
        x0, y0, x1, y1 = self.box
        self.gx, self.gy = np.meshgrid(
            np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32)
        )

    def gauss(self, centre: FloatArray, sx: float, sy: float, sy_below: float | None = None) -> FloatArray:
        """A Gaussian weight over the face box; `sy_below` gives it another spread below the centre."""
        ry = self.gy - centre[1]
        ry = np.where(ry > 0, ry / sy_below, ry / sy) if sy_below is not None else ry / sy
        out: FloatArray = np.exp(-(((self.gx - centre[0]) / sx) ** 2 + ry**2) / 2).astype(np.float32)
        return out
