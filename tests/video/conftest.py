"""Generated clips (tools/twitchclips.py), made once per test session."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from tools.twitchclips import ClipSpec, Twitch, phone_copy, render

# Small frames keep the suite quick; the benchmark runs 720p.
SIZE = (640, 360)
PORTRAIT = (540, 960)


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Named clips with known twitches, blinks and distractors."""
    folder = tmp_path_factory.mktemp("clips")
    specs = {
        "twitches.mp4": ClipSpec(
            seconds=7,
            size=SIZE,
            twitches=[
                Twitch("nose", "left", 1.5, 0.4, 0.05),
                Twitch("eyelid", "right", 3.2, 0.6, 0.05),
                Twitch("mouth", "left", 5.2, 0.3, 0.05),
            ],
            blinks=[2.4, 4.4],
            head_rotation_deg=1.5,
            head_shift_px=4,
            noise=2,
            brightness_drift=0.08,
            seed=3,
        ),
        "mirrored.mov": ClipSpec(
            seconds=5, size=SIZE, twitches=[Twitch("cheek", "right", 2.0, 0.5, 0.05)], mirrored=True, seed=4
        ),
        "still.webm": ClipSpec(seconds=4, size=SIZE, blinks=[1.0, 2.5], noise=2, seed=5),
    }
    out = {}
    for name, spec in specs.items():
        render(spec, folder / name)
        out[name] = folder / name
    # Phones store portrait video lying on its side with a rotation tag, as H.264 or HEVC.
    phone = {
        "phone.mov": (
            ClipSpec(
                seconds=5,
                size=PORTRAIT,
                twitches=[Twitch("nose", "right", 2.0, 0.5, 0.05)],
                blinks=[3.5],
                noise=2,
                seed=6,
            ),
            90,
            "h264",
        ),
        "phone-60fps-hevc.mp4": (
            ClipSpec(
                seconds=5,
                fps=60,
                size=PORTRAIT,
                twitches=[Twitch("eyelid", "left", 2.5, 0.4, 0.05)],
                noise=2,
                seed=7,
            ),
            270,
            "hevc",
        ),
    }
    for name, (spec, rotation, codec) in phone.items():
        upright = folder / f"upright-{name}.mp4"
        render(spec, upright)
        out[f"upright-{name}"] = upright
        out[name] = phone_copy(upright, folder / name, rotation, codec)
    out["no-face.mp4"] = _blank(folder / "no-face.mp4", seconds=2)
    out["mostly-gone.mp4"] = _mostly_gone(folder / "mostly-gone.mp4", out["still.webm"])
    (folder / "not-a-video.mp4").write_bytes(b"%PDF-1.4 this is not a video\n" * 50)
    out["not-a-video.mp4"] = folder / "not-a-video.mp4"
    (folder / "empty.mp4").write_bytes(b"")
    out["empty.mp4"] = folder / "empty.mp4"
    return out


def _blank(path: Path, seconds: float) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30, SIZE)
    for i in range(int(seconds * 30)):
        writer.write(np.full((SIZE[1], SIZE[0], 3), 90 + i % 7, np.uint8))
    writer.release()
    return path


def _mostly_gone(path: Path, face_clip: Path) -> Path:
    """One second of face, then three of an empty wall: the face is lost for most of it."""
    cap = cv2.VideoCapture(str(face_clip))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30, SIZE)
    for i in range(120):
        ok, frame = cap.read()
        writer.write(frame if ok and i < 30 else np.full((SIZE[1], SIZE[0], 3), 120, np.uint8))
    writer.release()
    return path
