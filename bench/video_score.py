"""Score the analyser against generated clips: precision, recall, F1, amplitude error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MATCH_ONSET_S = 0.3


@dataclass
class Score:
    """Counts over a set of clips."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    blinks_as_twitches: int = 0
    amplitude_errors: list[float] | None = None

    @property
    def precision(self) -> float:
        """Found events that were real."""
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        """Real events that were found."""
        real = self.true_positive + self.false_negative
        return self.true_positive / real if real else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_clip(truth: dict[str, Any], result: dict[str, Any], score: Score) -> list[str]:
    """Match events to the truth (onset within 0.3 s, same region and side); say what missed."""
    if score.amplitude_errors is None:
        score.amplitude_errors = []
    unmatched = list(truth["twitches"])
    problems = []
    for e in result["events"]:
        hit = next(
            (
                t
                for t in unmatched
                if abs(t["onset_s"] - e["start_s"]) <= MATCH_ONSET_S
                and t["region"] == e["region"]
                and t["side"] == e["side"]
            ),
            None,
        )
        if hit is None:
            score.false_positive += 1
            if e["region"] == "eyelid" and any(
                abs(b - e["start_s"]) <= MATCH_ONSET_S for b in truth["blinks"]
            ):
                score.blinks_as_twitches += 1
            problems.append(f"false {e['region']}/{e['side']} at {e['start_s']} amp {e['amplitude']}")
        else:
            unmatched.remove(hit)
            score.true_positive += 1
            score.amplitude_errors.append((e["amplitude"] - hit["amplitude"]) / hit["amplitude"])
    for t in unmatched:
        score.false_negative += 1
        problems.append(
            f"missed {t['region']}/{t['side']} at {t['onset_s']}"
            f" ({t['duration_s']} s, amp {t['amplitude']:.3f})"
        )
    return problems


def load_truth(clip: Path) -> dict[str, Any]:
    """The generator's truth file beside a clip."""
    data: dict[str, Any] = json.loads(clip.with_suffix(".json").read_text())
    return data
