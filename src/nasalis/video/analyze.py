"""Analyse a clip: decode, track the face, measure each region, find the twitches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nasalis.video.calibration import calibrate
from nasalis.video.decode import frames, probe
from nasalis.video.errors import VideoError
from nasalis.video.events import Event, find_events
from nasalis.video.eyeclosure import EyeMeasures, closure_notes, measure_eyes
from nasalis.video.face import FaceMesh
from nasalis.video.measure import measure
from nasalis.video.speech import check_speech_from, set_aside_speech, speech_note
from nasalis.video.synkinesis import Synkinesis, find_synkinesis, pattern_notes

SCHEMA = "nasalis.video/1"
MIN_FACE_RATIO = 0.5
"""Below this share of frames with a face, the clip says too little to measure."""


@dataclass
class VideoResult:
    """The contract's JSON, plus blinks per minute."""

    fps: float
    duration_s: float
    frames: int
    face_found_ratio: float
    events: list[Event]
    blinks_per_minute: float
    notes: list[str] = field(default_factory=list)
    eyes: EyeMeasures | None = None
    """Optional: how long and often the eyes were shut, how complete the blinks were."""
    synkinesis: Synkinesis | None = None
    """Optional: eyelid twitches that came with a cheek or mouth twitch on the same side."""
    speech_from_s: float | None = None
    """Optional: where the part read aloud began (the Video page's guided recording)."""
    speech_set_aside: int = 0
    """...and how many mouth movements in it were taken for speech, not counted."""

    @property
    def events_per_minute(self) -> float:
        """Twitches per minute of clip."""
        return round(len(self.events) * 60.0 / self.duration_s, 2) if self.duration_s else 0.0

    def to_json(self) -> dict[str, Any]:
        """The result in the contract's field order."""
        return {
            "schema": SCHEMA,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 2),
            "frames": self.frames,
            "face_found_ratio": round(self.face_found_ratio, 3),
            # `lid` is optional (eyelid events only): a field left unset is not written.
            "events": [{k: v for k, v in asdict(e).items() if v is not None} for e in self.events],
            "events_per_minute": self.events_per_minute,
            "by_region": dict(Counter(e.region for e in self.events)),
            "blinks_per_minute": self.blinks_per_minute,
            "notes": self.notes,
            # Optional (added in issue 20); absent from results measured before.
            **({"eyes": asdict(self.eyes)} if self.eyes is not None else {}),
            **({"synkinesis": asdict(self.synkinesis)} if self.synkinesis is not None else {}),
            # Optional (added in issue 21): only for a clip with a part read aloud.
            **(
                {"speech_from_s": round(self.speech_from_s, 2), "speech_set_aside": self.speech_set_aside}
                if self.speech_from_s is not None
                else {}
            ),
        }


def analyze(
    path: Path,
    mirrored: bool = False,
    progress: Callable[[float, float], None] | None = None,
    speech_from_s: float | None = None,
) -> VideoResult:
    """Measure one clip (read aloud from speech_from_s on, if given); VideoError if not a video or no face."""
    speech_from_s = check_speech_from(speech_from_s)
    info = probe(path)
    mesh = FaceMesh()
    try:
        sig = measure(frames(path), mesh, (lambda t: progress(t, info.duration_s)) if progress else None)
    finally:
        mesh.close()
    count = len(sig.times)
    if count == 0:
        raise VideoError(f"{path.name}: the video has no frames")
    ratio = sum(sig.found) / count
    if ratio == 0:
        raise VideoError(f"{path.name}: no face was found; film the face from the front, in good light")
    if ratio < MIN_FACE_RATIO:
        raise VideoError(
            f"{path.name}: a face was found in only {ratio:.0%} of the clip; keep the whole face in view"
        )
    duration = max(sig.times[-1] - sig.times[0] + 1.0 / info.fps, 1.0 / info.fps)
    found = find_events(sig, mirrored)
    counted, spoken = set_aside_speech(found.events, speech_from_s)
    notes = [
        "Sides are the person's own (anatomical) sides"
        + (", for a clip recorded mirrored." if mirrored else ", for a clip that is not mirrored."),
        f"{found.blinks} blink(s) were counted apart and are not twitches.",
    ]
    if found.speech_movements:
        notes.append(
            f"{found.speech_movements} mouth movement(s) on both sides looked like speech;"
            " they were not counted."
        )
    if ratio < 0.95:
        notes.append(
            f"The face was out of view for {1 - ratio:.0%} of the clip; twitches then could not be seen."
        )
    if speech_from_s is not None:
        notes.append(speech_note(speech_from_s, spoken))
    eyes = measure_eyes(sig, duration, mirrored)
    together = find_synkinesis(counted)
    notes += closure_notes(eyes) + pattern_notes(together)
    notes.append("A measurement from video is not a diagnosis; show it to your doctor with the clip.")
    return VideoResult(
        fps=info.fps,
        duration_s=duration,
        frames=count,
        face_found_ratio=ratio,
        events=calibrate(counted),
        blinks_per_minute=round(found.blinks * 60.0 / duration, 2),
        notes=notes,
        eyes=eyes,
        synkinesis=together,
        speech_from_s=speech_from_s,
        speech_set_aside=spoken,
    )
