"""The conditions a clip is filmed in: each one a switch with its parameters, in the truth file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tools.twitchclips.clipspec import ClipSpec

CONDITIONS = (
    "face_size",
    "small_face",
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
"""Conditions past what the goal asks of the detector: a hand or hair over a twitching region
itself, and a room so dark that the face is a few grey levels deep in noise."""

ORDINARY = tuple(c for c in CONDITIONS if c not in EXTREME)

OCCLUDERS = ("chin", "jaw_right", "jaw_left", "temple_right", "temple_left", "forehead")
"""Where an ordinary occluder sits (a hand at the chin or the jaw, hair over a temple or the
forehead): away from every region a twitch is measured in."""


def condition_switches(active: dict[str, Any]) -> dict[str, bool]:
    """Every condition's name with whether it is on."""
    return {name: name in active for name in CONDITIONS}


def chosen(conditions: str | Sequence[str], rng: np.random.Generator) -> list[str]:
    """The condition names a request means: "mixed" draws 2-4 ordinary ones, "plain" none."""
    names = [conditions] if isinstance(conditions, str) else list(conditions)
    if names == ["mixed"]:
        k = int(rng.integers(2, 5))
        # one of the two face sizes at most: they exclude each other
        left_out = "small_face" if rng.random() < 0.5 else "face_size"
        pool = [n for n in ORDINARY if n != left_out]
        return sorted(str(n) for n in rng.choice(pool, size=k, replace=False))
    if names == ["plain"]:
        return []
    unknown = [n for n in names if n not in CONDITIONS]
    if unknown:
        raise ValueError(f"condition: {unknown[0]!r} is not one of mixed, plain, {', '.join(CONDITIONS)}")
    picked = sorted(set(names))
    if "low_light" in picked and "very_low_light" in picked:
        raise ValueError("condition: low_light and very_low_light exclude each other")
    if "face_size" in picked and "small_face" in picked:
        raise ValueError("condition: face_size and small_face exclude each other")
    if "occlusion" in picked and "occlusion_over_region" in picked:
        raise ValueError("condition: occlusion and occlusion_over_region exclude each other")
    return picked


def draw_conditions(
    spec: ClipSpec, conditions: str | Sequence[str], rng: np.random.Generator
) -> dict[str, Any]:
    """Each chosen condition's parameters, drawn for this clip (talking also changes spec.talking)."""
    return {name: _DRAW[name](spec, rng) for name in chosen(conditions, rng)}


def _placed(low: float, high: float) -> Callable[[ClipSpec, np.random.Generator], dict[str, Any]]:
    def draw(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
        # log-uniform between the sizes. `iod_px` is for a frame 720 px on its short side
        # (scaled with smaller frames); `x` and `y` place the face within the room the frame
        # leaves it (0: leftmost or highest, 1: rightmost or lowest)
        return {
            "iod_px": round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), 1),
            "x": round(float(rng.uniform(0, 1)), 3),
            "y": round(float(rng.uniform(0, 1)), 3),
        }

    return draw


SMALL_FACE_IOD = (60.0, 90.0)
"""A face this small (a webcam across a desk) is its own condition: on the whole 1280x720
frame, Face Mesh's face detector found it in 0 of 4 places at 60 px, 1 at 70, 2 at 80 and
4 from 90 px on (measured here with static_image_mode on the photograph)."""
FACE_SIZE_IOD = (90.0, 200.0)


def _lighting(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    # a lamp or window to one side: brightness falls across the face by `strength` per 1.5 IOD;
    # the white balance is off towards tungsten (2700 K) or shade (7500 K)
    return {
        "direction_deg": round(float(rng.uniform(0, 360)), 1),
        "strength": round(float(rng.uniform(0.15, 0.45)), 3),
        "kelvin": round(float(rng.uniform(2700, 7500))),
    }


def _skin_tone(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    # lightness as a factor on the skin's L* (0.45: a dark skin), and shifts of a* and b*
    return {
        "lightness": round(float(rng.uniform(0.45, 1.12)), 3),
        "redness": round(float(rng.uniform(-4, 6)), 2),
        "yellowness": round(float(rng.uniform(-6, 10)), 2),
    }


def _low_light(light: tuple[float, float], exposure: tuple[float, float]) -> Callable[..., dict[str, Any]]:
    def draw(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
        # the scene gives `light` of the usual signal; the camera's gain brings the picture back
        # to `exposure` of its usual brightness, amplifying shot noise (electrons per grey level
        # at the darkened signal) and read noise (grey levels) with it
        return {
            "light": round(float(rng.uniform(*light)), 3),
            "exposure": round(float(rng.uniform(*exposure)), 3),
            "electrons_per_level": round(float(rng.uniform(1.5, 5.0)), 2),
            "read_noise": round(float(rng.uniform(1.0, 3.0)), 2),
        }

    return draw


def _motion_blur(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    # quick head moves (a glance aside, a nod) at random times, each blurred by the shutter
    moves = []
    for _ in range(int(rng.integers(2, 5))):
        start = float(rng.uniform(0.3, max(0.4, spec.seconds - 0.8)))
        moves.append(
            {
                "start_s": round(start, 3),
                "length_s": round(float(rng.uniform(0.2, 0.45)), 3),
                "dx_iod": round(float(rng.uniform(-0.35, 0.35)), 3),
                "dy_iod": round(float(rng.uniform(-0.2, 0.2)), 3),
            }
        )
    moves.sort(key=lambda m: m["start_s"])
    return {"moves": moves, "shutter": round(float(rng.uniform(0.5, 1.0)), 3)}


def _occlusion(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    anchor = str(rng.choice(OCCLUDERS))
    kind = "hair" if anchor.startswith(("temple", "forehead")) else "hand"
    return {"kind": kind, "anchor": anchor, "seed": int(rng.integers(1 << 30))}


def _occlusion_over_region(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    if spec.twitches:
        tw = spec.twitches[int(rng.integers(len(spec.twitches)))]
        side = tw.side if tw.side != "both" else str(rng.choice(["left", "right"]))
        anchor = f"{tw.region}_{side}"
    else:
        anchor = f"{rng.choice(['nose', 'eyelid', 'cheek', 'mouth'])}_{rng.choice(['left', 'right'])}"
    kind = "hair" if anchor.startswith("eyelid") else "hand"
    return {"kind": kind, "anchor": anchor, "seed": int(rng.integers(1 << 30))}


def _glasses(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    # rims that move with the head, and a lamp's reflection on each lens that slides as it turns
    return {
        "rim": str(rng.choice(["black", "tortoise", "metal"])),
        "lens_w_iod": round(float(rng.uniform(0.36, 0.44)), 3),
        "lens_h_iod": round(float(rng.uniform(0.24, 0.32)), 3),
        "drop_iod": round(float(rng.uniform(0.0, 0.06)), 3),
        "highlight": round(float(rng.uniform(50, 150))),
        "highlight_angle_deg": round(float(rng.uniform(-40, 40)), 1),
        "highlight_x": round(float(rng.uniform(-0.5, 0.5)), 3),
        "highlight_y": round(float(rng.uniform(-0.6, 0.6)), 3),
    }


def _compression(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    return {"codec": "h264", "mbps": round(float(rng.uniform(1.0, 4.0)), 2), "gop": int(rng.choice([30, 60]))}


def _talking(spec: ClipSpec, rng: np.random.Generator) -> dict[str, Any]:
    # talking through most of the clip, over twitches and blinks alike
    share = float(rng.uniform(0.4, 0.8))
    length = share * spec.seconds
    pause = float(rng.uniform(0.4, 1.0))
    if rng.random() < 0.5 or spec.seconds - length - pause <= 0:
        start = float(rng.uniform(0.0, spec.seconds - length))
        spans = [(round(start, 3), round(start + length, 3))]
    else:
        first = float(rng.uniform(0.0, spec.seconds - length - pause))
        cut = first + length * float(rng.uniform(0.3, 0.7))
        spans = [(round(first, 3), round(cut, 3)), (round(cut + pause, 3), round(first + length + pause, 3))]
    spec.talking = [(a, min(b, spec.seconds)) for a, b in spans]
    return {"share": round(share, 3), "spans": [list(s) for s in spec.talking]}


_DRAW: dict[str, Callable[[ClipSpec, np.random.Generator], dict[str, Any]]] = {
    "face_size": _placed(*FACE_SIZE_IOD),
    "small_face": _placed(*SMALL_FACE_IOD),
    "lighting": _lighting,
    "skin_tone": _skin_tone,
    "low_light": _low_light((0.2, 0.4), (0.6, 0.85)),
    "very_low_light": _low_light((0.05, 0.1), (0.45, 0.65)),
    "motion_blur": _motion_blur,
    "occlusion": _occlusion,
    "occlusion_over_region": _occlusion_over_region,
    "glasses": _glasses,
    "compression": _compression,
    "talking": _talking,
}
