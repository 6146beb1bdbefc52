"""Decode a clip with OpenCV: any container FFmpeg reads, rotation metadata, any frame rate."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from nasalis.video.arrays import Array
from nasalis.video.errors import VideoError

MAX_SIDE = 1280
"""Frames are scaled down to this longest side: 4K adds decode time and no measurement."""
READ_AHEAD = 8
"""Frames decoded ahead of the measuring: enough to ride out an uneven frame, 22 MB at 720p."""
MAX_FRAMES = 10_000_000
"""A frame count above this (or below 1) is not a count: a browser's WebM has no duration in its
header, and OpenCV then answers a huge negative number."""
SEEK_SLACK_FRAMES = 2.0
"""A seek that lands further than this many frames from its time did not work (a file without an index)."""


@dataclass(frozen=True)
class ClipInfo:
    """What the container says about the clip (frames 0: the header does not say)."""

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


def _rate(cap: cv2.VideoCapture) -> float:
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    # Some WebM files carry no rate; the frame timestamps still place each frame.
    return fps if 1.0 <= fps <= 1000.0 else 30.0


def _fit(frame: Array) -> Array:
    longest = max(frame.shape[:2])
    if longest <= MAX_SIDE:
        return frame
    scale = MAX_SIDE / longest
    out: Array = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return out


def probe(path: Path) -> ClipInfo:
    """The clip's frame rate, frame count and size; VideoError if it is not a video."""
    cap = _open(path)
    try:
        ok, frame = cap.read()
        if not ok or frame is None:
            raise VideoError(f"{path.name}: not a video that can be read (no frames)")
        frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        height, width = frame.shape[:2]
        known = frames if 1 <= frames <= MAX_FRAMES else 0
        return ClipInfo(fps=_rate(cap), frames=known, width=width, height=height)
    finally:
        cap.release()


def _decode(cap: cv2.VideoCapture) -> Iterator[tuple[float, Array]]:
    fps = _rate(cap)
    index = 0
    while True:
        ok, frame = cap.read()
        if not ok or frame is None:
            return
        stamp = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        yield (stamp if stamp > 0 or index == 0 else index / fps), _fit(frame)
        index += 1


def frames(path: Path) -> Generator[tuple[float, Array], None, None]:
    """(time in seconds, BGR frame) for every frame, scaled to at most MAX_SIDE pixels.

    Frames are decoded a few ahead on a second thread (OpenCV lets go of the GIL while it
    decodes), so decoding overlaps the measuring instead of adding to it.
    """
    cap = _open(path)
    ready: queue.Queue[tuple[float, Array] | BaseException | None] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def put(item: tuple[float, Array] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def decode() -> None:
        try:
            for item in _decode(cap):
                if not put(item):
                    return
            put(None)
        except BaseException as exc:  # handed to the reader, who raises it
            put(exc)
        finally:
            cap.release()

    worker = threading.Thread(target=decode, name=f"decode {path.name}", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def stills(path: Path, times: list[float]) -> list[Array]:
    """The frames at these times, found by seeking (not by decoding the whole clip again).

    A browser's recording (MediaRecorder's WebM) has no index to seek by: OpenCV then hands
    back the first frame for every time, so a seek that lands elsewhere falls back to reading
    the clip through once.
    """
    wanted = sorted(times)
    cap = _open(path)
    out: list[Array] = []
    try:
        slack = SEEK_SLACK_FRAMES / _rate(cap)
        for t in wanted:
            cap.set(cv2.CAP_PROP_POS_MSEC, t * 1000.0)
            ok, frame = cap.read()
            if not ok or frame is None or abs(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 - t) > slack:
                break  # past the end, or a seek that did not work: read the clip through instead
            out.append(_fit(frame))
    finally:
        cap.release()
    return out if len(out) == len(wanted) else _stills_in_order(path, wanted)


def _stills_in_order(path: Path, wanted: list[float]) -> list[Array]:
    """The first frame at or after each time (the clip's last for a time past its end), read in order."""
    cap = _open(path)
    out: list[Array] = []
    last: Array | None = None
    try:
        half = 0.5 / _rate(cap)
        for stamp, frame in _decode(cap):
            last = frame
            while len(out) < len(wanted) and stamp >= wanted[len(out)] - half:
                out.append(frame)
            if len(out) == len(wanted):
                break
    finally:
        cap.release()
    return out + [last] * (len(wanted) - len(out)) if last is not None else out
