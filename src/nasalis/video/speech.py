"""The part of a clip the person said they spent reading aloud: its mouth movements are speech.

The Video page's guided recording can end with a part read aloud (an eyelid or cheek twitch
that comes with speech is still seen, but the mouth moves all the time): the upload says
where that part starts, and a mouth movement starting in it is set aside, not counted.
Outside that part speech is found as before, by the mouth moving on both sides at once
(`nasalis.video.events.find_events`).
"""

from __future__ import annotations

from nasalis.video.errors import VideoError
from nasalis.video.events import Event

SPEECH_REGIONS = frozenset({"mouth"})
"""The regions reading aloud moves as much as a twitch would: only the mouth's."""


def check_speech_from(value: float | None) -> float | None:
    """The start of the read-aloud part in seconds (None: there is none); VideoError if not a time."""
    if value is None:
        return None
    if not (value >= 0.0 and value != float("inf")):  # NaN fails the comparison too
        raise VideoError(f"speech_from_s: {value} is not a time in the clip (seconds from its start)")
    return float(value)


def set_aside_speech(events: list[Event], speech_from_s: float | None) -> tuple[list[Event], int]:
    """The events that count, and how many mouth movements fell in the read-aloud part."""
    if speech_from_s is None:
        return events, 0
    kept = [e for e in events if not (e.region in SPEECH_REGIONS and e.start_s >= speech_from_s)]
    return kept, len(events) - len(kept)


def speech_note(speech_from_s: float, set_aside: int) -> str:
    """What the result says about the read-aloud part."""
    return (
        f"From {speech_from_s:g} s the clip was read aloud: {set_aside} mouth movement(s) there were"
        " taken for speech and not counted as twitches."
    )
