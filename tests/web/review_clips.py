"""A measured clip with known events, stored as the job stores one, for the review tests.

The clip is rendered by tools/twitchclips.py; its result is written here (not by the detector,
which other work changes) so that which events are asked about is known: two sure ones, and
two below review.REVIEW_BELOW. The stills come from the real review_frames and keyframes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.twitchclips import ClipSpec, Twitch, render

from nasalis.diary import videos
from nasalis.diary.store import Store
from nasalis.video.keyframes import keyframes
from nasalis.video.review_frames import review_frames

EVENTS: list[dict[str, Any]] = [
    {"start_s": 0.8, "end_s": 1.2, "side": "left", "region": "nose", "amplitude": 0.05, "confidence": 0.99},
    {"start_s": 1.6, "end_s": 1.9, "side": "right", "region": "cheek", "amplitude": 0.02, "confidence": 0.62},
    {
        "start_s": 2.4,
        "end_s": 2.8,
        "side": "right",
        "region": "eyelid",
        "amplitude": 0.04,
        "confidence": 0.97,
    },
    {"start_s": 3.1, "end_s": 3.4, "side": "left", "region": "mouth", "amplitude": 0.03, "confidence": 0.81},
]
ASKED = [1, 3]
"""The events below REVIEW_BELOW, in the clip's order."""


def result() -> dict[str, Any]:
    """The stored result: the contract's JSON for a 4 s clip."""
    return {
        "schema": "nasalis.video/1",
        "fps": 30.0,
        "duration_s": 4.0,
        "frames": 120,
        "face_found_ratio": 1.0,
        "events": [dict(e) for e in EVENTS],
        "events_per_minute": 60.0,
        "by_region": {"nose": 1, "cheek": 1, "eyelid": 1, "mouth": 1},
        "blinks_per_minute": 0.0,
        "notes": ["A measurement from video is not a diagnosis; show it to your doctor with the clip."],
    }


def render_clip(folder: Path) -> Path:
    """A 4 s 640x360 clip with twitches where EVENTS says."""
    path = folder / "review.mp4"
    if not path.exists():
        twitches = [Twitch(str(e["region"]), str(e["side"]), float(e["start_s"]), 0.3, 0.05) for e in EVENTS]
        render(ClipSpec(seconds=4, size=(640, 360), twitches=twitches, noise=2, seed=20), path)
    return path


def stored_clip(store: Store, person_id: int, clip: Path, name: str = "review.mp4") -> int:
    """The clip measured and stored for this person, with its review stills; its id."""
    data = result()
    stills = keyframes(clip, data["events"])
    around = review_frames(clip, data)
    with store.write() as session:
        row = videos.create(session, person_id, name, clip.read_bytes(), attach=False)
        videos.claim(session, row.id)
        videos.finish(session, row.id, data, stills, around)
        return row.id
