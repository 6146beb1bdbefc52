"""The conditions a clip is filmed in: each one a switch, recorded in the truth file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from tools.twitchclips.clipface import Face, U8Array
from tools.twitchclips.clipspec import ClipSpec

CONDITIONS = (
    "face_size",
    "lighting",
    "skin_tone",
    "low_light",
    "very_low_light",
    "motion_blur",
    "occlusion",
    "occlusion_over_region",
    "glasses",
    "compression",
    "talking",
)
"""Every condition by name; `mixed` (the default) draws several ordinary ones at random."""

EXTREME = frozenset({"occlusion_over_region", "very_low_light"})
"""Conditions past what the goal asks of the detector: a hand over the twitching region itself,
and a room so dark that the face is a few grey levels deep in noise."""

ORDINARY = tuple(c for c in CONDITIONS if c not in EXTREME)


def condition_switches(active: dict[str, Any]) -> dict[str, bool]:
    """Every condition's name with whether it is on."""
    return {name: name in active for name in CONDITIONS}


def chosen(conditions: str | Sequence[str], rng: np.random.Generator) -> list[str]:
    """The condition names a request means: "mixed" draws 2-4 ordinary ones, "plain" none."""
    names = [conditions] if isinstance(conditions, str) else list(conditions)
    if names == ["mixed"]:
        ready = [n for n in ORDINARY if n in _DRAW]
        k = min(len(ready), int(rng.integers(2, 5)))
        return sorted(str(n) for n in rng.choice(ready, size=k, replace=False))
    if names == ["plain"]:
        return []
    unknown = [n for n in names if n not in _DRAW]
    if unknown:
        raise ValueError(f"condition: {unknown[0]!r} is not one of mixed, plain, {', '.join(CONDITIONS)}")
    return sorted(set(names))


def draw_conditions(
    spec: ClipSpec, conditions: str | Sequence[str], rng: np.random.Generator
) -> dict[str, Any]:
    """Each chosen condition's parameters, drawn for this clip (it may change spec, e.g. talking)."""
    out: dict[str, Any] = {}
    for name in chosen(conditions, rng):
        out[name] = _DRAW[name](spec, rng)
    return out


def _face_size(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    # log-uniform: as many small faces (a phone at arm's length) as large ones; the centre
    # anywhere that keeps forehead (1.1 IOD above it) and chin (1.4 IOD below) in the frame
    iod = float(np.exp(rng.uniform(np.log(60.0), np.log(200.0))))
    # fractions of the frame, so a phone's portrait frame can take the same face
    lo_x, hi_x = 1.4 * iod / 1280, 1 - 1.4 * iod / 1280
    lo_y, hi_y = 1.1 * iod / 720, 1 - 1.4 * iod / 720
    return {
        "iod_px": round(iod, 1),
        "centre_x": round(float(rng.uniform(lo_x, hi_x)), 3),
        "centre_y": round(float(rng.uniform(lo_y, hi_y)), 3),
    }


_DRAW: dict[str, Any] = {"face_size": _face_size}


def ffmpeg_exe() -> str:
    """The ffmpeg on PATH, else the one the imageio-ffmpeg wheel ships."""
    import shutil

    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


class FrameSink(Protocol):
    """Where rendered frames go."""

    def write(self, frame: U8Array) -> None:
        """Add one BGR frame."""

    def close(self) -> None:
        """Finish the file."""


class _OpenCVSink:
    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        codec = {".mp4": "mp4v", ".mov": "mp4v", ".webm": "VP80", ".avi": "MJPG"}[path.suffix.lower()]
        self.writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), fps, size)
        if not self.writer.isOpened():
            raise RuntimeError(f"OpenCV cannot write {path.suffix} ({codec}) here")

    def write(self, frame: U8Array) -> None:
        self.writer.write(frame)

    def close(self) -> None:
        self.writer.release()


class Effects:
    """The active conditions of one clip, applied at each step of rendering a frame."""

    def __init__(self, face: Face, spec: ClipSpec) -> None:
        self.face = face
        self.spec = spec
        self.on = spec.conditions
        self.rng = np.random.default_rng(spec.seed + 31)

    def prepare(self, base: U8Array) -> U8Array:
        """The still face as the conditions change it once: skin tone, lighting."""
        return base

    def on_head(self, frame: U8Array, t: float) -> U8Array:
        """What moves with the head (glasses, hair), drawn before the head moves."""
        return frame

    def in_scene(self, frame: U8Array, t: float, head: Any) -> U8Array:
        """What stays in the room (a hand, a lamp's reflection), drawn after the head moved."""
        return frame

    def in_camera(self, frame: U8Array, i: int) -> U8Array:
        """What the camera does: motion blur, low light and its noise."""
        return frame


def sink_for(spec: ClipSpec, path: Path) -> FrameSink:
    """Where a clip's frames go: OpenCV's writer, or ffmpeg at a phone's bitrate (compression)."""
    return _OpenCVSink(path, spec.fps, spec.size)
