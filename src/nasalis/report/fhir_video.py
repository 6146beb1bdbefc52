"""Video measures in the FHIR Bundle: one Observation per measured clip, its keyframes as Media.

The Observation carries the clip's twitches per minute, then one component per region and
side and the eye measures the video layer stored; its `derivedFrom` points at a Media per
keyframe (the JPEG inline), so a receiving system keeps the picture with the numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from nasalis.diary import videos
from nasalis.report.fhir import UCUM, _instant, _uid

PER_MINUTE = {"unit": "/min", "system": UCUM, "code": "/min"}
PERCENT = {"unit": "%", "system": UCUM, "code": "%"}
METHOD = "Measured by nasalis from a video clip the patient recorded (face landmarks, head movement removed)"


def _quantity(value: float, unit: dict[str, str]) -> dict[str, Any]:
    return {"value": round(float(value), 3), **unit}


def _component(text: str, value: float, unit: dict[str, str]) -> dict[str, Any]:
    return {"code": {"text": text}, "valueQuantity": _quantity(value, unit)}


def observation(result: dict[str, Any], when: dt.datetime, patient: dict[str, str]) -> dict[str, Any]:
    """One clip's measures as an Observation (without its Media links)."""
    minutes = float(result.get("duration_s") or 0) / 60
    components: list[dict[str, Any]] = []
    if minutes > 0:
        counts = Counter((str(e["region"]), str(e["side"])) for e in result.get("events", []))
        for (region, side), n in sorted(counts.items()):
            components.append(
                _component(f"Twitches per minute, {region}, {side} side", n / minutes, PER_MINUTE)
            )
    if result.get("blinks_per_minute") is not None:
        components.append(_component("Blinks per minute", result["blinks_per_minute"], PER_MINUTE))
    eyes = result.get("eyes")
    if isinstance(eyes, dict):
        for side in ("right", "left"):
            eye = eyes.get(side) or {}
            if eye.get("closed_fraction") is not None:
                share = 100 * float(eye["closed_fraction"])
                components.append(_component(f"Share of the clip the {side} eye was shut", share, PERCENT))
        if eyes.get("blinks"):
            components.append(
                {
                    "code": {"text": "Incomplete blinks"},
                    "valueInteger": int(eyes.get("incomplete_blinks") or 0),
                }
            )
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "Facial twitches per minute, measured from a video clip"},
        "subject": patient,
        "effectiveDateTime": _instant(when),
        "method": {"text": METHOD},
        "valueQuantity": _quantity(result.get("events_per_minute") or 0, PER_MINUTE),
    }
    if components:
        obs["component"] = components
    return obs


def media(still: str, when: dt.datetime, patient: dict[str, str], n: int) -> dict[str, Any]:
    """A keyframe (a JPEG data: URI as the job stored it) as a Media resource with the picture inline."""
    data = still.removeprefix(videos.STILL_PREFIX)
    base64.b64decode(data, validate=True)  # what the job stored is base64; a broken one fails here
    return {
        "resourceType": "Media",
        "status": "completed",
        "subject": patient,
        "createdDateTime": _instant(when),
        "content": {"contentType": "image/jpeg", "data": data, "title": f"Keyframe {n} of the clip"},
    }


def video_entries(session: Session, person_id: int, patient: dict[str, str]) -> list[dict[str, Any]]:
    """The Bundle entries of every measured clip: Media for its keyframes, then its Observation."""
    out: list[dict[str, Any]] = []
    for vid, when, result, stills in videos.latest_with_stills(session, person_id, limit=None):
        obs = observation(result, when, patient)
        links = []
        for n, still in enumerate(stills, 1):
            url = _uid("video-still", f"{vid}/{n}")
            out.append({"fullUrl": url, "resource": media(still, when, patient, n)})
            links.append({"reference": url})
        if links:
            obs["derivedFrom"] = links
        out.append({"fullUrl": _uid("video", vid), "resource": obs})
    return out
