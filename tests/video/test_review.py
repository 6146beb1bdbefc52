"""Which events a person is asked to check, and what goes into the diary after."""

from __future__ import annotations

from nasalis.video.review import DROP, KEEP, MAX_REVIEW, REVIEW_BELOW, asked, kept, undecided


def _events(*confidence: float) -> list[dict[str, float]]:
    return [{"start_s": float(i), "confidence": c} for i, c in enumerate(confidence)]


def test_the_least_certain_are_asked_in_the_clips_order_at_most_max_review() -> None:
    events = _events(0.99, 0.6, REVIEW_BELOW, 0.7, REVIEW_BELOW - 0.01)
    assert asked(events) == [1, 3, 4]
    many = _events(*[0.5 + i / 100 for i in range(MAX_REVIEW + 5)])
    assert asked(many) == list(range(MAX_REVIEW))  # the least certain ones, not the first ones alone
    shuffled = _events(*reversed([0.5 + i / 100 for i in range(MAX_REVIEW + 5)]))
    assert asked(shuffled) == list(range(5, MAX_REVIEW + 5))


def test_only_the_sure_and_the_kept_go_in() -> None:
    events = _events(0.99, 0.6, 0.7, 0.8)
    assert kept(events, {}) == [events[0]]
    assert kept(events, {"1": KEEP, "2": DROP}) == [events[0], events[1]]
    assert undecided(events, {"1": KEEP, "2": DROP}) == [3]
    assert kept(events, {"0": DROP}) == [events[0]]  # a decision on an event not asked about is ignored
