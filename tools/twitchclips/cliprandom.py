"""Random clips from a seed: which twitches, blinks and conditions, and which seeds are held out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tools.twitchclips.clipconditions import draw_conditions
from tools.twitchclips.clipspec import Blink, ClipSpec, Twitch

TUNING_SEEDS = range(1, 100_000)
"""Seeds anyone may render, look at and tune on."""
HELD_OUT_FROM = 900_000
"""Seeds from here on are held out: rendered only when asked with held_out=True (--held-out)."""
SPENT = (range(900_000, 900_030), range(910_000, 910_030))
"""Held-out seeds already looked at (each range once, by the video benches): a later look takes
a fresh range, never one of these."""


def spent_range(first: int, count: int) -> str | None:
    """Why seeds first..first+count-1 may not be looked at (a spent held-out range among them), or None."""
    wanted = range(first, first + count)
    spent = next((r for r in SPENT if wanted and max(r.start, wanted.start) < min(r.stop, wanted.stop)), None)
    if spent is None:
        return None
    return (
        f"seeds {spent.start}-{spent.stop - 1} were looked at already (each held-out range once);"
        " take a fresh range"
    )


# Eyelid twitches are the commonest (myokymia, usually the lower lid), so they get the most weight.
_REGION_WEIGHTS = {"nose": 0.2, "eyelid": 0.45, "cheek": 0.15, "mouth": 0.2}
_SHAPE_WEIGHTS = {"jerk": 0.35, "train": 0.2, "pull": 0.15, "quiver": 0.3}
_SHAPE_SECONDS = {"jerk": (0.1, 0.3), "train": (0.7, 1.3), "pull": (1.0, 3.0), "quiver": (0.5, 2.0)}
HEMIFACIAL_SHARE = 0.15
"""Share of clips whose first twitch spreads as hemifacial spasm does: lower lid, then cheek and mouth."""


class HeldOutSeedError(ValueError):
    """A held-out seed was asked for without saying so."""


def check_seed(seed: int, held_out: bool = False) -> None:
    """Refuse a held-out seed unless held_out, a seed that is not held out when it is, and a
    negative one."""
    if seed >= HELD_OUT_FROM and not held_out:
        raise HeldOutSeedError(f"seed: {seed} is held out (>= {HELD_OUT_FROM}); pass held_out=True")
    if held_out and seed < HELD_OUT_FROM:
        raise ValueError(f"seed: {seed} is not a held-out seed (those start at {HELD_OUT_FROM})")
    if seed < 0:
        raise ValueError(f"seed: {seed} is negative")


def random_spec(
    seed: int,
    seconds: float = 10.0,
    distractors: bool = True,
    *,
    conditions: str | Sequence[str] = "mixed",
    held_out: bool = False,
) -> ClipSpec:
    """A clip with 1-4 twitches (eyelid ones of either lid), blinks and (by default) distractors
    and conditions: `conditions` is "mixed" (2-4 ordinary ones at random; none without
    distractors), "plain" (none) or condition names."""
    check_seed(seed, held_out)
    rng = np.random.default_rng(seed)
    spec = ClipSpec(seconds=seconds, seed=seed)
    busy: list[tuple[float, float]] = []

    def free_slot(length: float, gap: float = 0.7) -> float | None:
        latest = seconds - length - 0.5
        for _ in range(50 if latest > 0.8 else 0):
            start = float(rng.uniform(0.8, latest))
            if all(start > b + gap or start + length < a - gap for a, b in busy):
                busy.append((start, start + length))
                return start
        return None

    def twitch(region: str, side: str, shape: str, onset: float, duration: float, **kw: object) -> Twitch:
        low, high = (0.015, 0.05) if region == "eyelid" else (0.02, 0.06)
        extra: dict[str, object] = dict(kw)
        if shape == "train" and "jerks" not in extra:
            extra["jerks"] = int(rng.integers(3, 7))
        if shape == "quiver":
            extra["frequency_hz"] = round(float(rng.uniform(5.0, 10.0)), 2)
        return Twitch(
            region,
            side,
            round(onset, 3),
            round(duration, 3),
            round(float(rng.uniform(low, high)), 4),
            shape=shape,
            **extra,  # type: ignore[arg-type]
        )

    def pick(weights: dict[str, float]) -> str:
        names = list(weights)
        p = np.array([weights[n] for n in names])
        return str(rng.choice(names, p=p / p.sum()))

    count = int(rng.integers(1, 5))
    if rng.random() < HEMIFACIAL_SHARE:
        # the lower lid first, the cheek and the mouth corner of the same side 0.05-0.3 s later
        shape = str(rng.choice(["jerk", "train"]))
        duration = float(rng.uniform(*_SHAPE_SECONDS[shape]))
        lags = np.sort(rng.uniform(0.05, 0.3, 2))
        onset = free_slot(duration + float(lags[1]))
        if onset is not None:
            side = str(rng.choice(["left", "right"]))
            # one burst of the facial nerve: the same jerks in each muscle, each a little later
            same = {"pattern": "hemifacial", "jerks": int(rng.integers(3, 7))}
            spec.twitches.append(twitch("eyelid", side, shape, onset, duration, lid="lower", **same))
            for region, lag in zip(("cheek", "mouth"), lags, strict=True):
                spec.twitches.append(twitch(region, side, shape, onset + float(lag), duration, **same))
            count -= 1
    for _ in range(count):
        region = pick(_REGION_WEIGHTS)
        shape = pick(_SHAPE_WEIGHTS) if region == "eyelid" else pick({**_SHAPE_WEIGHTS, "quiver": 0.1})
        duration = float(rng.uniform(*_SHAPE_SECONDS[shape]))
        onset = free_slot(duration)
        if onset is None:
            continue
        if region == "eyelid":
            lid = "lower" if rng.random() < 0.65 else "upper"
            side = str(rng.choice(["left", "right"]))
            spec.twitches.append(twitch(region, side, shape, onset, duration, lid=lid))
        else:
            side = str(rng.choice(["left", "right"] if region == "mouth" else ["left", "right", "both"]))
            spec.twitches.append(twitch(region, side, shape, onset, duration))
    if distractors:
        blinks: list[Blink] = []
        lid_twitches = [t for t in spec.twitches if t.region == "eyelid"]
        if lid_twitches and rng.random() < 0.5:
            # a blink 0.1-0.5 s before or after a lid twitch: the twitch must still count
            tw = lid_twitches[0]
            gap = float(rng.uniform(0.1, 0.5))
            before = rng.random() < 0.5
            onset = tw.onset_s - gap - 0.25 if before else tw.onset_s + tw.duration_s + gap
            clear = all(onset + 0.3 < a or onset > b for a, b in busy)
            if 0.3 < onset < seconds - 0.6 and clear:
                blinks.append(_blink(rng, onset, long=False))
                busy.append((onset, onset + 0.3))
        for _ in range(int(rng.integers(1, 4))):
            long = rng.random() < 0.08
            onset = free_slot(2.3 if long else 0.3)
            if onset is not None:
                blinks.append(_blink(rng, onset, long))
        blinks.sort(key=lambda b: b.onset_s)
        spec.blinks = list(blinks)
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
    if distractors or conditions != "mixed":
        # a generator of its own, so adding a condition never changes the twitches of a seed
        spec.conditions = draw_conditions(spec, conditions, np.random.default_rng(seed + 1_000_003))
    return spec


def _blink(rng: np.random.Generator, onset: float, long: bool) -> Blink:
    """An ordinary blink, one that stops part way (about a quarter), or a long closure."""
    depth = 1.0 if long or rng.random() > 0.25 else float(rng.uniform(0.35, 0.75))
    hold = float(rng.uniform(0.5, 2.0)) if long else float(rng.uniform(0.0, 0.06))
    return Blink(
        round(onset, 3),
        round(depth, 3),
        close_s=round(float(rng.uniform(0.06, 0.1)), 3),
        hold_s=round(hold, 3),
        open_s=round(float(rng.uniform(0.1, 0.2)), 3),
    )


def seeds_for(first: int, count: int, held_out: bool = False) -> list[int]:
    """`count` seeds from `first`, each checked against the held-out rule."""
    seeds = list(range(first, first + count))
    for s in seeds:
        check_seed(s, held_out)
    if not held_out and seeds and seeds[-1] >= HELD_OUT_FROM:
        raise HeldOutSeedError(f"seed: {seeds[-1]} is held out")
    return seeds
