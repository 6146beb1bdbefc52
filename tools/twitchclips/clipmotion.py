"""How the face moves: twitch shapes in time, lids and regions in space, blinks and talking."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tools.twitchclips.clipface import Face, FloatArray
from tools.twitchclips.clipspec import ClipSpec, Twitch

# Direction each region moves in a twitch, on the person's right (mirrored in x for left).
# The upper lid drops over the eye; the lower lid rises and draws in towards the nose
# (orbicularis oculi); the ala flares up and out, the cheek rises, the mouth corner pulls out.
DIRECTION = {
    "nose": (-0.5, -0.85),
    "upper": (0.0, 1.0),
    "lower": (0.25, -0.97),
    "cheek": (-0.3, -0.95),
    "mouth": (-0.8, -0.6),
}
SPREAD = {"nose": 0.10, "eyelid": 0.08, "cheek": 0.14, "mouth": 0.09}  # Gaussian sigma, IOD units


def _pulse(u: float) -> float:
    """A fast-rising, slower-falling contraction over u in 0..1."""
    if not 0.0 <= u <= 1.0:
        return 0.0
    if u < 0.35:
        return math.sin(0.5 * math.pi * u / 0.35) ** 2
    return math.cos(0.5 * math.pi * (u - 0.35) / 0.65) ** 2


def _train_jerks(tw: Twitch) -> list[tuple[float, float, float]]:
    """A train's jerks as (onset, length, strength), fixed by its length and count, so that
    the muscles of one hemifacial burst jerk together."""
    rng = np.random.default_rng(round(tw.duration_s * 1000) * 7919 + tw.jerks)
    length = min(0.15, tw.duration_s / (tw.jerks + 0.5))
    gaps = rng.uniform(0.6, 1.4, tw.jerks - 1)
    starts = np.concatenate([[0.0], np.cumsum(gaps)])
    starts *= (tw.duration_s - length) / starts[-1]
    strengths = rng.uniform(0.65, 1.0, tw.jerks)
    strengths[int(rng.integers(tw.jerks))] = 1.0
    return [(float(s), length, float(k)) for s, k in zip(starts, strengths, strict=True)]


def envelope(tw: Twitch, t: float) -> tuple[float, float]:
    """The twitch's strength at t as (in-phase, quadrature) parts, peak 1.

    Only a quiver has a quadrature part: its ripple travels along the lid.
    """
    u = (t - tw.onset_s) / tw.duration_s
    if not 0.0 <= u <= 1.0:
        return 0.0, 0.0
    if tw.shape == "jerk":
        env = math.sin(math.pi * u) ** 2
        if tw.duration_s > 0.5:  # a held jerk flutters (clonic) under its envelope
            env *= 0.65 + 0.35 * abs(math.cos(2 * math.pi * 5.0 * (t - tw.onset_s)))
        return env, 0.0
    if tw.shape == "train":
        dt = t - tw.onset_s
        return max(k * _pulse((dt - s) / n) for s, n, k in _train_jerks(tw)), 0.0
    if tw.shape == "pull":
        ramp = 0.3
        if u < ramp:
            env = 0.5 - 0.5 * math.cos(math.pi * u / ramp)
        elif u > 1.0 - ramp:
            env = 0.5 - 0.5 * math.cos(math.pi * (1.0 - u) / ramp)
        else:
            env = 1.0
        # a held contraction is never quite still
        return env * (0.93 + 0.07 * math.sin(2 * math.pi * 3.1 * (t - tw.onset_s))), 0.0
    # quiver: a raised-cosine window over a signed 5-10 Hz ripple
    taper = min(0.15, tw.duration_s / 4) / tw.duration_s
    window = min(1.0, u / taper, (1.0 - u) / taper)
    window = 0.5 - 0.5 * math.cos(math.pi * window)
    phase = 2 * math.pi * tw.frequency_hz * (t - tw.onset_s)
    return window * math.sin(phase), -window * math.cos(phase)


@dataclass
class _Field:
    """One moving part: a weight over the face box and how far it moves at full strength."""

    weight: FloatArray
    quad: FloatArray | None  # the ripple's quadrature weight (quiver only)
    ux: float
    uy: float


def _sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "both" else (side,)


def twitch_fields(face: Face, tw: Twitch) -> list[_Field]:
    """Where a twitch moves the face, one field per side, in pixels at full strength."""
    out = []
    u = face.iod
    for side in _sides(tw.side):
        part = tw.lid if tw.region == "eyelid" else tw.region
        assert part is not None
        ux, uy = DIRECTION[part]
        ux = -ux if side == "left" else ux
        if part == "upper":
            # the fold above the margin moves with it; the eye below it does not
            centre = face.points[("eyelid", side)] - (0, 0.01 * u)
            w = face.gauss(centre, 0.13 * u, 0.09 * u, sy_below=0.045 * u)
        elif part == "lower":
            # the lower lid and the skin under it (myokymia); the eye above it does not move
            centre = face.lower_lids[side] + (0, 0.02 * u)
            w = face.gauss(centre, 0.13 * u, 0.04 * u, sy_below=0.10 * u)
        else:
            s = SPREAD[tw.region] * u
            centre = face.points[(tw.region, side)]
            w = face.gauss(centre, s, s)
        quad = None
        if tw.shape == "quiver":
            # the ripple runs across the lid, half a cycle over its width
            phi = (face.gx - float(centre[0])) * (math.pi / (0.3 * u))
            quad = (w * np.sin(phi)).astype(np.float32)
            w = (w * np.cos(phi)).astype(np.float32)
        amp = tw.amplitude * u
        out.append(_Field(w, quad, amp * ux, amp * uy))
    return out


def _lid_sweep(face: Face, side: str) -> FloatArray:
    """How far (px) each pixel moves when the upper lid closes fully: the lid's skin unfolds
    from the brow down, the margin reaching past the lower lid, and nothing below it moves."""
    u = face.iod
    top = face.points[("eyelid", side)][1]
    bottom = face.lower_lids[side][1]
    reach = bottom - top + 0.05 * u
    start = top - 0.17 * u
    ramp = np.clip((face.gy - start) / (bottom - start), 0.0, 1.0) ** 1.5
    below = np.exp(-(((face.gy - bottom) / (0.03 * u)) ** 2) / 2)
    profile = np.where(face.gy <= bottom, ramp, below)
    centre_x = (face.eye[side][0] + face.points[("eyelid", side)][0]) / 2
    across = np.exp(-(((face.gx - centre_x) / (0.22 * u)) ** 4))
    out: FloatArray = (reach * profile * across).astype(np.float32)
    return out


class Motion:
    """The displacement of every face-box pixel over time, for one clip."""

    def __init__(self, face: Face, spec: ClipSpec) -> None:
        self.face = face
        self.spec = spec
        self.twitches = [(tw, twitch_fields(face, tw)) for tw in spec.twitches]
        self.blinks = spec.blink_list()
        u = face.iod
        # a blink: the upper lid slides down over the eye, the lower lid rises a little
        self.blink_upper = [_lid_sweep(face, s) for s in ("right", "left")]
        self.blink_lower = [
            face.gauss(face.lower_lids[s] + (0, 0.02 * u), 0.16 * u, 0.04 * u, sy_below=0.08 * u)
            for s in ("right", "left")
        ]
        jaw = face.mouth + np.array([0.0, 0.18 * u])
        self.jaw = face.gauss(jaw, 0.35 * u, 0.2 * u)
        self.corners = [face.gauss(face.points[("mouth", s)], 0.07 * u, 0.07 * u) for s in ("right", "left")]
        rng = np.random.default_rng(spec.seed + 17)
        self.syllable_hz = float(rng.uniform(3.0, 5.0))

    def at(self, t: float) -> tuple[FloatArray, FloatArray] | None:
        """How far each pixel of the face box moves at time t (None: nothing moves)."""
        face = self.face
        dx = np.zeros_like(face.gx)
        dy = np.zeros_like(face.gx)
        moved = False
        for tw, fields in self.twitches:
            k, q = envelope(tw, t)
            if k == 0.0 and q == 0.0:
                continue
            moved = True
            for f in fields:
                w = f.weight * k if f.quad is None else f.weight * k + f.quad * q
                dx += f.ux * w
                dy += f.uy * w
        u = face.iod
        for blink in self.blinks:
            k = blink.closure(t)
            if k:
                moved = True
                for upper, lower in zip(self.blink_upper, self.blink_lower, strict=True):
                    dy += k * upper
                    dy -= (k * 0.03 * u) * lower
        for start, end in self.spec.talking:
            if start <= t <= end:
                moved = True
                # syllables come at 3-5 Hz, not quite evenly
                phase = 2 * math.pi * self.syllable_hz * (t - start)
                phase += 0.6 * math.sin(2 * math.pi * 0.7 * (t - start))
                k = abs(math.sin(phase)) * min(1.0, (t - start) / 0.2, (end - t) / 0.2)
                dy += (k * 0.07 * u) * self.jaw
                # the corners draw in a little on rounded vowels
                for sign, corner in zip((1.0, -1.0), self.corners, strict=True):
                    dx += (sign * 0.008 * u * k) * corner
        return (dx, dy) if moved else None
