"""Which moments of a clip its keyframes show: the strongest twitches, never two of one movement.

Kept apart from the stills themselves (keyframes.py, OpenCV), so a page can caption the
stills from the stored result without loading OpenCV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

KEYFRAMES = 4
"""At most this many stills a clip."""
MIN_GAP_S = 0.5
"""Two chosen twitches are at least this far apart, so no two stills are nearly one frame."""
SAME_PLACE_GAP_S = 2.0
"""...and twitches of one place and side this far: closer, they are one flutter, and one still shows it."""


def moment(event: Mapping[str, Any]) -> float:
    """When a twitch is at its fullest, near enough: the middle of it."""
    return float(event["start_s"]) + (float(event["end_s"]) - float(event["start_s"])) / 2


def choose(events: Sequence[Mapping[str, Any]], limit: int = KEYFRAMES) -> list[Mapping[str, Any]]:
    """The strongest distinct twitches (see the gaps above), at most `limit`, in the clip's order."""
    chosen: list[Mapping[str, Any]] = []
    for event in sorted(events, key=lambda e: (-float(e["amplitude"]), float(e["start_s"]))):
        if len(chosen) == limit:
            break
        if all(_apart(event, c) for c in chosen):
            chosen.append(event)
    return sorted(chosen, key=moment)


def _apart(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    gap = abs(moment(a) - moment(b))
    same_place = (a["region"], a["side"]) == (b["region"], b["side"])
    return gap >= (SAME_PLACE_GAP_S if same_place else MIN_GAP_S)


def caption(event: Mapping[str, Any]) -> str:
    """What a keyframe shows, in words (also its alt text)."""
    return f"{event['region']}, {event['side']} side, at {moment(event):.1f} s (ringed)"
