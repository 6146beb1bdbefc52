"""Eyelid twitches joined by a cheek or mouth twitch on the same side, on clips with and without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tools.twitchclips import ClipSpec, Twitch, render

from nasalis.video.analyze import analyze
from nasalis.video.events import Event
from nasalis.video.synkinesis import PATTERN_EVENTS, WINDOW_S, find_synkinesis

LID_ONSETS = (1.0, 3.0, 5.0, 7.0)


def _clip(folder: Path, name: str, partner: Twitch) -> Path:
    """Four right eyelid twitches, each with `partner` moved to the same time after it."""
    twitches = []
    for t in LID_ONSETS:
        twitches += [
            Twitch("eyelid", "right", t, 0.3, 0.05),
            Twitch(partner.region, partner.side, t + partner.onset_s, partner.duration_s, partner.amplitude),
        ]
    render(ClipSpec(seconds=9, size=(640, 360), twitches=twitches, noise=2, seed=9), folder / name)
    return folder / name


@pytest.fixture(scope="module")
def spreading(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The right cheek follows each right eyelid twitch 0.15 s later (the hemifacial spasm-like pattern)."""
    folder = tmp_path_factory.mktemp("together")
    return analyze(_clip(folder, "together.mp4", Twitch("cheek", "right", 0.15, 0.3, 0.05))).to_json()


@pytest.fixture(scope="module")
def apart(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The left mouth corner twitches 0.1 s after each right eyelid twitch: the other side."""
    folder = tmp_path_factory.mktemp("apart")
    return analyze(_clip(folder, "apart.mp4", Twitch("mouth", "left", 0.1, 0.3, 0.05))).to_json()


def test_eyelid_twitches_joined_by_the_cheek_on_their_side_are_flagged(spreading: dict[str, Any]) -> None:
    s = spreading["synkinesis"]
    assert s["window_s"] == WINDOW_S
    assert s["right"] == {"eyelid_events": 4, "with_cheek_or_mouth": 4, "share": 1.0}
    assert s["left"] == {"eyelid_events": 0, "with_cheek_or_mouth": 0, "share": None}
    assert s["flagged_sides"] == ["right"]
    (note,) = [n for n in spreading["notes"] if "came with a cheek or mouth twitch" in n]
    assert "4 of 4" in note
    assert "right side" in note
    assert "National Institute of Neurological Disorders and Stroke (NINDS) — Hemifacial Spasm" in note
    assert "not a diagnosis" in note


def test_a_twitch_on_the_other_side_at_the_same_moment_is_not_the_pattern(apart: dict[str, Any]) -> None:
    s = apart["synkinesis"]
    assert s["right"] == {"eyelid_events": 4, "with_cheek_or_mouth": 0, "share": 0.0}
    assert s["left"]["eyelid_events"] == 0
    assert s["flagged_sides"] == []
    assert not [n for n in apart["notes"] if "came with a cheek or mouth twitch" in n]


def _event(region: str, side: str, start: float) -> Event:
    return Event(start, start + 0.2, side, region, 0.03, 0.9)


def test_the_window_is_measured_between_onsets_either_way_and_a_few_events_are_not_a_pattern() -> None:
    inside = [_event("eyelid", "left", 2.0), _event("mouth", "left", 2.0 - WINDOW_S + 0.01)]
    outside = [_event("eyelid", "left", 6.0), _event("cheek", "left", 6.0 + WINDOW_S + 0.05)]
    both_sided = [_event("eyelid", "left", 9.0), _event("cheek", "both", 9.1)]
    found = find_synkinesis(inside + outside + both_sided)
    assert (found.left.eyelid_events, found.left.with_cheek_or_mouth) == (3, 2)
    assert found.flagged_sides == ["left"]
    assert len(inside) // 2 < PATTERN_EVENTS
    assert find_synkinesis(inside).flagged_sides == []  # one eyelid twitch, all of them joined
