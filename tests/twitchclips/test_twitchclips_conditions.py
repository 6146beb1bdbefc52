"""The clip generator's conditions (tools/twitchclips/clipconditions.py, cliplook.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from tools.twitchclips import CONDITIONS, EXTREME, ORDINARY, ClipSpec, random_spec, render, write_clip
from tools.twitchclips.clipconditions import OCCLUDERS
from tools.twitchclips.clipface import Face
from tools.twitchclips.cliplook import Effects
from tools.twitchclips.cliprender import frames, placed_face

SIZE = (640, 360)
Frame = NDArray[np.uint8]


def _short(condition: str, seed: int = 21, seconds: float = 2.0) -> ClipSpec:
    spec = random_spec(seed, seconds, conditions=condition)
    spec.size = SIZE
    return spec


@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_condition_renders_and_is_recorded(condition: str, tmp_path: Path) -> None:
    spec = _short(condition)
    truth = render(spec, tmp_path / "clip.mp4")
    assert truth["conditions"] == {name: name == condition for name in CONDITIONS}
    assert truth["extreme"] is (condition in EXTREME)
    params = truth["condition_params"]
    assert isinstance(params, dict)
    assert set(params) == {condition}
    cap = cv2.VideoCapture(str(tmp_path / "clip.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 60


def test_each_condition_changes_the_picture() -> None:
    plain = random_spec(21, 1.0, conditions="plain")
    plain.size = SIZE
    still = next(iter(frames(plain))).astype(np.int16)
    for condition in set(CONDITIONS) - {"compression", "talking", "motion_blur"}:
        spec = random_spec(21, 1.0, conditions=condition)
        spec.size = SIZE
        first = next(iter(frames(spec))).astype(np.int16)
        assert np.abs(first - still).mean() > 0.5, condition


def test_mixed_draws_two_to_four_ordinary_conditions_and_never_an_extreme_one() -> None:
    drawn = [set(random_spec(seed).conditions) for seed in range(1, 80)]
    assert all(2 <= len(d) <= 4 for d in drawn)
    assert set().union(*drawn) == set(ORDINARY)
    assert not set().union(*drawn) & EXTREME
    assert random_spec(5, distractors=False).conditions == {}
    assert random_spec(5, conditions="plain").conditions == {}


def test_an_unknown_or_contradictory_condition_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="condition: 'fog'"):
        random_spec(5, conditions="fog")
    with pytest.raises(ValueError, match="exclude each other"):
        random_spec(5, conditions=["low_light", "very_low_light"])


def _occluder_alpha(spec: ClipSpec) -> tuple[Face, NDArray[np.float32]]:
    face = Face(spec.size)
    effects = Effects(face, spec)
    effects.prepare(face.base)
    alpha = np.zeros(face.base.shape[:2], np.float32)
    for part in (effects.hand, effects.hair):
        if part is not None:
            (x0, y0), a, _ = part
            alpha[y0 : y0 + a.shape[0], x0 : x0 + a.shape[1]] = a[..., 0]
    return face, alpha


def _disc(alpha: NDArray[np.float32], centre: NDArray[np.floating[Any]], radius: float) -> float:
    h, w = alpha.shape
    gy, gx = np.mgrid[0:h, 0:w]
    inside = (gx - centre[0]) ** 2 + (gy - centre[1]) ** 2 <= radius**2
    return float(alpha[inside].max())


@pytest.mark.parametrize("anchor", OCCLUDERS)
def test_an_ordinary_occluder_leaves_every_measured_region_free(anchor: str) -> None:
    spec = ClipSpec(size=(1280, 720))
    kind = "hair" if anchor.startswith(("temple", "forehead")) else "hand"
    spec.conditions = {"occlusion": {"kind": kind, "anchor": anchor, "seed": 3}}
    face, alpha = _occluder_alpha(spec)
    assert alpha.max() > 0.5  # it is there
    u = face.iod
    regions = [*face.points.values(), *face.lower_lids.values(), *face.eyes]
    assert max(_disc(alpha, p, 0.2 * u) for p in regions) < 0.05


def test_occlusion_over_region_covers_a_twitching_region() -> None:
    for seed in range(1, 40):
        spec = random_spec(seed, conditions="occlusion_over_region")
        p = spec.conditions["occlusion_over_region"]
        region, side = p["anchor"].rsplit("_", 1)
        assert any(t.region == region and side in (t.side, "left", "right") for t in spec.twitches)
        face, alpha = _occluder_alpha(spec)
        where = face.eye[side] if region == "eyelid" else face.points[(region, side)]
        assert _disc(alpha, where, 0.1 * face.iod) > 0.5


def _temporal_noise(condition: str) -> float:
    spec = random_spec(12, 0.5, conditions=condition)
    spec.size = SIZE
    spec.head_rotation_deg = spec.head_shift_px = spec.brightness_drift = 0.0
    spec.blinks, spec.twitches, spec.talking = [], [], []
    face = Face(SIZE)
    c, u = face.points[("cheek", "right")], face.iod
    got = list(frames(spec))
    a, b = (
        f[int(c[1] - 0.1 * u) : int(c[1] + 0.1 * u), int(c[0] - 0.1 * u) : int(c[0] + 0.1 * u)]
        for f in got[3:5]
    )
    return float((a.astype(np.float64) - b).std() / np.sqrt(2))


def test_low_light_adds_shot_and_read_noise_and_very_low_light_more() -> None:
    plain, low, very = (_temporal_noise(c) for c in ("plain", "low_light", "very_low_light"))
    assert low > 2 * plain
    assert very > 1.5 * low


def test_compression_encodes_at_a_phone_bitrate(tmp_path: Path) -> None:
    spec = random_spec(8, 4.0, conditions="compression")
    mbps = spec.conditions["compression"]["mbps"]
    render(spec, tmp_path / "clip.mp4")
    measured = (tmp_path / "clip.mp4").stat().st_size * 8 / 4.0 / 1e6
    assert 0.3 * mbps < measured < 1.3 * mbps
    plain = random_spec(8, 4.0, conditions="plain")
    render(plain, tmp_path / "plain.mp4")
    assert (tmp_path / "plain.mp4").stat().st_size > 2 * (tmp_path / "clip.mp4").stat().st_size


def test_motion_blur_smears_the_face_during_a_quick_head_move() -> None:
    spec = random_spec(12, 3.0, conditions="motion_blur")
    spec.size = SIZE
    move = spec.conditions["motion_blur"]["moves"][0]
    fast = round((move["start_s"] + move["length_s"] / 2) * spec.fps)
    got = list(frames(spec))
    sharp = [cv2.Laplacian(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var() for f in got]
    assert sharp[fast] < 0.8 * float(np.median(sharp))


def test_talking_runs_through_most_of_the_clip() -> None:
    for seed in range(1, 20):
        spec = random_spec(seed, 10.0, conditions="talking")
        spoken = sum(b - a for a, b in spec.talking)
        assert 4.0 - 1e-6 <= spoken <= 8.0 + 1e-6
        assert all(0.0 <= a < b <= 10.0 for a, b in spec.talking)


@pytest.mark.parametrize("seconds", [0.2, 1.0, 2.0])
def test_every_condition_can_be_drawn_for_a_short_clip(seconds: float) -> None:
    for condition in CONDITIONS:
        for seed in range(1, 6):
            assert condition in random_spec(seed, seconds, conditions=condition).conditions


def test_face_size_places_the_face_at_its_inter_ocular_distance(tmp_path: Path) -> None:
    spec = random_spec(9, 1.0, conditions="face_size")
    truth = render(spec, tmp_path / "clip.mp4")
    assert truth["face_iod_px"] == pytest.approx(spec.conditions["face_size"]["iod_px"], abs=0.2)
    sizes = [random_spec(s, conditions="face_size").conditions["face_size"]["iod_px"] for s in range(1, 60)]
    assert min(sizes) < 100
    assert max(sizes) > 170
    assert all(90 <= s <= 200 for s in sizes)
    small = [random_spec(s, conditions="small_face").conditions["small_face"]["iod_px"] for s in range(1, 30)]
    assert all(60 <= s <= 90 for s in small)


@pytest.mark.parametrize("size", [(1280, 720), (720, 1280), (640, 360)])
def test_aplaced_face_stays_inside_the_frame(size: tuple[int, int]) -> None:
    for seed in range(1, 30):
        spec = random_spec(seed, conditions="face_size" if seed % 2 else "small_face")
        spec.size = size
        face = placed_face(spec)
        u = face.iod
        (placed,) = spec.conditions.values()
        assert u == pytest.approx(placed["iod_px"] * min(size) / 720, rel=0.01)
        for p in (face.forehead, face.chin, face.eyes[0] - (0.6 * u, 0), face.eyes[1] + (0.6 * u, 0)):
            assert 0 <= p[0] <= size[0]
            assert 0 <= p[1] <= size[1]


def test_a_phone_copy_takes_the_compression_conditions_bitrate(tmp_path: Path) -> None:
    spec = random_spec(8, 3.0, conditions=["compression", "face_size"])
    mbps = spec.conditions["compression"]["mbps"]
    path = write_clip(tmp_path, 1, spec, phone="h264")
    assert path.name == "clip_001.mov"
    measured = path.stat().st_size * 8 / 3.0 / 1e6
    assert measured < 1.3 * mbps
    cap = cv2.VideoCapture(str(path))
    ok, frame = cap.read()
    assert ok
    assert sorted(frame.shape[:2]) == [720, 1280]
