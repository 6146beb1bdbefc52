"""Where rendered frames go: OpenCV's writer, or ffmpeg at a phone's bitrate."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import IO, Protocol

import cv2

from tools.twitchclips.clipface import U8Array

OPENCV_CODECS = {".mp4": "mp4v", ".mov": "mp4v", ".webm": "VP80", ".avi": "MJPG"}


def ffmpeg_exe() -> str:
    """The ffmpeg on PATH, else the one the imageio-ffmpeg wheel ships."""
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


class OpenCVSink:
    """OpenCV's own writer (MPEG-4 part 2, VP8 or MJPEG by container), near lossless at 720p."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        codec = OPENCV_CODECS[path.suffix.lower()]
        self.writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), fps, size)
        if not self.writer.isOpened():
            raise RuntimeError(f"OpenCV cannot write {path.suffix} ({codec}) here")

    def write(self, frame: U8Array) -> None:
        """Add one BGR frame."""
        self.writer.write(frame)

    def close(self) -> None:
        """Finish the file."""
        self.writer.release()


class PhoneBitrateSink:
    """Frames piped to ffmpeg and encoded as a phone does: H.264 (VP8 in WebM) at a set bitrate,
    a keyframe every `gop` frames, 4:2:0 colour."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int], mbps: float, gop: int) -> None:
        codec = "libvpx" if path.suffix.lower() == ".webm" else "libx264"
        rate = f"{mbps:.2f}M"
        cmd = [ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24"]
        cmd += ["-s", f"{size[0]}x{size[1]}", "-r", f"{fps}", "-i", "-", "-an", "-c:v", codec]
        cmd += ["-b:v", rate, "-maxrate", rate, "-bufsize", f"{2 * mbps:.2f}M", "-g", str(gop)]
        if codec == "libx264":
            cmd += ["-preset", "veryfast"]
        cmd += ["-pix_fmt", "yuv420p", str(path)]
        self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE)
        assert self.process.stdin is not None
        self.pipe: IO[bytes] = self.process.stdin

    def write(self, frame: U8Array) -> None:
        """Add one BGR frame."""
        self.pipe.write(frame.tobytes())

    def close(self) -> None:
        """Finish the file; an encoder failure raises."""
        self.pipe.close()
        if self.process.wait() != 0:
            raise RuntimeError(f"ffmpeg could not encode the clip (exit {self.process.returncode})")
