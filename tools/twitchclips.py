"""Synthetic twitch clips with known answers, made by warping a real face photograph.

Run: .venv/bin/python -m tools.twitchclips OUT_DIR [--count 50] [--seconds 10] [--seed 1]
                                              [--phone h264|hevc]
Writes clip_NNN.mp4/.webm/.mov/.avi and clip_NNN.json (the truth: every twitch with region,
anatomical side, onset, duration and amplitude; the blinks; the distractors used).

The face is scikit-image's `astronaut` photograph (public domain, NASA), scaled up so the
eyes are ~130 px apart in a 1280x720 frame, as in a phone selfie. Twitches are local smooth
warps at the region (the nasal ala flares up and out, the upper eyelid drops, the cheek
rises, the mouth corner pulls out); distractors are blinks (both upper lids close), talking
(the lower lip and jaw open and close at 3-5 Hz), slow in-plane head rotation, translation,
scale and a yaw-like horizontal squash, sensor noise, brightness drift, and the codec's
own compression.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]

# Face Mesh landmarks measured once on the 512x512 photograph (refine_landmarks on), so the
# generator needs no model: the person's right side is on the image's left.
_PHOTO_POINTS = {
    ("nose", "right"): (208.0, 123.5),  # landmark 129, nasal ala
    ("nose", "left"): (240.1, 125.3),  # 358
    ("eyelid", "right"): (202.8, 97.6),  # 159, upper lid
    ("eyelid", "left"): (248.3, 99.7),  # 386
    ("cheek", "right"): (194.9, 124.6),  # 205
    ("cheek", "left"): (253.2, 128.0),  # 425
    ("mouth", "right"): (201.8, 139.2),  # 61, mouth corner
    ("mouth", "left"): (245.0, 141.0),  # 291
}
_PHOTO_EYES = ((203.5, 101.1), (246.6, 103.5))  # iris centres 468 and 473
_PHOTO_MOUTH = (223.4, 146.0)
# Direction each region moves in a twitch, on the person's right (mirrored in x for left).
_DIRECTION = {"nose": (-0.5, -0.85), "eyelid": (0.0, 1.0), "cheek": (-0.3, -0.95), "mouth": (-0.8, -0.6)}
_SPREAD = {"nose": 0.10, "eyelid": 0.08, "cheek": 0.14, "mouth": 0.09}  # Gaussian sigma, IOD units
REGIONS = tuple(_DIRECTION)
CODECS = {".mp4": "mp4v", ".mov": "mp4v", ".webm": "VP80", ".avi": "MJPG"}


@dataclass(frozen=True)
class Twitch:
    """One true twitch: amplitude is the peak displacement over the inter-ocular distance."""

    region: str
    side: str  # the person's own side: left, right or both
    onset_s: float
    duration_s: float
    amplitude: float


@dataclass
class ClipSpec:
    """Everything that goes into one clip."""

    seconds: float = 10.0
    fps: float = 30.0
    size: tuple[int, int] = (1280, 720)
    twitches: list[Twitch] = field(default_factory=list)
    blinks: list[float] = field(default_factory=list)  # onsets, s
    talking: list[tuple[float, float]] = field(default_factory=list)  # (start, end), s
    head_rotation_deg: float = 0.0
    head_shift_px: float = 0.0
    noise: float = 0.0
    brightness_drift: float = 0.0
    mirrored: bool = False
    seed: int = 0


class _Face:
    """The photograph placed in a frame, with its regions in frame pixels."""

    def __init__(self, size: tuple[int, int]) -> None:
        from skimage import data  # the photograph ships inside scikit-image

        photo = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)  # type: ignore[no-untyped-call]
        width, height = size
        scale = 3.0 * width / 1280
        centre = (224.0, 118.0)
        # A portrait frame is taller than the scaled photograph: centred, its reflected border
        # would hold a second, upside-down face, so the photograph starts at the frame's top.
        middle = min(height / 2, scale * centre[1]) if height > width else height / 2
        m = np.array([[scale, 0, width / 2 - scale * centre[0]], [0, scale, middle - scale * centre[1]]])
        self.centre = (width / 2, middle)
        self.base = cv2.warpAffine(photo, m, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)

        def place(p: tuple[float, float]) -> FloatArray:
            return np.array([m[0, 0] * p[0] + m[0, 2], m[1, 1] * p[1] + m[1, 2]])

        self.points = {k: place(p) for k, p in _PHOTO_POINTS.items()}
        self.eyes = [place(p) for p in _PHOTO_EYES]
        self.mouth = place(_PHOTO_MOUTH)
        self.iod = float(np.linalg.norm(self.eyes[1] - self.eyes[0]))
        lo = np.min(list(self.points.values()), axis=0) - 0.6 * self.iod
        hi = np.max(list(self.points.values()), axis=0) + 0.6 * self.iod
        self.box = (int(max(lo[0], 0)), int(max(lo[1], 0)), int(min(hi[0], width)), int(min(hi[1], height)))
        x0, y0, x1, y1 = self.box
        self.gx, self.gy = np.meshgrid(
            np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32)
        )


def _bump(t: float, onset: float, duration: float) -> float:
    """0..1 twitch envelope; longer twitches flutter (clonic) under the envelope."""
    u = (t - onset) / duration
    if not 0.0 <= u <= 1.0:
        return 0.0
    env = math.sin(math.pi * u) ** 2
    if duration > 0.5:
        env *= 0.65 + 0.35 * abs(math.cos(2 * math.pi * 5.0 * (t - onset)))
    return env


def _gauss(face: _Face, centre: FloatArray, sx: float, sy: float) -> FloatArray:
    out: FloatArray = np.exp(-(((face.gx - centre[0]) / sx) ** 2 + ((face.gy - centre[1]) / sy) ** 2) / 2)
    return out


def _displacement(face: _Face, spec: ClipSpec, t: float) -> tuple[FloatArray, FloatArray] | None:
    """How far each pixel of the face box moves at time t (None: nothing moves)."""
    dx = np.zeros_like(face.gx)
    dy = np.zeros_like(face.gx)
    moved = False
    for tw in spec.twitches:
        k = _bump(t, tw.onset_s, tw.duration_s)
        if k == 0.0:
            continue
        moved = True
        for side in ("left", "right") if tw.side == "both" else (tw.side,):
            ux, uy = _DIRECTION[tw.region]
            ux = -ux if side == "left" else ux
            s = _SPREAD[tw.region] * face.iod
            w = _gauss(face, face.points[(tw.region, side)], s, s)
            dx += (k * tw.amplitude * face.iod * ux) * w
            dy += (k * tw.amplitude * face.iod * uy) * w
    for onset in spec.blinks:
        k = _bump(t, onset, 0.22)
        if k:
            moved = True
            for eye in face.eyes:  # the upper lid slides down over the eye
                dy += (k * 0.16 * face.iod) * _gauss(
                    face, eye - (0, 0.05 * face.iod), 0.2 * face.iod, 0.09 * face.iod
                )
    for start, end in spec.talking:
        if start <= t <= end:
            moved = True
            k = abs(math.sin(2 * math.pi * 4.0 * (t - start))) * min(1.0, (t - start) / 0.2, (end - t) / 0.2)
            jaw = face.mouth + np.array([0.0, 0.18 * face.iod])
            dy += (k * 0.07 * face.iod) * _gauss(face, jaw, 0.35 * face.iod, 0.2 * face.iod)
    return (dx, dy) if moved else None


def render(spec: ClipSpec, path: Path) -> dict[str, object]:
    """Write the clip to `path` (its suffix picks the container) and return the truth."""
    rng = np.random.default_rng(spec.seed)
    face = _Face(spec.size)
    width, height = spec.size
    codec = CODECS[path.suffix.lower()]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*codec), spec.fps, spec.size)
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path.suffix} ({codec}) here")
    # Noise as two saturating uint8 layers (add, then subtract): float frames cost 4x the time.
    noise = []
    for _ in range(4 if spec.noise else 0):
        n = rng.normal(0, spec.noise, (height, width, 3))
        noise.append((np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8)))
    phases = rng.uniform(0, 2 * math.pi, 5)
    x0, y0, x1, y1 = face.box
    frames = round(spec.seconds * spec.fps)
    for i in range(frames):
        t = i / spec.fps
        frame = face.base.copy()
        moved = _displacement(face, spec, t)
        if moved is not None:
            dx, dy = moved
            frame[y0:y1, x0:x1] = cv2.remap(
                face.base, face.gx - dx, face.gy - dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
            )
        if spec.head_rotation_deg or spec.head_shift_px:
            angle = spec.head_rotation_deg * math.sin(2 * math.pi * 0.15 * t + phases[0])
            squash = 1.0 - 0.03 * (spec.head_rotation_deg > 0) * (
                0.5 + 0.5 * math.sin(2 * math.pi * 0.1 * t + phases[1])
            )
            # the head turns about itself
            m = np.asarray(cv2.getRotationMatrix2D(face.centre, angle, 1.0), dtype=np.float64)
            m[0, :2] *= squash
            m[0, 2] += (
                spec.head_shift_px * math.sin(2 * math.pi * 0.2 * t + phases[2]) + (1 - squash) * width / 2
            )
            m[1, 2] += 0.6 * spec.head_shift_px * math.sin(2 * math.pi * 0.13 * t + phases[3])
            frame = cv2.warpAffine(frame, m, spec.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        gain = 1.0 + spec.brightness_drift * math.sin(2 * math.pi * t / max(spec.seconds, 1.0) + phases[4])
        if gain != 1.0:
            frame = cv2.convertScaleAbs(frame, alpha=gain)
        if noise:
            up, down = noise[i % len(noise)]
            frame = cv2.subtract(cv2.add(frame, up), down)
        if spec.mirrored:
            frame = cv2.flip(frame, 1)
        writer.write(frame)
    writer.release()
    return {
        "clip": path.name,
        "fps": spec.fps,
        "seconds": spec.seconds,
        "twitches": [asdict(t) for t in spec.twitches],
        "blinks": spec.blinks,
        "talking": spec.talking,
        "head_rotation_deg": spec.head_rotation_deg,
        "head_shift_px": spec.head_shift_px,
        "noise": spec.noise,
        "brightness_drift": spec.brightness_drift,
        "mirrored": spec.mirrored,
    }


PHONE_CODECS = {"h264": "libx264", "hevc": "libx265"}
PHONE_BITRATE = "6M"
"""About what a phone spends on 720p at 30 fps. At constant quality 20 the encoder gave HEVC
only 1.9 Mbit/s and smoothed the small movements away (F1 0.707 on 24 clips; 0.857 at 6M)."""


def phone_copy(src: Path, dst: Path, rotation: int = 90, codec: str = "h264") -> Path:
    """Re-encode a clip the way a phone stores a portrait video: the pixels lie on their side,
    H.264 or HEVC in MP4/MOV, with a rotation tag saying how to turn them upright.

    Needs the ffmpeg that the imageio-ffmpeg wheel ships (a test dependency): OpenCV's own
    writer has neither encoder nor a way to write the tag.
    """
    import subprocess
    import tempfile

    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
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
            PHONE_BITRATE,
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
        truth = render(spec, upright)
        phone_copy(upright, path, 90 if n % 2 else 270, phone)
        upright.unlink()
        truth["clip"] = path.name
    path.with_suffix(".json").write_text(json.dumps(truth, indent=1))
    return path


def random_spec(seed: int, seconds: float = 10.0, distractors: bool = True) -> ClipSpec:
    """A clip with 1-4 twitches at random regions, sides and times, and (by default) distractors."""
    rng = np.random.default_rng(seed)
    spec = ClipSpec(seconds=seconds, seed=seed)
    busy: list[tuple[float, float]] = []

    def free_slot(length: float) -> float | None:
        for _ in range(50):
            start = float(rng.uniform(0.8, seconds - length - 0.5))
            if all(start > b + 0.7 or start + length < a - 0.7 for a, b in busy):
                busy.append((start, start + length))
                return start
        return None

    for _ in range(int(rng.integers(1, 5))):
        duration = float(np.exp(rng.uniform(math.log(0.1), math.log(2.0))))
        onset = free_slot(duration)
        if onset is None:
            continue
        region = str(rng.choice(REGIONS))
        side = str(
            rng.choice(["left", "right"] if region in ("eyelid", "mouth") else ["left", "right", "both"])
        )
        spec.twitches.append(
            Twitch(region, side, round(onset, 3), round(duration, 3), float(rng.uniform(0.02, 0.06)))
        )
    if distractors:
        for _ in range(int(rng.integers(1, 4))):
            onset = free_slot(0.25)
            if onset is not None:
                spec.blinks.append(round(onset, 3))
        if rng.random() < 0.5:
            length = float(rng.uniform(1.0, 2.5))
            start = free_slot(length)
            if start is not None:
                spec.talking.append((round(start, 3), round(start + length, 3)))
        spec.head_rotation_deg = float(rng.uniform(0.5, 3.0))
        spec.head_shift_px = float(rng.uniform(2.0, 12.0))
        spec.noise = float(rng.uniform(1.0, 4.0))
        spec.brightness_drift = float(rng.uniform(0.0, 0.15))
    spec.twitches.sort(key=lambda t: t.onset_s)
    return spec


def main(argv: list[str] | None = None) -> int:
    """Write --count clips and their truth files into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-distractors", action="store_true")
    parser.add_argument(
        "--phone",
        choices=sorted(PHONE_CODECS),
        help="portrait 720x1280 clips stored as a phone does: lying on their side, this codec,"
        " a rotation tag (needs imageio-ffmpeg)",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for n in range(args.count):
        spec = random_spec(args.seed * 1000 + n, args.seconds, not args.no_distractors)
        path = write_clip(args.out, n, spec, args.phone)
        print(f"{path.name}: {len(spec.twitches)} twitches, {len(spec.blinks)} blinks", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
