"""Calibrated confidence: the shipped map, its checks, and the fit that makes it."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from bench.video_calibrate import HELD_OUT_BASE, _make, fit, hits, main, reliability

from nasalis.video import calibration
from nasalis.video.calibration import ConfidenceMap, calibrate, from_json, raw_scores
from nasalis.video.events import Event


def _event(confidence: float) -> Event:
    return Event(1.0, 1.4, "left", "nose", 0.03, confidence)


def test_the_shipped_map_is_monotone_bounded_and_applied() -> None:
    shipped = calibration.load()
    grid = np.linspace(0.0, 1.0, 101)
    values = [shipped(x) for x in grid]
    assert all(b >= a for a, b in pairwise(values))
    assert all(0.0 < v < 1.0 for v in values)
    data = json.loads(calibration.PATH.read_text())
    assert data["fitted_on"]["events"] > 0  # fitted by the bench, not the placeholder
    out = calibrate([_event(0.55), _event(1.0)])
    assert [e.confidence for e in out] == [shipped.confidence(0.55), shipped.confidence(1.0)]
    with raw_scores():
        assert [e.confidence for e in calibrate([_event(0.55)])] == [0.55]


@pytest.mark.parametrize(
    ("raw", "cal", "says"),
    [
        ((0.2, 0.8), (0.9, 0.5), "must not decrease"),
        ((0.8, 0.2), (0.5, 0.9), "raw points"),
        ((0.2, 0.8), (0.5, 1.0), "strictly between"),
        ((0.2,), (0.5, 0.6), "same, non-zero"),
    ],
)
def test_a_map_that_is_not_monotone_or_bounded_is_refused(
    raw: tuple[float, ...], cal: tuple[float, ...], says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        ConfidenceMap(raw, cal)


def test_a_file_of_another_schema_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="schema"):
        from_json({"schema": "other/1", "raw": [0.0], "calibrated": [0.5]})


def test_the_fit_follows_the_share_right_and_stays_monotone_and_bounded() -> None:
    rng = np.random.default_rng(7)
    scores = np.round(rng.uniform(0.5, 1.0, 2000), 2)
    truth = 0.3 + 0.65 * (scores - 0.5) / 0.5  # right 30% of the time at 0.5, 95% at 1.0
    right = rng.random(2000) < truth
    fitted = fit(list(scores), list(right))
    assert all(b >= a for a, b in pairwise(fitted.calibrated))
    assert all(0.0 < y < 1.0 for y in fitted.calibrated)
    _, raw_ece = reliability(list(scores), list(right))
    _, ece = reliability([fitted(s) for s in scores], list(right))
    assert raw_ece > 0.1  # the raw scores overstate it (by 0.05 to 0.2)
    assert ece < 0.05  # the goal; each block is drawn towards the overall share by PRIOR_EVENTS
    assert abs(fitted(0.55) - 0.37) < 0.1
    assert abs(fitted(0.95) - 0.89) < 0.1


def test_all_right_still_fits_inside_zero_and_one() -> None:
    fitted = fit([0.6, 0.7, 0.9], [True, True, True])
    assert all(0.5 < y < 1.0 for y in fitted.calibrated)


def test_events_are_marked_right_by_the_scoring_rule() -> None:
    truth = {
        "twitches": [
            {"region": "nose", "side": "left", "onset_s": 1.0, "duration_s": 0.3, "amplitude": 0.03}
        ],
        "blinks": [],
    }
    events = [
        {"start_s": 1.1, "end_s": 1.4, "region": "nose", "side": "left", "amplitude": 0.03},
        {"start_s": 1.2, "end_s": 1.5, "region": "nose", "side": "left", "amplitude": 0.03},  # a second match
        {"start_s": 1.1, "end_s": 1.4, "region": "nose", "side": "right", "amplitude": 0.03},  # wrong side
    ]
    assert hits(truth, events) == [True, False, False]


def test_the_held_out_run_can_make_its_clips(tmp_path: Path) -> None:
    # The generator refuses a held-out seed unless asked for one: --held-out must ask.
    clip = _make((0, tmp_path, 1.0, HELD_OUT_BASE))
    assert clip.exists()
    assert json.loads(clip.with_suffix(".json").read_text())["seed"] == HELD_OUT_BASE


def test_a_held_out_range_must_start_among_the_held_out_seeds() -> None:
    """Each held-out range is looked at once: a later look names its own range, never a tuning one."""
    with pytest.raises(SystemExit) as refused:
        main(["--held-out", "--held-out-from", str(HELD_OUT_BASE - 1)])
    assert refused.value.code == 2


def test_a_spent_held_out_range_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["--held-out", "--held-out-from", "910005", "--count", "3"])
    assert refused.value.code == 2
    assert "were looked at already" in capsys.readouterr().err
