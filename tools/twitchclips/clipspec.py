"""What goes into one clip: the true twitches, the blinks and the clip's settings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

REGIONS = ("nose", "eyelid", "cheek", "mouth")
LIDS = ("upper", "lower")
SHAPES = ("jerk", "train", "pull", "quiver")
"""jerk: one 0.1-0.3 s contraction; train: 3-6 jerks within about a second (one event);
pull: a slow tonic contraction of 1-3 s; quiver: a 5-10 Hz ripple for 0.5-2 s (myokymia)."""


@dataclass(frozen=True)
class Twitch:
    """One true twitch: amplitude is the peak displacement over the inter-ocular distance.

    `lid` names the eyelid that moves (eyelid twitches only; None means the upper lid, as
    clips made before lids were told apart had). `jerks` is a train's count, `frequency_hz`
    a quiver's rate, `pattern` marks twitches that belong together (a hemifacial spread).
    """

    region: str
    side: str  # the person's own side: left, right or both
    onset_s: float
    duration_s: float
    amplitude: float
    shape: str = "jerk"
    lid: str | None = None
    jerks: int = 4
    frequency_hz: float = 7.0
    pattern: str = ""

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ValueError(f"region: {self.region!r} is not one of {REGIONS}")
        if self.shape not in SHAPES:
            raise ValueError(f"shape: {self.shape!r} is not one of {SHAPES}")
        if self.region == "eyelid" and self.lid is None:
            object.__setattr__(self, "lid", "upper")
        if self.region != "eyelid" and self.lid is not None:
            raise ValueError(f"lid: only an eyelid twitch has a lid, not a {self.region} twitch")
        if self.lid is not None and self.lid not in LIDS:
            raise ValueError(f"lid: {self.lid!r} is not one of {LIDS}")

    def truth(self) -> dict[str, Any]:
        """The truth file's entry: the old fields always, the shape's own fields when they apply."""
        out: dict[str, Any] = {
            "region": self.region,
            "side": self.side,
            "onset_s": self.onset_s,
            "duration_s": self.duration_s,
            "amplitude": self.amplitude,
            "shape": self.shape,
        }
        if self.lid is not None:
            out["lid"] = self.lid
        if self.shape == "train":
            out["jerks"] = self.jerks
        if self.shape == "quiver":
            out["frequency_hz"] = self.frequency_hz
        if self.pattern:
            out["pattern"] = self.pattern
        return out


BLINK_CLOSED_GAP = 0.2
"""A blink's `closed_s` counts the time the lid gap is below this share of the open gap."""


@dataclass(frozen=True)
class Blink:
    """One blink: both lids of both eyes close (to `depth` of the way) and open again."""

    onset_s: float
    depth: float = 1.0  # 1: the lids meet; below: an incomplete blink
    close_s: float = 0.08
    hold_s: float = 0.03  # at the deepest; 0.5-2 s for a long closure
    open_s: float = 0.12

    @property
    def duration_s(self) -> float:
        """From the first lid movement to the eye fully open again."""
        return self.close_s + self.hold_s + self.open_s

    @property
    def complete(self) -> bool:
        """Whether the lids meet."""
        return self.depth >= 0.95

    @property
    def closed_s(self) -> float:
        """Seconds with the lid gap below BLINK_CLOSED_GAP of the open gap (0 if never)."""
        need = (1.0 - BLINK_CLOSED_GAP) / self.depth
        if need > 1.0:
            return 0.0
        # the ramps are raised cosines 0.5 - 0.5 cos(pi u); the share of each ramp above `need`
        above = 1.0 - math.acos(1.0 - 2.0 * need) / math.pi
        return self.hold_s + (self.close_s + self.open_s) * above

    def closure(self, t: float) -> float:
        """How far closed the lids are at t, 0..depth."""
        u = t - self.onset_s
        if u <= 0.0 or u >= self.duration_s:
            return 0.0
        if u < self.close_s:
            k = 0.5 - 0.5 * math.cos(math.pi * u / self.close_s)
        elif u < self.close_s + self.hold_s:
            k = 1.0
        else:
            k = 0.5 + 0.5 * math.cos(math.pi * (u - self.close_s - self.hold_s) / self.open_s)
        return self.depth * k

    def truth(self) -> dict[str, Any]:
        """The truth file's entry."""
        return {
            "onset_s": self.onset_s,
            "duration_s": round(self.duration_s, 3),
            "complete": self.complete,
            "closed_s": round(self.closed_s, 3),
            "depth": round(self.depth, 3),
        }


@dataclass
class ClipSpec:
    """Everything that goes into one clip.

    `blinks` takes onsets (ordinary complete blinks) or Blink values. `conditions` holds the
    active conditions (tools.twitchclips.clipconditions) by name, each with its parameters.
    """

    seconds: float = 10.0
    fps: float = 30.0
    size: tuple[int, int] = (1280, 720)
    twitches: list[Twitch] = field(default_factory=list)
    blinks: list[float | Blink] = field(default_factory=list)
    talking: list[tuple[float, float]] = field(default_factory=list)  # (start, end), s
    head_rotation_deg: float = 0.0
    head_shift_px: float = 0.0
    noise: float = 0.0
    brightness_drift: float = 0.0
    mirrored: bool = False
    seed: int = 0
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def blink_list(self) -> list[Blink]:
        """The blinks as Blink values."""
        return [b if isinstance(b, Blink) else Blink(float(b)) for b in self.blinks]
