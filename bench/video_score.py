"""Score the analyser against truth files: precision, recall, F1 overall, per region (the eyelid
split by lid) and per condition, blinks taken for twitches, amplitude error."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
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


@dataclass
class Breakdown:
    """The same counts per region (eyelid split by lid) and per condition of the clip."""

    regions: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    conditions: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))


def place(item: dict[str, Any]) -> str:
    """'nose', 'cheek', ..., or 'eyelid/upper' and 'eyelid/lower' when the lid is known."""
    lid = item.get("lid")
    return f"{item['region']}/{lid}" if item["region"] == "eyelid" and lid else str(item["region"])


def conditions(truth: dict[str, Any]) -> list[str]:
    """The clip's conditions as the truth names them ('plain' when it names none)."""
    named = truth.get("conditions") or []
    if isinstance(named, dict):
        named = [k for k, v in named.items() if v not in (None, False, 0, "", "none")]
    return [str(c) for c in named] or ["plain"]


def _same(t: dict[str, Any], e: dict[str, Any]) -> bool:
    """The match rule: onset within 0.3 s, same region and side; for an eyelid, the same lid
    when both the truth and the event name one."""
    if (
        abs(t["onset_s"] - e["start_s"]) > MATCH_ONSET_S
        or t["region"] != e["region"]
        or t["side"] != e["side"]
    ):
        return False
    return not (t.get("lid") and e.get("lid")) or t["lid"] == e["lid"]


def _blink_onsets(truth: dict[str, Any]) -> list[float]:
    return [float(b["onset_s"]) if isinstance(b, dict) else float(b) for b in truth.get("blinks", [])]


def score_clip(
    truth: dict[str, Any], result: dict[str, Any], score: Score, breakdown: Breakdown | None = None
) -> list[str]:
    """Match events to the truth (see _same); count them; say what went wrong."""
    if score.amplitude_errors is None:
        score.amplitude_errors = []
    groups = [score]
    if breakdown is not None:
        groups += [breakdown.conditions[c] for c in conditions(truth)]
    unmatched = list(truth["twitches"])
    problems = []
    for e in result["events"]:
        hit = next((t for t in unmatched if _same(t, e)), None)
        counted = groups + ([breakdown.regions[place(hit or e)]] if breakdown is not None else [])
        if hit is None:
            blink = e["region"] == "eyelid" and any(
                abs(b - e["start_s"]) <= MATCH_ONSET_S for b in _blink_onsets(truth)
            )
            for s in counted:
                s.false_positive += 1
                s.blinks_as_twitches += blink
            problems.append(
                f"false {place(e)}/{e['side']} at {e['start_s']} amp {e['amplitude']}"
                + (" (a blink)" if blink else "")
            )
        else:
            unmatched.remove(hit)
            for s in counted:
                s.true_positive += 1
            score.amplitude_errors.append((e["amplitude"] - hit["amplitude"]) / hit["amplitude"])
    for t in unmatched:
        for s in groups + ([breakdown.regions[place(t)]] if breakdown is not None else []):
            s.false_negative += 1
        problems.append(
            f"missed {place(t)}/{t['side']} at {t['onset_s']}"
            f" ({t['duration_s']} s, amp {t['amplitude']:.3f}{', ' + t['shape'] if 'shape' in t else ''})"
        )
    return problems


def load_truth(clip: Path) -> dict[str, Any]:
    """The truth file beside a clip (the generator's, or an annotator's)."""
    data: dict[str, Any] = json.loads(clip.with_suffix(".json").read_text())
    return data
