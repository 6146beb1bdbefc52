"""How the conditions change the picture: skin, light, glasses, hair and hands, blur, noise."""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from tools.twitchclips.clipface import Face, FloatArray, U8Array
from tools.twitchclips.clipspec import ClipSpec

NOISE_LAYERS = 8
"""Low light's noise comes from this many precomputed layers, one picked at random per frame:
drawing 2.7 million normal samples a frame would cost 35 ms."""

# Where each occluder sits, relative to the midpoint of the eyes, in IOD units (x towards the
# image's right, y down), for the person's right side (mirrored for left).
_ANCHORS = {
    "chin": (0.0, 1.6),
    "jaw_right": (-0.85, 1.4),
    "temple_right": (-1.15, -0.1),
    "forehead": (0.0, -0.55),
}
_RIMS = {"black": (25, 25, 28), "tortoise": (30, 55, 90), "metal": (150, 150, 160)}


def _kelvin_gains(kelvin: float) -> tuple[float, float, float]:
    """B, G, R gains of a white balance that is off towards `kelvin` (5500 K: neutral)."""
    mired = 1e6 / kelvin - 1e6 / 5500  # positive: warmer than neutral
    warm = float(np.clip(mired / 190, -1.0, 1.0))
    return 1.0 - 0.22 * warm, 1.0 - 0.03 * abs(warm), 1.0 + 0.14 * warm


def _pt(p: Any) -> tuple[int, int]:
    """A point as OpenCV's drawing functions take it."""
    return round(float(p[0])), round(float(p[1]))


class Effects:
    """The active conditions of one clip, applied at each step of rendering a frame."""

    def __init__(self, face: Face, spec: ClipSpec) -> None:
        self.face = face
        self.spec = spec
        self.on = spec.conditions
        self.rng = np.random.default_rng(spec.seed + 31)
        self.noise: list[tuple[U8Array, U8Array]] = []
        self.hair: tuple[tuple[int, int], FloatArray, FloatArray] | None = None
        self.hand: tuple[tuple[int, int], FloatArray, FloatArray] | None = None
        self.last_offset = (0.0, 0.0)
        self.layer = 0
        self.spot: U8Array | None = None

    # -- the still face -------------------------------------------------------------------
    def prepare(self, base: U8Array) -> U8Array:
        """The still face as the conditions change it once: skin tone, lighting, the occluders."""
        if "skin_tone" in self.on:
            base = self._skin(base, self.on["skin_tone"])
        if "lighting" in self.on:
            base = self._light(base, self.on["lighting"])
        for name in ("occlusion", "occlusion_over_region"):
            if name in self.on:
                self._occluder(base, self.on[name])
        for name in ("low_light", "very_low_light"):
            if name in self.on:
                self._noise_layers(base, self.on[name])
        return base

    def _skin(self, base: U8Array, p: dict[str, Any]) -> U8Array:
        hsv = cv2.cvtColor(base, cv2.COLOR_BGR2HSV)
        # skin: orange hues, moderately saturated, not dark; softened so no edge shows
        found: FloatArray = cv2.inRange(hsv, np.array([0, 35, 70]), np.array([25, 200, 255]))
        soft: FloatArray = cv2.GaussianBlur(
            found.astype(np.float32) / 255, (0, 0), max(1.0, 0.04 * self.face.iod)
        )
        mask = soft[..., None]
        lab: FloatArray = cv2.cvtColor(base, cv2.COLOR_BGR2LAB).astype(np.float32)
        shifted = lab.copy()
        shifted[..., 0] *= p["lightness"]
        shifted[..., 1] += p["redness"]
        shifted[..., 2] += p["yellowness"]
        lab = lab * (1 - mask) + shifted * mask
        out: U8Array = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR)
        return out

    def _light(self, base: U8Array, p: dict[str, Any]) -> U8Array:
        height, width = base.shape[:2]
        gx, gy = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
        a = math.radians(p["direction_deg"])
        toward = ((gx - self.face.centre[0]) * math.cos(a) + (gy - self.face.centre[1]) * math.sin(a)) / (
            1.5 * self.face.iod
        )
        gain = np.clip(1.0 + p["strength"] * toward, 0.35, 1.6)
        gains = np.stack([gain * g for g in _kelvin_gains(p["kelvin"])], axis=2)
        out: U8Array = np.clip(base.astype(np.float32) * gains, 0, 255).astype(np.uint8)
        return out

    def _noise_layers(self, base: U8Array, p: dict[str, Any]) -> None:
        # the noise a darkened sensor adds, in the output's grey levels after the camera's gain
        gain = p["exposure"] / p["light"]
        signal = base.astype(np.float32) * p["light"]
        sigma = gain * np.sqrt(signal / p["electrons_per_level"] + p["read_noise"] ** 2)
        for _ in range(NOISE_LAYERS):
            n: FloatArray = np.empty(base.shape, np.float32)
            cv2.randn(n, np.zeros(3), np.ones(3))
            # demosaicking correlates neighbours
            n = cv2.GaussianBlur(n, (3, 3), 0.6).astype(np.float32)
            n = n * (sigma / float(n.std()))
            self.noise.append((np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8)))

    # -- occluders --------------------------------------------------------------------------
    def _occluder(self, base: U8Array, p: dict[str, Any]) -> None:
        rng = np.random.default_rng(p["seed"])
        face, u = self.face, self.face.iod
        anchor = p["anchor"]
        mid = (face.eyes[0] + face.eyes[1]) / 2
        if anchor in _ANCHORS or anchor.replace("left", "right") in _ANCHORS:
            ax, ay = _ANCHORS[anchor.replace("left", "right")]
            ax = -ax if anchor.endswith("left") else ax
            where = mid + np.array([ax, ay]) * u
        else:  # over a region itself (extreme)
            region, side = anchor.rsplit("_", 1)
            where = face.points[(region, side)] if region != "eyelid" else face.eye[side]
        height, width = base.shape[:2]
        if p["kind"] == "hair":
            self.hair = self._hair(where, anchor, rng, (width, height))
        else:
            skin = np.median(
                base[
                    int(face.mouth[1] - 0.5 * u) : int(face.mouth[1] - 0.3 * u),
                    int(face.mouth[0] - 0.3 * u) : int(face.mouth[0] + 0.3 * u),
                ].reshape(-1, 3),
                axis=0,
            )
            self.hand = self._hand(where, anchor, rng, (width, height), skin)

    def _patch(self, mask: U8Array, colour: FloatArray) -> tuple[tuple[int, int], FloatArray, FloatArray]:
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            return (0, 0), np.zeros((1, 1, 1), np.float32), np.zeros((1, 1, 3), np.float32)
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        alpha = (mask[y0:y1, x0:x1].astype(np.float32) / 255)[..., None]
        return (int(x0), int(y0)), alpha, colour[y0:y1, x0:x1]

    def _hair(
        self, where: FloatArray, anchor: str, rng: np.random.Generator, size: tuple[int, int]
    ) -> tuple[tuple[int, int], FloatArray, FloatArray]:
        u = self.face.iod
        mask = np.zeros((size[1], size[0]), np.uint8)
        tone = np.array(rng.choice([(20, 30, 45), (15, 15, 20), (40, 70, 110), (60, 100, 150)]), np.float32)
        colour = np.zeros((size[1], size[0], 3), np.float32) + tone
        side = -1.0 if anchor.endswith("right") else 1.0  # the outward direction in the image
        for _ in range(int(rng.integers(40, 90))):
            if anchor == "forehead":  # a fringe falling from above to the brows
                root = where + np.array([rng.uniform(-0.9, 0.9) * u, -0.5 * u])
                tip = root + np.array([rng.uniform(-0.15, 0.15) * u, rng.uniform(0.5, 0.7) * u])
            elif anchor.startswith("eyelid"):  # hair fallen over an eye (extreme)
                root = where + np.array([rng.uniform(-0.5, 0.3) * u, -0.7 * u])
                tip = where + np.array([rng.uniform(-0.3, 0.4) * u, rng.uniform(0.2, 0.5) * u])
            else:  # strands down a temple, outside the eye's outer corner
                root = where + np.array([side * rng.uniform(0.0, 0.3) * u, -0.5 * u])
                tip = root + np.array([-side * rng.uniform(0.0, 0.12) * u, rng.uniform(0.7, 1.1) * u])
            bend = (root + tip) / 2 + rng.normal(0, 0.06 * u, 2)
            s = np.linspace(0, 1, 12)[:, None]
            curve = (1 - s) ** 2 * root + 2 * (1 - s) * s * bend + s**2 * tip
            thick = max(1, round(rng.uniform(0.008, 0.02) * u))
            grey = float(rng.uniform(160, 255))
            cv2.polylines(mask, [curve.astype(np.int32)], False, (grey,), thick, cv2.LINE_AA)
        return self._patch(mask, colour)

    def _hand(
        self,
        where: FloatArray,
        anchor: str,
        rng: np.random.Generator,
        size: tuple[int, int],
        skin: FloatArray,
    ) -> tuple[tuple[int, int], FloatArray, FloatArray]:
        u = self.face.iod
        mask: U8Array = np.zeros((size[1], size[0]), np.uint8)
        # the fingers point at the anchor from outside the face: up from below at the chin,
        # inwards at a jaw, or (extreme) from the nearer side over a region
        if anchor == "chin":
            pointing = -90.0
        elif anchor.endswith("right"):
            pointing = 0.0 + rng.uniform(-30, 10)
        else:
            pointing = 180.0 + rng.uniform(-10, 30)
        a = math.radians(pointing)
        along = np.array([math.cos(a), math.sin(a)])
        across = np.array([-along[1], along[0]])
        # life size: a palm about 1.3 IOD across, fingers a quarter of an IOD wide and one long
        palm = where - along * 1.1 * u
        axes = (int(0.6 * u), int(0.55 * u))
        cv2.ellipse(mask, _pt(palm), axes, pointing, 0, 360, (255,), -1, cv2.LINE_AA)
        for k, reach in zip((-1.5, -0.5, 0.5, 1.5), (0.8, 1.0, 0.95, 0.75), strict=True):
            root = palm + across * k * 0.27 * u + along * 0.3 * u
            length = (reach + float(rng.uniform(-0.05, 0.05))) * 1.05 * u
            tip = root + along * (length - 0.12 * u) + across * float(rng.normal(0, 0.03)) * u
            cv2.line(mask, _pt(root), _pt(tip), (255,), max(3, int(0.24 * u)), cv2.LINE_AA)
        # the hand's own colour, a little redder than the face, darker where it curves away at
        # its edges and between the fingers, with a skin-like mottle
        depth = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), max(1.0, 0.05 * u))
        mottle = cv2.GaussianBlur(rng.normal(0, 1, mask.shape).astype(np.float32), (0, 0), max(1.0, 0.03 * u))
        shade = (0.75 + 0.27 * depth + 0.025 * mottle / max(float(mottle.std()), 1e-6))[..., None]
        tone = skin.astype(np.float32) * np.array([0.95, 0.97, 1.02], np.float32)
        colour = tone * shade
        mask = cv2.GaussianBlur(mask, (0, 0), max(0.8, 0.01 * u))
        return self._patch(mask, colour)

    @staticmethod
    def _composite(
        frame: U8Array, part: tuple[tuple[int, int], FloatArray, FloatArray], shift: tuple[int, int]
    ) -> None:
        (x0, y0), alpha, colour = part
        x0, y0 = x0 + shift[0], y0 + shift[1]
        h, w = alpha.shape[:2]
        fh, fw = frame.shape[:2]
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x0 + w, fw), min(y0 + h, fh)
        if cx0 >= cx1 or cy0 >= cy1:
            return
        a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        c = colour[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        roi = frame[cy0:cy1, cx0:cx1].astype(np.float32)
        frame[cy0:cy1, cx0:cx1] = (roi * (1 - a) + c * a).astype(np.uint8)

    # -- per frame ------------------------------------------------------------------------
    def head_offset(self, t: float) -> tuple[float, float]:
        """Extra head translation (px) from quick head moves (motion blur's cause)."""
        p = self.on.get("motion_blur")
        if p is None:
            return 0.0, 0.0
        x = y = 0.0
        for m in p["moves"]:
            s = min(1.0, max(0.0, (t - m["start_s"]) / m["length_s"]))
            k = s**3 * (10 - 15 * s + 6 * s**2)  # minimum-jerk: how a head moves
            x += k * m["dx_iod"] * self.face.iod
            y += k * m["dy_iod"] * self.face.iod
            # each move returns half a second after it ended
            back = min(1.0, max(0.0, (t - m["start_s"] - m["length_s"] - 0.5) / m["length_s"]))
            kb = back**3 * (10 - 15 * back + 6 * back**2)
            x -= kb * m["dx_iod"] * self.face.iod
            y -= kb * m["dy_iod"] * self.face.iod
        return x, y

    def on_head(self, frame: U8Array, t: float) -> U8Array:
        """What moves with the head (glasses' rims, a hand on it, hair), drawn before it moves."""
        if "glasses" in self.on:
            self._rims(frame, self.on["glasses"])
        if self.hand is not None:
            # a hand resting on the face goes where the head goes, shifting a little on it
            drift = (
                round(0.02 * self.face.iod * math.sin(2 * math.pi * 0.3 * t)),
                round(0.01 * self.face.iod * math.sin(2 * math.pi * 0.23 * t)),
            )
            self._composite(frame, self.hand, drift)
        if self.hair is not None:
            sway = round(0.012 * self.face.iod * math.sin(2 * math.pi * 0.4 * t))
            self._composite(frame, self.hair, (sway, 0))
        return frame

    def _lenses(self, p: dict[str, Any]) -> list[tuple[FloatArray, tuple[int, int]]]:
        u = self.face.iod
        return [
            (e + np.array([0.0, p["drop_iod"] * u]), (int(p["lens_w_iod"] * u), int(p["lens_h_iod"] * u)))
            for e in self.face.eyes
        ]

    def _rims(self, frame: U8Array, p: dict[str, Any]) -> None:
        u = self.face.iod
        thick = max(2, round(0.035 * u))
        colour = _RIMS[p["rim"]]
        lenses = self._lenses(p)
        for centre, axes in lenses:
            cv2.ellipse(frame, _pt(centre), axes, 0, 0, 360, colour, thick, cv2.LINE_AA)
        (c0, a0), (c1, a1) = lenses
        bridge = [
            (int(c0[0] + a0[0]), int(c0[1] - 0.3 * a0[1])),
            (int(c1[0] - a1[0]), int(c1[1] - 0.3 * a1[1])),
        ]
        cv2.line(frame, bridge[0], bridge[1], colour, thick, cv2.LINE_AA)

    def in_scene(self, frame: U8Array, t: float, head: FloatArray) -> U8Array:
        """What the room does after the head moved: blur, a lamp's reflection on the glasses."""
        p = self.on.get("motion_blur")
        if p is not None:
            x, y = self.head_offset(t)
            vx, vy = x - self.last_offset[0], y - self.last_offset[1]
            self.last_offset = (x, y)
            length = math.hypot(vx, vy) * p["shutter"]
            if length >= 0.8:
                k = math.ceil(length) | 1
                kernel = np.zeros((k + 2, k + 2), np.float32)
                c = (k + 1) / 2
                dx, dy = vx / math.hypot(vx, vy) * length / 2, vy / math.hypot(vx, vy) * length / 2
                cv2.line(kernel, _pt((c - dx, c - dy)), _pt((c + dx, c + dy)), (1.0,), 1, cv2.LINE_AA)
                frame = cv2.filter2D(frame, -1, kernel / kernel.sum())
        if "glasses" in self.on:
            self._highlights(frame, self.on["glasses"], t, head)
        return frame

    def _highlights(self, frame: U8Array, p: dict[str, Any], t: float, head: FloatArray) -> None:
        u = self.face.iod
        angle = math.degrees(math.atan2(head[1, 0], head[0, 0]))
        for centre, axes in self._lenses(p):
            c = head[:, :2] @ centre + head[:, 2]
            # the reflection slides across the lens as the head turns and moves
            sx = p["highlight_x"] + 0.15 * angle + 0.8 * (c[0] - centre[0]) / axes[0]
            sy = p["highlight_y"] + 0.1 * math.sin(2 * math.pi * 0.17 * t)
            spot = c + np.array([np.clip(sx, -0.8, 0.8) * axes[0], np.clip(sy, -0.8, 0.8) * axes[1]])
            r = int(0.12 * u) + 2
            x0, y0 = int(spot[0]) - r, int(spot[1]) - r
            if x0 < 0 or y0 < 0 or x0 + 2 * r >= frame.shape[1] or y0 + 2 * r >= frame.shape[0]:
                continue
            add = self._spot(p, r)
            frame[y0 : y0 + 2 * r, x0 : x0 + 2 * r] = cv2.add(frame[y0 : y0 + 2 * r, x0 : x0 + 2 * r], add)

    def _spot(self, p: dict[str, Any], r: int) -> U8Array:
        """The reflection itself: a soft bright streak, made once."""
        if self.spot is None:
            u = self.face.iod
            blob: FloatArray = np.zeros((2 * r, 2 * r), np.float32)
            streak = (max(1, int(0.08 * u)), max(1, int(0.02 * u)))
            cv2.ellipse(blob, (r, r), streak, p["highlight_angle_deg"], 0, 360, (1.0,), -1, cv2.LINE_AA)
            blob = cv2.GaussianBlur(blob, (0, 0), max(0.8, 0.012 * u)) * p["highlight"]
            self.spot = np.repeat(blob[..., None], 3, axis=2).astype(np.uint8)
        return self.spot

    def in_camera(self, frame: U8Array, i: int) -> U8Array:
        """What the sensor does: in low light, a darker signal, the camera's gain, its noise."""
        for name in ("low_light", "very_low_light"):
            p = self.on.get(name)
            if p is not None:
                frame = cv2.convertScaleAbs(frame, alpha=p["exposure"])
                # never the same layer twice running: that frame pair would have no noise between them
                self.layer = (self.layer + int(self.rng.integers(1, len(self.noise)))) % len(self.noise)
                up, down = self.noise[self.layer]
                frame = cv2.subtract(cv2.add(frame, up), down)
        return frame
