"""The analyser on generated clips whose twitches are known."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest
from tools import json_schemas as schemas
from tools.twitchclips import Blink, ClipSpec, Twitch, render

from nasalis.video.analyze import analyze
from nasalis.video.errors import VideoError
from tests.video.conftest import SIZE


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
    # The optional `lid` says which lid of an eyelid event twitched; other regions have none.
    assert [e.get("lid") for e in events if e["region"] == "eyelid"] == ["upper"]
    assert all("lid" not in e for e in events if e["region"] != "eyelid")
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


@pytest.fixture(scope="module")
def lid_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lower-lid twitch alone, an upper-lid twitch just after a blink, and a long closure."""
    spec = ClipSpec(
        seconds=8,
        size=SIZE,
        twitches=[
            Twitch("eyelid", "left", 1.5, 0.5, 0.04, shape="quiver", lid="lower", frequency_hz=7.0),
            Twitch("eyelid", "right", 3.55, 0.25, 0.04, lid="upper"),
        ],
        blinks=[3.3, Blink(5.5, hold_s=1.0)],
        head_rotation_deg=1.0,
        head_shift_px=3,
        noise=2,
        seed=11,
    )
    path = tmp_path_factory.mktemp("lids") / "lids.mp4"
    render(spec, path)
    return path


def test_each_lid_twitch_is_found_with_its_lid_and_blinks_and_closures_are_not(lid_clip: Path) -> None:
    result = analyze(lid_clip).to_json()
    events = result["events"]
    found = sorted((e["region"], e["side"], e.get("lid")) for e in events)
    assert found == [("eyelid", "left", "lower"), ("eyelid", "right", "upper")], events
    assert _matches(events, "eyelid", "left", 1.5)
    assert _matches(events, "eyelid", "right", 3.55)  # 0.05 s after a blink ended
    assert result["blinks_per_minute"] == pytest.approx(2 * 60 / 8, rel=0.01)  # the long closure too
    # `lid` is an optional field of the contract's JSON: the checked-in schema takes it.
    schema = json.loads((schemas.FOLDER / "video.json").read_text("utf-8"))
    assert list(jsonschema_rs.validator_for(schema).iter_errors(result)) == []
