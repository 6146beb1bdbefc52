"""Rendering a ClipSpec into a video file and its truth, and storing it as a phone does."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from tools.twitchclips.clipconditions import EXTREME, condition_switches
from tools.twitchclips.clipface import Face, U8Array
from tools.twitchclips.cliplook import Effects
from tools.twitchclips.clipmotion import Motion
from tools.twitchclips.clipsink import FrameSink, OpenCVSink, PhoneBitrateSink, ffmpeg_exe
from tools.twitchclips.clipspec import ClipSpec

TRUTH_SCHEMA = "twitchclips/2"


def placed_face(spec: ClipSpec) -> Face:
    """The face where the spec puts it: the default place, or the face_size condition's."""
    placed = spec.conditions.get("face_size") or spec.conditions.get("small_face")
    if placed is None:
        return Face(spec.size)
    width, height = spec.size
    iod = placed["iod_px"] * min(width, height) / 720
    # the forehead is 1.1 IOD above the placing point, the chin 1.4 below, the ears 1.4 aside
    lo_x, hi_x = 1.4 * iod, max(1.4 * iod, width - 1.4 * iod)
    lo_y, hi_y = 1.1 * iod, max(1.1 * iod, height - 1.4 * iod)
    centre = (lo_x + placed["x"] * (hi_x - lo_x), lo_y + placed["y"] * (hi_y - lo_y))
    return Face(spec.size, iod, centre)


def truth_of(spec: ClipSpec, clip: str, face: Face) -> dict[str, Any]:
    """The truth file for a clip made from spec (the fields of the first format come first)."""
    blinks = spec.blink_list()
    return {
        "clip": clip,
        "fps": spec.fps,
        "seconds": spec.seconds,
        "twitches": [t.truth() for t in spec.twitches],
        "blinks": [b.onset_s for b in blinks],
        "talking": spec.talking,
        "head_rotation_deg": spec.head_rotation_deg,
        "head_shift_px": spec.head_shift_px,
        "noise": spec.noise,
        "brightness_drift": spec.brightness_drift,
        "mirrored": spec.mirrored,
        "schema": TRUTH_SCHEMA,
        "seed": spec.seed,
        "size": list(spec.size),
        "face_iod_px": round(face.iod, 1),
        "blink_events": [b.truth() for b in blinks],
        "conditions": condition_switches(spec.conditions),
        "condition_params": spec.conditions,
        "extreme": any(name in EXTREME for name in spec.conditions),
    }


def render(spec: ClipSpec, path: Path, compress: bool = True) -> dict[str, object]:
    """Write the clip to `path` (its suffix picks the container) and return the truth.

    compress=False leaves the compression condition to a later step (a phone copy).
    """
    face = placed_face(spec)
    sink = sink_for(spec, path, compress)
    try:
        for frame in frames(spec, face):
            sink.write(frame)
    finally:
        sink.close()
    return truth_of(spec, path.name, face)


def sink_for(spec: ClipSpec, path: Path, compress: bool = True) -> FrameSink:
    """Where a clip's frames go: ffmpeg at the condition's bitrate (compression), else OpenCV."""
    p = spec.conditions.get("compression")
    if p is not None and compress:
        return PhoneBitrateSink(path, spec.fps, spec.size, p["mbps"], p["gop"])
    return OpenCVSink(path, spec.fps, spec.size)


def frames(spec: ClipSpec, face: Face | None = None) -> Iterator[U8Array]:
    """The clip's frames, BGR, before any codec."""
    rng = np.random.default_rng(spec.seed)
    face = face or placed_face(spec)
    motion = Motion(face, spec)
    effects = Effects(face, spec)
    width, height = spec.size
    base = effects.prepare(face.base)
    # Noise as two saturating uint8 layers (add, then subtract): float frames cost 4x the time.
    noise = []
    # low light brings its own sensor noise, which this would only repeat
    dark = "low_light" in spec.conditions or "very_low_light" in spec.conditions
    for _ in range(6 if spec.noise and not dark else 0):
        n = rng.normal(0, spec.noise, (height, width, 3))
        noise.append((np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8)))
    phases = rng.uniform(0, 2 * math.pi, 5)
    layer = 0
    x0, y0, x1, y1 = face.box
    frames = round(spec.seconds * spec.fps)
    for i in range(frames):
        t = i / spec.fps
        frame = base.copy()
        moved = motion.at(t)
        if moved is not None:
            dx, dy = moved
            frame[y0:y1, x0:x1] = cv2.remap(
                base, face.gx - dx, face.gy - dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
            )
        head = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        extra = effects.head_offset(t)
        if spec.head_rotation_deg or spec.head_shift_px or extra != (0.0, 0.0):
            angle = spec.head_rotation_deg * math.sin(2 * math.pi * 0.15 * t + phases[0])
            squash = 1.0 - 0.03 * (spec.head_rotation_deg > 0) * (
                0.5 + 0.5 * math.sin(2 * math.pi * 0.1 * t + phases[1])
            )
            # the head turns about itself
            head = np.asarray(cv2.getRotationMatrix2D(face.centre, angle, 1.0), dtype=np.float64)
            head[0, :2] *= squash
            head[0, 2] += (
                spec.head_shift_px * math.sin(2 * math.pi * 0.2 * t + phases[2]) + (1 - squash) * width / 2
            )
            head[1, 2] += 0.6 * spec.head_shift_px * math.sin(2 * math.pi * 0.13 * t + phases[3])
            head[:, 2] += extra
            frame = effects.on_head(frame, t)
            frame = cv2.warpAffine(
                frame, head, spec.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
            )
        else:
            frame = effects.on_head(frame, t)
        frame = effects.in_scene(frame, t, head)
        gain = 1.0 + spec.brightness_drift * math.sin(2 * math.pi * t / max(spec.seconds, 1.0) + phases[4])
        if gain != 1.0:
            frame = cv2.convertScaleAbs(frame, alpha=gain)
        frame = effects.in_camera(frame, i)
        if noise:
            # a random layer, never the last one again: cycling them in order would repeat the
            # noise with a period a detector could lock on to
            layer = (layer + int(rng.integers(1, len(noise)))) % len(noise)
            up, down = noise[layer]
            frame = cv2.subtract(cv2.add(frame, up), down)
        if spec.mirrored:
            frame = cv2.flip(frame, 1)
        yield frame


PHONE_CODECS = {"h264": "libx264", "hevc": "libx265"}
PHONE_BITRATE = "6M"
"""About what a phone spends on 720p at 30 fps. At constant quality 20 the encoder gave HEVC
only 1.9 Mbit/s and smoothed the small movements away (F1 0.707 on 24 clips; 0.857 at 6M)."""


def phone_copy(
    src: Path, dst: Path, rotation: int = 90, codec: str = "h264", bitrate: str = PHONE_BITRATE
) -> Path:
    """Re-encode a clip the way a phone stores a portrait video: the pixels lie on their side,
    H.264 or HEVC in MP4/MOV, with a rotation tag saying how to turn them upright.

    Needs the ffmpeg that the imageio-ffmpeg wheel ships (a test dependency): OpenCV's own
    writer has neither encoder nor a way to write the tag.
    """
    import subprocess
    import tempfile

    ffmpeg = ffmpeg_exe()
    # transpose=2 turns the picture a quarter counter-clockwise; the tag asks players to turn it
    # back by `rotation` degrees, as a phone held upright records.
    turn = {90: "transpose=2", 180: "hflip,vflip", 270: "transpose=1"}[rotation]
    with tempfile.TemporaryDirectory() as tmp:
        lying = Path(tmp) / f"lying{dst.suffix}"
        encode = [ffmpeg, "-v", "error", "-y", "-i", str(src), "-vf", turn, "-an"]
        encode += [
            "-c:v",
            PHONE_CODECS[codec],
            "-preset",
            "veryfast",
            "-b:v",
            bitrate,
            "-pix_fmt",
            "yuv420p",
        ]
        subprocess.run([*encode, str(lying)], check=True)
        tag = [ffmpeg, "-v", "error", "-y", "-display_rotation", str(-rotation), "-i", str(lying)]
        subprocess.run([*tag, "-c", "copy", str(dst)], check=True)
    return dst


SUFFIXES = [".mp4", ".mp4", ".mov", ".mp4", ".mp4", ".mov", ".mp4", ".webm"]
"""Containers by clip number: mostly MP4, some MOV, one in eight WebM."""


def write_clip(folder: Path, n: int, spec: ClipSpec, phone: str | None = None) -> Path:
    """Clip number n and its truth file (clip_NNN.json) in folder; the clip's path.

    With `phone` (a PHONE_CODECS key) the clip is portrait 720x1280, stored as a phone does.
    """
    if phone is None:
        path = folder / f"clip_{n:03d}{SUFFIXES[n % len(SUFFIXES)]}"
        truth = render(spec, path)
    else:
        spec.size = (720, 1280)
        path = folder / f"clip_{n:03d}{'.mov' if n % 2 else '.mp4'}"
        upright = folder / f"upright-{n:03d}.avi"
        truth = render(spec, upright, compress=False)
        squeeze = spec.conditions.get("compression")
        rate = f"{squeeze['mbps']:.2f}M" if squeeze else PHONE_BITRATE
        phone_copy(upright, path, 90 if n % 2 else 270, phone, bitrate=rate)
        upright.unlink()
        truth["clip"] = path.name
    path.with_suffix(".json").write_text(json.dumps(truth, indent=1))
    return path
