"""A part read aloud: from where the upload says it began, mouth movements are speech, not twitches."""

from __future__ import annotations

from pathlib import Path

import pytest

from nasalis.video.analyze import analyze
from nasalis.video.errors import VideoError
from nasalis.video.events import Event
from nasalis.video.speech import check_speech_from, set_aside_speech


def _event(region: str, start_s: float) -> Event:
    return Event(start_s, start_s + 0.2, "left", region, 0.03, 0.8)


def test_only_mouth_movements_from_the_start_of_the_part_read_aloud_are_set_aside() -> None:
    events = [_event("mouth", 1.0), _event("nose", 5.0), _event("mouth", 5.0), _event("eyelid", 6.0)]
    kept, spoken = set_aside_speech(events, 5.0)
    assert [(e.region, e.start_s) for e in kept] == [("mouth", 1.0), ("nose", 5.0), ("eyelid", 6.0)]
    assert spoken == 1
    assert set_aside_speech(events, None) == (events, 0)


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf")])
def test_a_start_that_is_not_a_time_in_the_clip_is_refused(bad: float) -> None:
    with pytest.raises(VideoError, match="speech_from_s"):
        check_speech_from(bad)


def test_a_clip_read_aloud_from_5_s_keeps_its_other_twitches_and_says_what_it_set_aside(
    clips: dict[str, Path],
) -> None:
    # twitches.mp4: nose left at 1.5 s, eyelid right at 3.2 s, mouth left at 5.2 s.
    read = analyze(clips["twitches.mp4"], speech_from_s=5.0).to_json()
    assert {(e["region"], e["side"]) for e in read["events"]} == {("nose", "left"), ("eyelid", "right")}
    assert (read["speech_from_s"], read["speech_set_aside"]) == (5.0, 1)
    assert read["by_region"] == {"nose": 1, "eyelid": 1}
    assert any(n.startswith("From 5 s the clip was read aloud: 1 mouth movement") for n in read["notes"])
    plain = analyze(clips["twitches.mp4"]).to_json()
    assert ("mouth", "left") in {(e["region"], e["side"]) for e in plain["events"]}
    assert "speech_from_s" not in plain  # optional: absent when not asked
    assert "speech_set_aside" not in plain
