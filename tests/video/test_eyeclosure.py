"""Eye closures and blink completeness, on clips whose lids close by known amounts for known times."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from tools.json_schemas import video as video_schema

from nasalis.video.analyze import VideoResult, analyze
from tests.video.lidclips import Closure, LidClip, render_lids

SHUT_FROM = 0.8
"""The truth's shut: the lid has come down at least this share of the gap (the generator's
tools.twitchclips BLINK_CLOSED_GAP, 0.2 of the gap left)."""
FRACTION_TOLERANCE = 0.03
"""Closed share of the clip, measured against the truth (absolute)."""
LENGTH_TOLERANCE_S = 0.15

CLIP = LidClip(
    seconds=11,
    closures=[
        # Complete blinks, shut for no time at all up to 0.1 s, at different phases of Face Mesh's frames.
        Closure(0.8, 0.0),
        Closure(1.83, 0.05),
        Closure(2.97, 0.1),
        # Blinks that stop half way.
        Closure(4.0, 0.05, depth=0.5),
        Closure(4.9, 0.0, depth=0.5),
        # Both eyes shut for 2 s, then the right eye alone for 0.8 s.
        Closure(6.0, 2.0),
        Closure(9.3, 0.8, eyes=("right",)),
    ],
)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The clip's JSON, as `nasalis video analyze --json` prints it."""
    path = render_lids(CLIP, tmp_path_factory.mktemp("lids") / "lids.mp4")
    return analyze(path).to_json()


def test_the_closed_share_of_each_eye_is_within_tolerance_of_the_truth(measured: dict[str, Any]) -> None:
    for eye in ("right", "left"):
        truth = CLIP.shut_seconds(eye, SHUT_FROM) / CLIP.seconds
        assert measured["eyes"][eye]["closed_fraction"] == pytest.approx(truth, abs=FRACTION_TOLERANCE), eye


def test_closures_longer_than_a_blink_are_counted_per_eye_with_the_longest(measured: dict[str, Any]) -> None:
    right, left = measured["eyes"]["right"], measured["eyes"]["left"]
    assert (right["closures"], left["closures"]) == (2, 1)  # the blinks are not closures
    assert right["closures_per_minute"] == pytest.approx(2 * 60 / CLIP.seconds, rel=0.01)
    longest = sum(CLIP.closed(i / CLIP.fps, "left") >= SHUT_FROM for i in range(round(5.9 * 30), 9 * 30)) / 30
    assert longest == pytest.approx(2.07, abs=0.03)  # the truth: 2 s held, plus the shut part of each ramp
    for eye in (right, left):
        assert eye["longest_closure_s"] == pytest.approx(longest, abs=LENGTH_TOLERANCE_S)


def test_incomplete_blinks_are_told_from_complete_ones(measured: dict[str, Any]) -> None:
    eyes = measured["eyes"]
    assert eyes["blinks"] == 5  # the long closures are not blinks
    assert eyes["incomplete_blinks"] == 2
    assert eyes["incomplete_blink_share"] == pytest.approx(0.4)


def test_a_long_closure_is_told_in_words_with_the_guidance_it_relies_on(measured: dict[str, Any]) -> None:
    (note,) = [n for n in measured["notes"] if "shut for longer than a blink" in n]
    assert "a blink 2 times, the longest for" in note
    assert "National Eye Institute (NEI) — Blepharospasm" in note
    assert "not a diagnosis" in note


def test_the_eye_and_synkinesis_fields_are_optional_and_match_the_schema(measured: dict[str, Any]) -> None:
    bare = VideoResult(
        fps=30.0, duration_s=1.0, frames=30, face_found_ratio=1.0, events=[], blinks_per_minute=0.0
    )
    assert "eyes" not in bare.to_json()
    assert "synkinesis" not in bare.to_json()
    schema = jsonschema_rs.validator_for(video_schema())
    for result in (measured, bare.to_json()):
        assert [e.message for e in schema.iter_errors(result)] == []
    assert {"eyes", "synkinesis"} <= set(measured)
    broken = {**measured, "eyes": {**measured["eyes"], "blinks": "five"}}
    assert [e.message for e in schema.iter_errors(broken)] != []
