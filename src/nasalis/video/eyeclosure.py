"""How long and how often the eyes are shut, and whether blinks close them fully.

Face Mesh's lid landmarks follow an eye that closes (unlike a local nose movement, which they
barely follow), so each eye's opening is read from them at every frame Face Mesh runs on (a
third of the frames; Signals.apertures). The opening is relative to the eye's own open gap,
so a small face or narrow eyes read the same. Around each dip every frame is read
(nasalis.video.lidgap.LidGaps), so a blink shut for a single frame is not missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nasalis.knowledge import load_knowledge
from nasalis.video.arrays import Array
from nasalis.video.measure import LANDMARK_EVERY, Signals
from nasalis.wording import plural

OPEN_QUANTILE = 0.9
"""An eye's open gap is this quantile of its gap over the clip: eyes are open most of any clip,
and even shut half the time the top tenth is open."""
BLINK_MAX_S = 0.6
"""Shut for longer than this is a closure, not a blink: a blink lasts a few tenths of a second."""
SHUT_BELOW = 0.5
"""An eye is shut when its gap is below this share of its open gap. Face Mesh never reads a
shut eye as 0: on generated clips it read 0.2-0.45 of open for lids that met, 0.6-0.85 for
lids that stopped half way or more (tools/twitchclips and tests/video/lidclips.py)."""
DIP_BELOW = 0.8
"""A lid movement (a blink or a closure) takes the gap below this share; an open eye's gap
wanders about 5% from frame to frame."""
EYES = ("eyelid", 0), ("eyelid", 1)
"""The upper-lid keys of the two eyes (their image_x says which side each is), in the order
Signals.apertures holds them."""


@dataclass(frozen=True)
class EyeClosure:
    """One eye: the share of time shut, closures longer than a blink, the longest one."""

    closed_fraction: float
    closures: int
    closures_per_minute: float
    longest_closure_s: float


@dataclass(frozen=True)
class EyeMeasures:
    """Both eyes' closures (by the person's own side) and how complete their blinks were."""

    shut_below: float
    """An eye counted as shut below this share of its open gap (SHUT_BELOW)."""
    blink_max_s: float
    """Shut longer than this is a closure, not a blink (BLINK_MAX_S)."""
    right: EyeClosure
    left: EyeClosure
    blinks: int
    """Blinks whose depth was measured: both eyes dipped together, for less than BLINK_MAX_S."""
    incomplete_blinks: int
    """Blinks in which the lids did not meet (the two eyes' least gap, averaged, stayed at or above
    SHUT_BELOW of their open gap)."""
    incomplete_blink_share: float | None
    """incomplete_blinks / blinks; None when there was no blink."""


@dataclass(frozen=True)
class _Dip:
    first: int
    last: int
    """Sample indices of the dip's first and last sample below DIP_BELOW."""


def _dips(openness: Array, below: float) -> list[_Dip]:
    """Runs of consecutive samples below `below`."""
    out: list[_Dip] = []
    i, n = 0, len(openness)
    while i < n:
        if openness[i] < below:
            j = i
            while j + 1 < n and openness[j + 1] < below:
                j += 1
            out.append(_Dip(i, j))
            i = j + 1
        else:
            i += 1
    return out


def _spans(times: Array, frame_times: list[float]) -> Array:
    """The time each sample stands for: half the gap to each neighbour, a gap counted no longer
    than Face Mesh's usual one (longer: the face was out of view)."""
    frame = float(np.median(np.diff(frame_times))) if len(frame_times) > 1 else 1 / 30
    step = LANDMARK_EVERY * frame
    if len(times) < 2:
        return np.full(len(times), step)
    gaps = np.minimum(np.diff(times), 1.5 * step)
    out: Array = np.concatenate([[step / 2], gaps / 2]) + np.concatenate([gaps / 2, [step / 2]])
    return out


def _median3(v: Array) -> Array:
    """Each row replaced by the median of itself and its neighbours (ends kept)."""
    if len(v) < 3:
        return v
    out = v.copy()
    out[1:-1] = np.median(np.stack([v[:-2], v[1:-1], v[2:]]), axis=0)
    return out


def _length(d: _Dip, times: Array, spans: Array) -> float:
    """How long a dip lasted: from its first sample's time to its last's, each counted whole."""
    return float(times[d.last] - times[d.first] + spans[d.first] / 2 + spans[d.last] / 2)


def _closure(times: Array, openness: Array, spans: Array, minutes: float) -> EyeClosure:
    """Share of the watched time shut, and closures (shut longer than a blink)."""
    shut = openness < SHUT_BELOW
    fraction = float(spans[shut].sum() / spans.sum()) if spans.sum() else 0.0
    lengths = [_length(d, times, spans) for d in _dips(openness, SHUT_BELOW)]
    long = [x for x in lengths if x > BLINK_MAX_S]
    return EyeClosure(
        closed_fraction=round(fraction, 3),
        closures=len(long),
        closures_per_minute=round(len(long) / minutes, 2) if minutes else 0.0,
        longest_closure_s=round(max(long, default=0.0), 2),
    )


def measure_eyes(sig: Signals, duration_s: float, mirrored: bool = False) -> EyeMeasures | None:
    """Closures and blink completeness; None when too few frames showed the eyes."""
    if len(sig.apertures) < 10:
        return None
    times = np.array(sorted(sig.apertures))
    gaps = np.array([sig.apertures[t] for t in times], dtype=np.float64)  # (n, 2)
    open_gap = np.quantile(gaps, OPEN_QUANTILE, axis=0)
    if (open_gap <= 0).any():
        return None
    # A 3-sample running median: Face Mesh's reading of a shut eye wavers by a third from frame
    # to frame, and a single open-looking frame inside a closure would split it in two.
    openness = _median3(gaps / open_gap)
    spans = _spans(times, sig.times)
    minutes = duration_s / 60.0
    per_eye = [_closure(times, openness[:, e], spans, minutes) for e in (0, 1)]
    # A blink: both eyes dip together, and neither stays down longer than a blink lasts.
    both = np.maximum(openness[:, 0], openness[:, 1])
    blinks = incomplete = 0
    for d in _dips(both, DIP_BELOW):
        if _length(d, times, spans) > BLINK_MAX_S:  # a closure (when shut), or a slow squint
            continue
        depth = float(np.mean(openness[d.first : d.last + 1].min(axis=0)))
        blinks += 1
        incomplete += depth >= SHUT_BELOW
    right, left = _sides(sig, per_eye, mirrored)
    return EyeMeasures(
        shut_below=SHUT_BELOW,
        blink_max_s=BLINK_MAX_S,
        right=right,
        left=left,
        blinks=blinks,
        incomplete_blinks=incomplete,
        incomplete_blink_share=round(incomplete / blinks, 3) if blinks else None,
    )


def _sides(sig: Signals, per_eye: list[EyeClosure], mirrored: bool) -> tuple[EyeClosure, EyeClosure]:
    """(right, left) as the person's own sides: the eye on the image's right is their left."""
    x = sig.image_x.get(EYES[0])
    first_is_left = ((x > sig.nose_x) if x is not None else False) != mirrored
    return (per_eye[1], per_eye[0]) if first_is_left else (per_eye[0], per_eye[1])


def closure_notes(eyes: EyeMeasures | None) -> list[str]:
    """A sentence when an eye was shut longer than a blink, with the guidance it relies on."""
    if eyes is None:
        return []
    longest = max(eyes.right.longest_closure_s, eyes.left.longest_closure_s)
    closures = max(eyes.right.closures, eyes.left.closures)
    if not closures:
        return []
    source = load_knowledge().source_label("nei_blepharospasm")
    return [
        f"An eye was shut for longer than a blink {plural(closures, 'time', 'times')}, the longest for"
        f" {longest:g} s."
        " Eyelids that close more often or for longer than a person means them to are something a"
        f" doctor looks at ({source}); this is not a diagnosis."
    ]
