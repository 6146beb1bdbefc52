"""Decode a clip with OpenCV: any container FFmpeg reads, rotation metadata, any frame rate."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from nasalis.video.arrays import Array
from nasalis.video.errors import VideoError

MAX_SIDE = 1280
"""Frames are scaled down to this longest side: 4K adds decode time and no measurement."""


@dataclass(frozen=True)
class ClipInfo:
    """What the container says about the clip."""

    fps: float
    frames: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        """Seconds of video."""
        return self.frames / self.fps if self.fps else 0.0


def _open(path: Path) -> cv2.VideoCapture:
    if not path.is_file():
        raise VideoError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise VideoError(f"{path.name}: the file is empty")
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        raise VideoError(
            f"{path.name}: not a video that can be read (MP4, MOV or WebM from a phone or webcam)"
        )
    # Phones store portrait clips as landscape plus a rotation tag; turn them upright.
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def probe(path: Path) -> ClipInfo:
    """The clip's frame rate, frame count and size; VideoError if it is not a video."""
    cap = _open(path)
    try:
        ok, frame = cap.read()
        if not ok or frame is None:
            raise VideoError(f"{path.name}: not a video that can be read (no frames)")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        height, width = frame.shape[:2]
    finally:
        cap.release()
    if not 1.0 <= fps <= 1000.0:
        fps = 30.0  # Some WebM files carry no rate; the timestamps below still place each frame.
    return ClipInfo(fps=fps, frames=max(frames, 1), width=width, height=height)


def frames(path: Path) -> Iterator[tuple[float, Array]]:
    """(time in seconds, BGR frame) for every frame, scaled to at most MAX_SIDE pixels."""
    cap = _open(path)
    fps = probe(path).fps
    try:
        index = 0
        while True:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            stamp = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            t = stamp if stamp > 0 or index == 0 else index / fps
            longest = max(frame.shape[:2])
            if longest > MAX_SIDE:
                scale = MAX_SIDE / longest
                frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            yield t, frame
            index += 1
    finally:
        cap.release()
