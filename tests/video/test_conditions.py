"""The detector under the generator's conditions: five tuning clips of the bench (seeds 1000,
1011, 1013, 2008 and 2018, 8 s at 1280x720, exactly as `bench/video_bench.py` makes them), each
showing a rule of nasalis.video.events at work. Each assertion failed before its rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tools.twitchclips import random_spec, write_clip

from nasalis.video.analyze import analyze

SECONDS = 8.0


@pytest.fixture(scope="module")
def bench_clip(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Render the bench's clip of this seed once (clip n of `--seed-base B` has seed B + n, and
    its container depends on n); give its analysis and its truth."""
    folder = tmp_path_factory.mktemp("bench-clips")
    done: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}

    def clip(seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
        if seed not in done:
            path = write_clip(folder, seed % 1000, random_spec(seed, SECONDS))
            truth = json.loads(path.with_suffix(".json").read_text())
            done[seed] = (analyze(path).to_json(), truth)
        return done[seed]

    return clip


def _found(events: list[dict[str, Any]], twitch: dict[str, Any]) -> bool:
    return any(
        e["region"] == twitch["region"]
        and e["side"] == twitch["side"]
        and e.get("lid") == twitch.get("lid")
        and abs(e["start_s"] - twitch["onset_s"]) <= 0.3
        for e in events
    )


def test_a_blink_behind_glasses_is_not_a_lid_twitch(bench_clip: Any) -> None:
    """Seed 1011 (glasses): one lens's reflection made the right eye seem to close twice as far
    as the left in the blink at 1.16 s, and the two eyes' difference read as a twitch. A
    difference that begins inside a blink is the blink's own."""
    result, truth = bench_clip(1011)
    assert truth["conditions"]["glasses"]
    blinks = [float(b) for b in truth["blinks"]]
    false = [e for e in result["events"] if not any(_found([e], t) for t in truth["twitches"])]
    assert not [e for e in false if any(abs(e["start_s"] - b) <= 0.3 for b in blinks)], false
    # ...while a lower-lid twitch 0.3 s before the second blink is still found beside it.
    (lower,) = [t for t in truth["twitches"] if t.get("lid") == "lower"]
    assert _found(result["events"], lower), result["events"]


def test_a_movement_every_place_shares_is_not_a_twitch(bench_clip: Any) -> None:
    """Seed 1013 (hair over the left temple): at 5.6 s and 6.9 s every place moved down
    together against the anchors, which read as mouth and nose twitches. The twitches of this
    clip (a hemifacial spread) all begin before 2.5 s."""
    result, truth = bench_clip(1013)
    assert max(t["onset_s"] for t in truth["twitches"]) < 2.5
    assert [e for e in result["events"] if e["start_s"] > 4.5] == []


def test_a_small_lower_lid_jerk_is_read_vertically(bench_clip: Any) -> None:
    """Seed 1000 (a face at 95 px, H.264): a 0.2 s lower-lid jerk that the lid's sideways flow
    (codec noise) hid when its movement was read in both directions."""
    result, truth = bench_clip(1000)
    (jerk,) = truth["twitches"]
    assert jerk["lid"] == "lower"
    assert _found(result["events"], jerk), result["events"]
    assert result["events"] == [e for e in result["events"] if _found([e], jerk)]


def test_a_quiver_starts_where_it_first_reaches_half_its_peak(bench_clip: Any) -> None:
    """Seed 2008 (low light): the cheek's noise jolted 0.35 s before a 1.3 s quiver began, the
    two were one movement, and its onset was the jolt's (0.42 s early, so no match)."""
    result, truth = bench_clip(2008)
    assert truth["conditions"]["low_light"]
    (quiver,) = [t for t in truth["twitches"] if t["shape"] == "quiver"]
    assert _found(result["events"], quiver), result["events"]
    assert all(any(_found([e], t) for t in truth["twitches"]) for e in result["events"]), result["events"]


def test_frames_where_every_place_jumps_are_left_out(bench_clip: Any) -> None:
    """Seed 2018 (glasses in low light): on four frames of its last half second every place
    jumped 0.07-0.08 IOD, each its own way (the face lost for a moment), which read as a cheek,
    a nose and a lower-lid twitch on both sides. Its twitches end by 7.2 s."""
    result, truth = bench_clip(2018)
    assert max(t["onset_s"] + t["duration_s"] for t in truth["twitches"]) < 7.2
    late = [e for e in result["events"] if e["start_s"] > 7.3]
    assert not [e for e in late if e["region"] != "eyelid"], late
    assert len(late) <= 1, late
