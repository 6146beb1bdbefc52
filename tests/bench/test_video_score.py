"""The video bench's match rule and its breakdown per region, lid and condition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bench.video_bench import main
from bench.video_score import Breakdown, Score, conditions, score_clip


def _event(region: str, side: str, start: float, lid: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"region": region, "side": side, "start_s": start, "end_s": start + 0.3}
    out |= {"amplitude": 0.02, "confidence": 0.9}
    return out | ({"lid": lid} if lid else {})


def _twitch(region: str, side: str, onset: float, lid: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "region": region,
        "side": side,
        "onset_s": onset,
        "duration_s": 0.3,
        "amplitude": 0.04,
    }
    return out | ({"lid": lid} if lid else {})


def test_an_eyelid_event_must_name_the_same_lid_when_both_name_one() -> None:
    truth = {
        "twitches": [_twitch("eyelid", "left", 1.0, "lower"), _twitch("eyelid", "right", 3.0, "upper")],
        "blinks": [5.0],
        "conditions": ["low_light", "talking"],
    }
    result = {
        "events": [
            _event("eyelid", "left", 1.1, "upper"),  # right time and side, wrong lid
            _event("eyelid", "right", 3.2),  # no lid named: the lid is not held against it
            _event("eyelid", "left", 5.05, "lower"),  # a blink taken for a twitch
        ]
    }
    score, breakdown = Score(), Breakdown()
    problems = score_clip(truth, result, score, breakdown)
    assert (score.true_positive, score.false_positive, score.false_negative) == (1, 2, 1)
    assert score.blinks_as_twitches == 1
    regions = breakdown.regions
    assert (regions["eyelid/upper"].true_positive, regions["eyelid/upper"].false_positive) == (1, 1)
    assert (regions["eyelid/lower"].false_negative, regions["eyelid/lower"].false_positive) == (1, 1)
    for name in ("low_light", "talking"):
        assert breakdown.conditions[name].true_positive == 1
        assert breakdown.conditions[name].false_negative == 1
    assert any("missed eyelid/lower/left at 1.0" in p for p in problems)
    assert any("(a blink)" in p for p in problems)


def test_blinks_may_be_onsets_or_records_and_conditions_a_list_or_a_mapping() -> None:
    score = Score()
    score_clip(
        {"twitches": [], "blinks": [{"onset_s": 2.0, "complete": False}]},
        {"events": [_event("eyelid", "left", 2.1)]},
        score,
    )
    assert score.blinks_as_twitches == 1
    assert conditions({"conditions": {"noise": 3.0, "blur": 0, "glasses": True}}) == ["noise", "glasses"]
    assert conditions({}) == ["plain"]


def test_the_held_out_flag_warns_that_its_first_look_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--held-out", "--count", "0", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "held-out seeds" in captured.err
    assert "first look" in captured.err
    assert "seeds 900000-" in captured.out


def test_a_held_out_range_already_looked_at_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 910000-910019 were the second round's first look: a second look there would not be one.
    assert main(["--seed-base", "910010", "--count", "3", "--out", str(tmp_path)]) == 2
    assert "910000-910029 were looked at already" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing rendered
