"""Small clips of eyelids that close, fully or part way, for as long as asked.

The same public-domain photograph tools/twitchclips.py uses, placed the same way, with each
upper lid slid down over its eye by a share of the lid gap (1: the lids meet). The truth is
exact: the gap at time t is (1 - closure) of the open gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.float32]

# Face Mesh on the 512x512 photograph (refine on): upper lid y, lower lid y, corner x's.
_EYE_LIDS = {"right": (97.6, 104.3, 195.2, 213.3), "left": (99.7, 106.7, 237.0, 255.8)}
CLOSE_S = 0.07
OPEN_S = 0.12


@dataclass(frozen=True)
class Closure:
    """The lids of one or both eyes close to `depth` of the gap, stay `held_s`, then open."""

    start_s: float
    held_s: float
    depth: float = 1.0
    eyes: tuple[str, ...] = ("right", "left")

    def at(self, t: float) -> float:
        """How far closed at time t (0 open, 1 shut)."""
        u = t - self.start_s
        if u < 0 or u > CLOSE_S + self.held_s + OPEN_S:
            return 0.0
        if u < CLOSE_S:
            return self.depth * math.sin(math.pi / 2 * u / CLOSE_S) ** 2
        if u <= CLOSE_S + self.held_s:
            return self.depth
        return self.depth * math.cos(math.pi / 2 * (u - CLOSE_S - self.held_s) / OPEN_S) ** 2


@dataclass
class LidClip:
    """A clip of a still face whose lids close as listed."""

    seconds: float
    closures: list[Closure] = field(default_factory=list)
    size: tuple[int, int] = (640, 360)
    fps: float = 30.0
    noise: float = 2.0

    def closed(self, t: float, eye: str) -> float:
        """The truth: how far this eye is closed at time t."""
        return max([c.at(t) for c in self.closures if eye in c.eyes], default=0.0)

    def shut_seconds(self, eye: str, shut_from: float) -> float:
        """The truth: time this eye spends at least `shut_from` closed, at the frame times."""
        n = round(self.seconds * self.fps)
        return sum(self.closed(i / self.fps, eye) >= shut_from for i in range(n)) / self.fps


def render_lids(clip: LidClip, path: Path, under: Path | None = None) -> Path:
    """Write the clip (MP4, mp4v) to path; with `under`, a clip of the same size made by
    tools/twitchclips.py without head motion, its frames are the face whose lids close."""
    from skimage import data

    photo = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)  # type: ignore[no-untyped-call]
    width, height = clip.size
    scale = 3.0 * width / 1280
    m = np.array([[scale, 0, width / 2 - scale * 224.0], [0, scale, height / 2 - scale * 118.0]])
    base = cv2.warpAffine(photo, m, clip.size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    gx, gy = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    eyes = {}
    whole = np.zeros((height, width), np.uint8)
    for eye, (up, low, x0, x1) in _EYE_LIDS.items():
        up, low = up * scale + m[1, 2] - scale, low * scale + m[1, 2] + scale
        x0, x1 = x0 * scale + m[0, 2] - 2 * scale, x1 * scale + m[0, 2] + 2 * scale
        cx, cy, ax, ay = (x0 + x1) / 2, (up + low) / 2, (x1 - x0) / 2, (low - up) / 2
        u = np.clip((gx - cx) / ax, -1, 1)
        half = ay * np.sqrt(1 - u * u)  # the eye's outline: an ellipse
        inside = (np.abs(gx - cx) < ax) & (np.abs(gy - cy) < half)
        eyes[eye] = (cy - half, cy + half, inside)
        whole |= inside.astype(np.uint8)
    # The shut eye: the eye's opening filled with the skin around it.
    shut = cv2.inpaint(base, cv2.dilate(whole, np.ones((5, 5), np.uint8)), 5, cv2.INPAINT_TELEA)
    rng = np.random.default_rng(7)
    source = cv2.VideoCapture(str(under)) if under is not None else None
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), clip.fps, clip.size)
    for i in range(round(clip.seconds * clip.fps)):
        t = i / clip.fps
        frame = base.astype(np.float32)
        if source is not None:
            ok, read = source.read()
            frame = read.astype(np.float32) if ok else frame
        for eye, (top, bottom, inside) in eyes.items():
            k = clip.closed(t, eye)
            if k <= 0:
                continue
            edge = top + k * (bottom - top)  # the upper lid's margin, come down
            lid = (inside & (gy < edge)).astype(np.float32)
            lid = cv2.GaussianBlur(lid, (0, 0), 0.6)[..., None]
            frame = frame * (1 - lid) + shut.astype(np.float32) * lid
            middle, half = gx[inside].mean(), np.ptp(gx[inside]) / 2
            lashes = (np.abs(gy - edge) < 1.2 * scale) & (np.abs(gx - middle) < half)
            frame[lashes] *= 0.45
        if clip.noise:
            frame += rng.normal(0, clip.noise, frame.shape).astype(np.float32)
        writer.write(np.clip(frame, 0, 255).astype(np.uint8))
    writer.release()
    if source is not None:
        source.release()
    return path
