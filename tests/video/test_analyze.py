"""The analyser on generated clips whose twitches are known."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasalis.video.analyze import analyze
from nasalis.video.errors import VideoError


def _matches(events: list[dict[str, object]], region: str, side: str, onset: float) -> bool:
    return any(
        e["region"] == region and e["side"] == side and abs(float(str(e["start_s"])) - onset) <= 0.3
        for e in events
    )


def test_it_finds_each_twitch_with_region_side_and_time_and_not_the_blinks(clips: dict[str, Path]) -> None:
    result = analyze(clips["twitches.mp4"]).to_json()
    assert result["schema"] == "nasalis.video/1"
    assert result["frames"] == 210
    assert result["fps"] == 30.0
    assert result["face_found_ratio"] > 0.95
    events = result["events"]
    assert _matches(events, "nose", "left", 1.5)
    assert _matches(events, "eyelid", "right", 3.2)
    assert _matches(events, "mouth", "left", 5.2)
    assert len(events) == 3, events  # the two blinks are not twitches
    assert result["blinks_per_minute"] == pytest.approx(2 * 60 / 7, rel=0.01)
    assert result["by_region"] == {"nose": 1, "eyelid": 1, "mouth": 1}
    assert result["events_per_minute"] == pytest.approx(3 * 60 / 7, rel=0.01)
    for e in events:
        assert 0.01 < e["amplitude"] < 0.1  # true peak 0.05 of the inter-ocular distance
        assert e["start_s"] < e["end_s"]
        assert 0 < e["confidence"] <= 1


def test_a_mirrored_clip_reports_the_persons_own_side(clips: dict[str, Path]) -> None:
    plain = analyze(clips["mirrored.mov"]).to_json()["events"]
    told = analyze(clips["mirrored.mov"], mirrored=True).to_json()["events"]
    assert _matches(told, "cheek", "right", 2.0)
    assert _matches(plain, "cheek", "left", 2.0)  # without --mirrored the sides come out swapped


def test_blinks_alone_are_not_twitches(clips: dict[str, Path]) -> None:
    result = analyze(clips["still.webm"]).to_json()
    assert result["events"] == []
    assert result["blinks_per_minute"] == pytest.approx(30.0, rel=0.01)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("no-face.mp4", "no face was found"),
        ("mostly-gone.mp4", "a face was found in only"),
        ("not-a-video.mp4", "not a video"),
        ("empty.mp4", "the file is empty"),
    ],
)
def test_clips_that_cannot_be_measured_say_why(clips: dict[str, Path], name: str, says: str) -> None:
    with pytest.raises(VideoError, match=says):
        analyze(clips[name])


@pytest.mark.parametrize(
    ("name", "fps", "region", "side", "onset"),
    [("phone.mov", 30.0, "nose", "right", 2.0), ("phone-60fps-hevc.mp4", 60.0, "eyelid", "left", 2.5)],
)
def test_a_portrait_phone_clip_is_measured_upright(
    clips: dict[str, Path], name: str, fps: float, region: str, side: str, onset: float
) -> None:
    result = analyze(clips[name]).to_json()
    assert result["fps"] == fps
    assert result["frames"] == round(5 * fps)
    assert result["face_found_ratio"] > 0.95
    assert len(result["events"]) == 1, result["events"]
    assert _matches(result["events"], region, side, onset)
