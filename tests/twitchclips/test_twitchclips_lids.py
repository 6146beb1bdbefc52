"""The clip generator's lids, shapes, blinks and truth (tools/twitchclips)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from tools.twitchclips import (
    HELD_OUT_FROM,
    SHAPES,
    Blink,
    ClipSpec,
    HeldOutSeedError,
    Twitch,
    check_seed,
    random_spec,
    render,
)
from tools.twitchclips.__main__ import main
from tools.twitchclips.clipface import Face
from tools.twitchclips.clipmotion import envelope
from tools.twitchclips.cliprender import frames

SIZE = (640, 360)
Frame = NDArray[np.uint8]


def _frames_at(spec: ClipSpec, times: list[float]) -> list[Frame]:
    wanted = {round(t * spec.fps) for t in times}
    got = {i: f for i, f in enumerate(frames(spec)) if i in wanted}
    return [got[round(t * spec.fps)] for t in times]


def _change(a: Frame, b: Frame, face: Face, side: str, dy0: float, dy1: float) -> float:
    """Mean absolute change in a band dy0..dy1 (IOD units, down positive) about one eye."""
    e, u = face.eye[side], face.iod
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).sum(axis=2)
    band = diff[int(e[1] + dy0 * u) : int(e[1] + dy1 * u), int(e[0] - 0.2 * u) : int(e[0] + 0.2 * u)]
    return float(band.mean())


ABOVE = (-0.4, -0.12)  # the upper lid's fold and skin, up to the brow
BELOW = (0.12, 0.4)  # the lower lid's skin


def test_a_lower_lid_twitch_moves_below_the_eye_and_not_above_it() -> None:
    spec = ClipSpec(seconds=1.0, size=SIZE, twitches=[Twitch("eyelid", "right", 0.3, 0.3, 0.04, lid="lower")])
    rest, peak = _frames_at(spec, [0.0, 0.45])
    face = Face(SIZE)
    assert _change(rest, peak, face, "right", *BELOW) > 3.0
    assert _change(rest, peak, face, "right", *ABOVE) < 0.2
    assert _change(rest, peak, face, "left", -0.4, 0.4) == 0.0  # the other eye stays still


def test_an_upper_lid_twitch_moves_above_the_lower_lid_and_not_below_it() -> None:
    spec = ClipSpec(seconds=1.0, size=SIZE, twitches=[Twitch("eyelid", "left", 0.3, 0.3, 0.04, lid="upper")])
    rest, peak = _frames_at(spec, [0.0, 0.45])
    face = Face(SIZE)
    assert _change(rest, peak, face, "left", *ABOVE) > 3.0
    assert _change(rest, peak, face, "left", *BELOW) < 0.2
    assert _change(rest, peak, face, "right", -0.4, 0.4) == 0.0


def test_a_blink_moves_both_eyes_and_an_incomplete_one_less() -> None:
    face = Face(SIZE)
    moved = {}
    for depth in (1.0, 0.5):
        spec = ClipSpec(seconds=1.0, size=SIZE, blinks=[Blink(0.3, depth)])
        rest, shut = _frames_at(spec, [0.0, 0.3 + 0.08 + 0.015])
        # the eye itself: the iris is covered by the lid
        moved[depth] = [_change(rest, shut, face, side, -0.06, 0.06) for side in ("right", "left")]
    assert min(moved[1.0]) > 20.0
    assert all(half < full * 0.8 for half, full in zip(moved[0.5], moved[1.0], strict=True))
    assert min(moved[0.5]) > 3.0


def test_blink_truth_says_complete_and_how_long_the_eye_was_closed(tmp_path: Path) -> None:
    long = Blink(1.0, 1.0, close_s=0.08, hold_s=1.2, open_s=0.15)
    partial = Blink(3.0, 0.5)
    # the gap is under a fifth of open while the closure is past 0.8: acos(1 - 2 * 0.8) of each ramp
    assert long.complete
    assert long.closed_s == pytest.approx(1.2 + 0.23 * (1 - np.arccos(-0.6) / np.pi))
    assert not partial.complete
    assert partial.closed_s == 0.0
    spec = ClipSpec(seconds=4.0, size=SIZE, blinks=[long, partial, 3.6])
    truth = render(spec, tmp_path / "blinks.avi")
    assert truth["blinks"] == [1.0, 3.0, 3.6]  # the first format: every blink's onset
    events = truth["blink_events"]
    assert isinstance(events, list)
    assert [(e["complete"], e["depth"]) for e in events] == [(True, 1.0), (False, 0.5), (True, 1.0)]
    assert events[0]["closed_s"] == round(long.closed_s, 3)
    assert events[0]["duration_s"] == 1.43


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_renders_and_moves_its_region(shape: str) -> None:
    duration = {"jerk": 0.2, "train": 1.0, "pull": 2.0, "quiver": 1.0}[shape]
    tw = Twitch("eyelid", "left", 0.5, duration, 0.04, shape=shape, lid="lower", jerks=5, frequency_hz=8.0)
    times = np.arange(0.0, duration + 1.0, 1 / 30)
    strength = [float(np.hypot(*envelope(tw, float(t)))) for t in times]
    assert max(strength) == pytest.approx(1.0, abs=0.08)
    assert strength[0] == 0.0
    assert strength[-1] == 0.0
    spec = ClipSpec(seconds=duration + 1.0, size=SIZE, twitches=[tw])
    peak = float(times[int(np.argmax(strength))])
    rest, moved = _frames_at(spec, [0.0, peak])
    assert _change(rest, moved, Face(SIZE), "left", *BELOW) > 1.5


def test_a_train_is_several_jerks_but_one_event() -> None:
    tw = Twitch("nose", "right", 1.0, 1.0, 0.04, shape="train", jerks=5)
    k = np.array([envelope(tw, t)[0] for t in np.arange(0.9, 2.1, 1 / 240)])
    rises = int(np.sum((k[1:] > 0.5) & (k[:-1] <= 0.5)))
    assert rises == 5
    spec = ClipSpec(seconds=3, size=SIZE, twitches=[tw])
    assert [t.truth() for t in spec.twitches] == [
        {
            "region": "nose",
            "side": "right",
            "onset_s": 1.0,
            "duration_s": 1.0,
            "amplitude": 0.04,
            "shape": "train",
            "jerks": 5,
        }
    ]


def test_a_quiver_ripples_at_its_frequency() -> None:
    tw = Twitch("eyelid", "right", 0.0, 2.0, 0.03, shape="quiver", lid="lower", frequency_hz=7.0)
    k = np.array([envelope(tw, t)[0] for t in np.arange(0.5, 1.5, 1 / 600)])
    crossings = int(np.sum(np.sign(k[1:]) != np.sign(k[:-1])))
    assert crossings == 14  # 7 cycles a second, two sign changes each


def test_the_truth_of_random_clips_is_consistent() -> None:
    specs = [random_spec(seed) for seed in range(1, 200)]
    twitches = [t for s in specs for t in s.twitches]
    lids = [t.truth() for t in twitches if t.region == "eyelid"]
    assert lids
    assert all(e["lid"] in ("upper", "lower") for e in lids)
    assert {e["lid"] for e in lids} == {"upper", "lower"}
    assert all("lid" not in t.truth() for t in twitches if t.region != "eyelid")
    assert {t.shape for t in twitches} == set(SHAPES)
    for t in twitches:
        low, high = {"jerk": (0.1, 0.3), "train": (0.7, 1.3), "pull": (1.0, 3.0), "quiver": (0.5, 2.0)}[
            t.shape
        ]
        assert low - 0.001 <= t.duration_s <= high + 0.001
        assert t.shape != "train" or 3 <= t.jerks <= 6
        assert t.shape != "quiver" or 5.0 <= t.frequency_hz <= 10.0
    blinks = [b for s in specs for b in s.blink_list()]
    assert any(not b.complete for b in blinks)
    assert any(b.hold_s >= 0.5 for b in blinks)
    for s in specs:  # no blink overlaps a twitch: blinks are never twitches
        for b in s.blink_list():
            for t in s.twitches:
                assert b.onset_s + b.duration_s <= t.onset_s or t.onset_s + t.duration_s <= b.onset_s


def test_some_lid_twitches_come_within_half_a_second_of_a_blink() -> None:
    near = 0
    for seed in range(1, 100):
        s = random_spec(seed)
        for t in (t for t in s.twitches if t.region == "eyelid"):
            gaps = [
                max(b.onset_s - (t.onset_s + t.duration_s), t.onset_s - (b.onset_s + b.duration_s))
                for b in s.blink_list()
            ]
            near += any(0.0 <= g <= 0.5 for g in gaps)
    assert near >= 10


def test_hemifacial_spread_is_lower_lid_then_cheek_and_mouth_of_the_same_side() -> None:
    groups = []
    for seed in range(1, 120):
        spread = [t for t in random_spec(seed).twitches if t.pattern == "hemifacial"]
        if spread:
            groups.append(spread)
    assert len(groups) >= 8
    for lid, *rest in groups:
        assert (lid.region, lid.lid) == ("eyelid", "lower")
        assert sorted(t.region for t in rest) == ["cheek", "mouth"]
        assert {t.side for t in rest} == {lid.side}
        assert all(0.05 <= t.onset_s - lid.onset_s <= 0.3 + 1e-6 for t in rest)
        # one burst: the same shape, length and jerks in each muscle
        assert {(t.shape, t.duration_s, t.jerks) for t in rest} == {(lid.shape, lid.duration_s, lid.jerks)}


def test_held_out_seeds_are_refused_without_the_flag(tmp_path: Path) -> None:
    with pytest.raises(HeldOutSeedError):
        random_spec(HELD_OUT_FROM)
    with pytest.raises(ValueError, match="not a held-out seed"):
        random_spec(5, held_out=True)
    check_seed(HELD_OUT_FROM + 3, held_out=True)  # allowed with the flag (and never rendered here)
    assert main([str(tmp_path / "out"), "--seed", str(HELD_OUT_FROM // 1000), "--count", "1"]) == 2
    assert not (tmp_path / "out").exists()


def test_the_command_writes_clips_and_truth(tmp_path: Path) -> None:
    assert main([str(tmp_path), "--count", "2", "--seconds", "2", "--seed", "7"]) == 0
    truth = json.loads((tmp_path / "clip_001.json").read_text())
    assert truth["seed"] == 7001
    assert truth["clip"] == "clip_001.mp4"
    for key in (
        "fps",
        "seconds",
        "twitches",
        "blinks",
        "talking",
        "head_rotation_deg",
        "head_shift_px",
        "noise",
        "brightness_drift",
        "mirrored",
        "blink_events",
        "conditions",
        "extreme",
    ):
        assert key in truth
    assert len(truth["blinks"]) == len(truth["blink_events"])
    cap = cv2.VideoCapture(str(tmp_path / "clip_001.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 60
