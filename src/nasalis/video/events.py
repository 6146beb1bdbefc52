"""From per-place motion signals to twitch events, with blinks and speech set aside.

A twitch moves one place, usually on one side, for 0.1-3 s. Blinks (and longer closures)
close both lids of both eyes together; talking opens the mouth symmetrically; head turns and
lighting drift are slow; what every place does at once is the measurement's error. So: the
movement the places share is removed (and a frame where all jump is left out), a lid is read
vertically, slow change is removed by a rolling median, a place counts as
moving when it leaves its own noise floor, and a movement on both sides at once is a blink
(upper lids: counted apart, whatever its length; the lower lids' share of it is its echo),
speech (mouth) or a genuine both-sided twitch (nose, cheek). The upper and the lower lid of
each eye are measured apart; of two lids of one eye moving together, the one that moved
further twitched. Near a blink a lid twitch is read from the difference between the eyes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nasalis.video.arrays import Array
from nasalis.video.face import LIDS, Lid
from nasalis.video.measure import Signals
from nasalis.video.motion_signal import despiked, highpassed, magnitude, without_shared

FLOOR = 0.009
"""Smallest movement counted, as a fraction of the inter-ocular distance (about 1.2 px at 720p)."""
MIN_PX = 0.6
"""...and never less than this many pixels, for small or distant faces."""
NOISE_K = 7.0
"""How many noise spreads above its own floor a region must move to count."""
MERGE_S = 0.4
"""Gaps shorter than this inside one movement (a clonic flutter, a train of jerks) do not split
it. Tuning clips (seeds 1000-1019): 0.3 F1 0.772, 0.4 0.788, 0.5 0.788, 0.6 0.776."""
BOTH_RATIO = 0.5
"""The quieter side must reach this share of the louder one for a movement to be both-sided."""
EDGE = 0.3
"""A movement starts and ends where it falls below this share of the threshold."""
LOW_MARK = (0.2, 0.5)
"""Shares of the peak the rising edge is drawn through to find the onset; measured on the tuning
clips against (0.1, 0.5), (0.15, 0.4), (0.25, 0.6) and (0.3, 0.7)."""


@dataclass(frozen=True)
class Event:
    """One twitch, as the contract reports it."""

    start_s: float
    end_s: float
    side: str
    region: str
    amplitude: float
    confidence: float
    lid: Lid | None = None
    """For region eyelid: `upper` or `lower` (an optional field of the JSON)."""


@dataclass(frozen=True)
class Found:
    """Events, and what was set aside."""

    events: list[Event]
    blinks: int
    speech_movements: int
    closures: list[tuple[float, float]] = field(default_factory=list)
    """Each blink's (start s, end s): when both eyes' upper lids moved together."""


def _segments(m: Array, times: Array, thr: float) -> list[tuple[int, int]]:
    """[start, end] frame ranges above thr, widened to half of it, merged across short gaps."""
    above = np.nan_to_num(m) > thr
    edge = max(thr * EDGE, FLOOR / 2)
    spans: list[list[int]] = []
    i, n = 0, len(m)
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and above[j + 1]:
            j += 1
        a, b = i, j
        while a > 0 and np.nan_to_num(m[a - 1]) > edge:
            a -= 1
        while b + 1 < n and np.nan_to_num(m[b + 1]) > edge:
            b += 1
        if spans and times[a] - times[spans[-1][1]] < MERGE_S:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
        i = b + 1
    return [(a, b) for a, b in spans if b > a]


def _threshold(m: Array, iod: float) -> float:
    valid = m[~np.isnan(m)]
    if valid.size == 0:
        return float("inf")
    median = float(np.median(valid))
    spread = 1.4826 * float(np.median(np.abs(valid - median)))
    # Below ~0.6 px, compression and landmark jitter speak louder than any twitch.
    return max(FLOOR, MIN_PX / max(iod, 1.0), median + NOISE_K * spread)


@dataclass
class _Movement:
    region: str
    start: int
    end: int
    peaks: dict[int, float]
    thr: dict[int, float]
    side_of: dict[int, str]
    size: float
    """The peak before despiking: what the amplitude reports."""
    onset_s: float
    """When the movement began: its rising edge extended down to zero (see _onset)."""

    @property
    def loud(self) -> int:
        return _louder(self.peaks)

    @property
    def both(self) -> bool:
        quiet = 1 - self.loud
        ratio = self.peaks[quiet] / self.peaks[self.loud] if self.peaks[self.loud] > 0 else 0.0
        return ratio >= BOTH_RATIO and self.peaks[quiet] > self.thr[quiet]


def _louder(peaks: dict[int, float]) -> int:
    return max(peaks, key=lambda k: peaks[k])


def _onset(m: Array, times: Array, a: int, b: int) -> float:
    """Where the rising edge, drawn through 20% and 50% of the peak, meets zero.

    A slow twitch crosses any fixed threshold late (a 2 s twitch at a sin^2 envelope spends
    0.3 s under a quarter of its peak); its rising edge still points back to where it began.
    The edge is the one that first reaches half the peak, not the peak's own: walking back
    from the peak stopped at the last dip of a quiver or a train and fell back on the
    movement's first frame, which a noise jolt merged in before it had moved 0.4 s early.
    Tuning seeds 1000-1019 + 2000-2019 (the other rules in place): F1 0.716 -> 0.747.
    """
    seg = np.nan_to_num(m[a : b + 1])
    peak = float(seg.max())
    # The first frame at half the peak: in a train or a quiver the largest jerk may come last,
    # and a noise blip merged in before the twitch is not its start.
    f50 = a + int(np.argmax(seg >= LOW_MARK[1] * peak))
    i20 = f50
    while i20 > 0 and np.nan_to_num(m[i20 - 1]) >= LOW_MARK[0] * peak:
        i20 -= 1
    t50, t20 = float(times[f50]), float(times[i20])
    if t50 <= t20:
        return t20
    onset = t20 - (t50 - t20) * LOW_MARK[0] / (LOW_MARK[1] - LOW_MARK[0])
    return max(float(times[0]), onset)


def _movements(sig: Signals, region: str, times: Array, mirrored: bool) -> list[_Movement]:
    """Each time a region left its noise floor, on one side or both."""
    raw = {k: magnitude(sig, (region, k)) for k in (0, 1)}
    mags = {k: despiked(raw[k]) for k in (0, 1)}
    thr = {k: _threshold(mags[k], sig.iod) for k in (0, 1)}
    side_of = _sides(sig, region, mirrored)
    spans = sorted([(a, b) for k in (0, 1) for a, b in _segments(mags[k], times, thr[k])])
    merged: list[list[int]] = []
    for a, b in spans:  # one movement may show on both sides: take their union
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out = []
    for a, b in merged:
        peaks = {k: float(np.nanmax(mags[k][a : b + 1])) for k in (0, 1)}
        loud = _louder(peaks)
        size = float(np.nanmax(raw[loud][a : b + 1]))
        move = _Movement(region, a, b, peaks, thr, side_of, size, _onset(mags[loud], times, a, b))
        if move.peaks[move.loud] > thr[move.loud]:
            out.append(move)
    return out


DISTURBED = 0.35
"""A movement elsewhere during a blink or speech, smaller than this share of it, is its echo."""
BLINK_REACH_S = 0.3
"""A lid movement this close to a blink is read from the two eyes' difference (_beside_blinks):
the blink moves both lids of both eyes, and its movement swallows a twitch of one lid beside it."""


def _confidence(peak: float, thr: float) -> float:
    return min(1.0, 0.5 + 0.5 * (peak / thr - 1.0) / 3.0)


def _event(m: _Movement, times: Array) -> Event:
    peak = m.peaks[m.loud]
    return Event(
        start_s=round(float(m.onset_s), 2),
        end_s=round(float(times[m.end]), 2),
        side="both" if m.both else m.side_of[m.loud],
        region="eyelid" if m.region in LIDS else m.region,
        amplitude=round(m.size, 4),
        confidence=round(_confidence(peak, m.thr[m.loud]), 2),
        lid=LIDS.get(m.region),
    )


def _overlap(a: tuple[float, float], b: tuple[float, float], reach: float = 0.0) -> bool:
    return a[0] <= b[1] + reach and a[1] >= b[0] - reach


def _one_lid(found: list[_Movement], times: Array) -> list[_Movement]:
    """An upper-lid twitch drags the lower lid a little (and the other way round): of two lids
    of one eye moving at once, the one that moved further twitched."""
    kept = []
    for m in found:
        span = (float(times[m.start]), float(times[m.end]))
        rivals = [
            o
            for o in found
            if o.region != m.region
            and (o.both or m.both or o.side_of[o.loud] == m.side_of[m.loud])
            and _overlap(span, (float(times[o.start]), float(times[o.end])))
        ]
        if all(m.peaks[m.loud] >= o.peaks[o.loud] for o in rivals):
            kept.append(m)
    return kept


GAIN_BOUND = 1.4
"""How much further one eye's lid may follow a blink than the other's (fitted per clip)."""
ECHO = 0.25
"""...and a difference below this share of how far the eyes closed meanwhile is the blink's echo
(one eye's lid can follow a blink a frame after the other's). Tuning clips (seeds 1000-1019):
0.15 took one blink for a twitch (F1 0.792), 0.2-0.25 none (0.800), 0.3 none (0.795)."""
BLINK_LEAD_S = 0.1
"""How early before a blink's measured start both eyes may already be closing (one a frame or
two ahead): a difference of the eyes from then on, smaller than either eye's closing, is the
blink's. Tuning seeds 1000-1019 and 2000-2019: such differences were 9-21 (IOD/1000) against
closings of 24-119 in 19 blinks; the two twitches inside long closures, 10 and 18 against 1 and 6.
Without the rule (the others in place): F1 0.728 (21 false events, 5 of them blinks); with it
0.747 (16, none), every twitch beside a blink still found."""
CLOSING = {"eyelid": 1.0, "lower_eyelid": -1.0}
"""Which way a lid closes in the image (y grows downwards): the upper lid down, the lower up."""


def _sides(sig: Signals, place: str, mirrored: bool) -> dict[int, str]:
    """The side that appears on the image's right is the person's left, unless mirrored."""
    return {k: ("left" if (sig.image_x[(place, k)] > sig.nose_x) != mirrored else "right") for k in (0, 1)}


def _closing(sig: Signals, place: str, k: int) -> Array:
    """How far a lid closed, per frame, beyond its slow part (IOD units)."""
    d = np.asarray(sig.motion[(place, k)], dtype=np.float64) / max(sig.iod, 1e-6)
    out: Array = CLOSING[place] * highpassed(sig, d)[:, 1]
    return out


def _beside_blinks(
    sig: Signals, times: Array, blinks: list[tuple[float, float]], mirrored: bool
) -> list[Event]:
    """Twitches of one lid near a blink, read from how much further one eye closed than the other.

    A blink closes both eyes alike, so it cancels in the difference of the two eyes' closing
    movement; a twitch of one lid beside it (or inside it) does not. Its side is the eye that
    closed further: lid twitches close the eye (the orbicularis pulls the lid over it).
    """
    if not blinks or not all(p in {k[0] for k in sig.motion} for p in LIDS):
        return []
    found: list[tuple[float, Event]] = []
    for place, lid in LIDS.items():
        side_of = _sides(sig, place, mirrored)
        c0, c1 = _closing(sig, place, 0), _closing(sig, place, 1)
        during = np.zeros(len(times), dtype=bool)
        for a, b in blinks:
            during |= (times >= a) & (times <= b)
        during &= ~(np.isnan(c0) | np.isnan(c1))
        # One eye's lid may follow a blink further than the other's (the face is not quite
        # symmetric): the gain is fitted over the clip's blinks, within bounds, so that one
        # blink with a twitch inside it cannot take the twitch for its own.
        gain = float(np.dot(c0[during], c1[during]) / max(float(np.dot(c1[during], c1[during])), 1e-12))
        gain = min(max(gain, 1 / GAIN_BOUND), GAIN_BOUND)
        diff = c0 - gain * c1
        mag = despiked(np.abs(diff))
        thr = _threshold(mag, sig.iod)
        for a, b in _segments(mag, times, thr):
            span = (float(times[a]), float(times[b]))
            near = [blink for blink in blinks if _overlap(span, blink, BLINK_REACH_S)]
            if not near:
                continue
            # Set against how far the eyes closed during this difference itself (not the whole
            # blink): a twitch just after a blink is all difference, a blink's echo a share of it.
            closed = sorted(float(np.nanmax(np.abs(c[a : b + 1]), initial=0.0)) for c in (c0, c1))
            peak = float(np.nanmax(mag[a : b + 1]))
            if peak < ECHO * closed[1]:
                continue
            if peak <= closed[0] and any(start - BLINK_LEAD_S <= span[0] <= end for start, end in near):
                # Begun as a blink began or while it lasted, with both eyes closing further than
                # they differ: the blink's own unevenness (one lens's reflection, one lid a
                # frame late). A twitch inside a long closure moves one eye alone.
                continue
            p = a + int(np.nanargmax(np.abs(np.nan_to_num(diff[a : b + 1]))))
            found.append(
                (
                    peak,
                    Event(
                        start_s=round(_onset(mag, times, a, b), 2),
                        end_s=round(span[1], 2),
                        side=side_of[0] if diff[p] > 0 else side_of[1],
                        region="eyelid",
                        amplitude=round(float(abs(diff[p])), 4),
                        confidence=round(_confidence(peak, thr), 2),
                        lid=lid,
                    ),
                )
            )
    # The lid that moved further twitched; the other eye's lid only followed it.
    kept = []
    for peak, e in found:
        if all(
            peak >= q
            for q, o in found
            if o.lid != e.lid and _overlap((e.start_s, e.end_s), (o.start_s, o.end_s))
        ):
            kept.append(e)
    return kept


def find_events(sig: Signals, mirrored: bool = False) -> Found:
    """Twitch events with anatomical sides; blinks and speech counted apart."""
    sig = without_shared(sig)
    times = np.asarray(sig.times)
    moves = {place: _movements(sig, place, times, mirrored) for place in sorted({k[0] for k in sig.motion})}
    disturbances: list[tuple[float, float, float]] = []  # (start s, end s, size) of blinks and speech
    blinks: list[tuple[float, float]] = []
    speech = 0
    for m in moves.get("eyelid", []):
        if m.both:  # a blink, or a longer closure of both eyes: never a twitch
            blinks.append((float(times[m.start]), float(times[m.end])))
            disturbances.append((times[m.start], times[m.end], max(m.peaks.values())))
    for m in moves.get("mouth", []):
        if m.both:
            speech += 1
            disturbances.append((times[m.start], times[m.end], max(m.peaks.values())))
    events: list[Event] = []
    lid_moves: list[_Movement] = []
    for place, found in moves.items():
        for m in found:
            span = (float(m.onset_s), float(times[m.end]))
            if place in LIDS:
                # A blink, its echo in the lower lids, or a movement beside one: see beside_blinks.
                if not m.both and not any(_overlap(span, b, BLINK_REACH_S) for b in blinks):
                    lid_moves.append(m)
                continue
            if m.both and place == "mouth":
                continue
            peak = m.peaks[m.loud]
            if any(_overlap(span, (a, b), 0.1) and peak < DISTURBED * size for a, b, size in disturbances):
                continue
            events.append(_event(m, times))
    events += [_event(m, times) for m in _one_lid(lid_moves, times)]
    events += _beside_blinks(sig, times, blinks, mirrored)
    events.sort(key=lambda e: e.start_s)
    return Found(events, len(blinks), speech, blinks)
