"""Review before the diary: which events a person is asked about, and what goes in once they decide.

The detector is sometimes wrong, and a calibrated confidence says how often: an event given
0.8 is real about 80% of the time. So the least certain events of a clip (below REVIEW_BELOW,
the least certain first, at most MAX_REVIEW) are shown to the person, each with the moments
around it, to keep or drop; the confident ones go into the diary without asking. Kept apart
from the stills (review_frames.py, OpenCV) so the page and the bench need no video code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

REVIEW_BELOW = 0.95
"""Events whose calibrated confidence is below this are asked about (1 in 20 or more of them is wrong)."""
MAX_REVIEW = 10
"""At most this many a clip: a person reviews a few events, not a whole clip's worth."""
KEEP, DROP = "keep", "drop"
DECISIONS = (KEEP, DROP)


def asked(events: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indices (into events) of the events to review, in the clip's order."""
    unsure = [i for i, e in enumerate(events) if float(e["confidence"]) < REVIEW_BELOW]
    least = sorted(unsure, key=lambda i: (float(events[i]["confidence"]), i))[:MAX_REVIEW]
    return sorted(least)


def kept(events: Sequence[Mapping[str, Any]], decisions: Mapping[str, str]) -> list[Mapping[str, Any]]:
    """What goes into the diary: the events not asked about, and those asked about that were kept."""
    unsure = set(asked(events))
    return [e for i, e in enumerate(events) if i not in unsure or decisions.get(str(i)) == KEEP]


def undecided(events: Sequence[Mapping[str, Any]], decisions: Mapping[str, str]) -> list[int]:
    """The events asked about that have no decision yet."""
    return [i for i in asked(events) if str(i) not in decisions]
