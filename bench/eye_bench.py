"""Eye measures and eyelid twitches that spread, against the truth of generated clips.

Run: .venv/bin/python -m bench.eye_bench [--count 12] [--seconds 10] [--seed-base N] [--conditions plain]
Generates clips with tools/twitchclips (blinks that close fully, stop part way, or hold for
0.5-2 s; a share with a hemifacial spread: a lower-lid twitch, then the cheek and mouth of the
same side), analyses each, and prints, beside the truth:
- each eye's closed share of the clip (truth: the blinks' `closed_s` over the clip);
- closures longer than a blink found, and their length against the truth's;
- blinks the truth calls complete or incomplete, and the measured counts of each;
- on clips with the truth's hemifacial spread (half of them), whether an eyelid twitch on its
  side was counted joined by the cheek or mouth, and on the others whether any was.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.twitchclips import ClipSpec, random_spec, write_clip

from nasalis.video.analyze import analyze
from nasalis.video.eyeclosure import BLINK_MAX_S


@dataclass
class Tally:
    """Everything counted over the clips."""

    fraction_errors: list[float] = field(default_factory=list)
    closures_true: int = 0
    closures_found: int = 0
    length_errors: list[float] = field(default_factory=list)
    true_blinks: dict[str, int] = field(default_factory=lambda: {"complete": 0, "incomplete": 0})
    found_blinks: dict[str, int] = field(default_factory=lambda: {"complete": 0, "incomplete": 0})
    pattern_clips: int = 0
    pattern_joined: int = 0
    plain_clips: int = 0
    plain_joined: int = 0
    flagged: int = 0


def _score(truth: dict[str, Any], result: dict[str, Any], tally: Tally) -> None:
    eyes = result.get("eyes")
    blinks = truth["blink_events"]
    if eyes is not None:
        shut = sum(b["closed_s"] for b in blinks) / truth["seconds"]
        for side in ("right", "left"):
            tally.fraction_errors.append(eyes[side]["closed_fraction"] - shut)
        longs = [b for b in blinks if b["closed_s"] > BLINK_MAX_S]
        tally.closures_true += 2 * len(longs)
        for side in ("right", "left"):
            tally.closures_found += min(eyes[side]["closures"], len(longs))
            if longs and eyes[side]["closures"]:
                tally.length_errors.append(
                    eyes[side]["longest_closure_s"] - max(b["closed_s"] for b in longs)
                )
    # Blink completeness: the measured blinks are not listed one by one, so the totals are
    # compared, over the blinks shorter than a closure.
    short = [b for b in blinks if b["closed_s"] <= BLINK_MAX_S]
    tally.true_blinks["complete"] += sum(b["complete"] for b in short)
    tally.true_blinks["incomplete"] += sum(not b["complete"] for b in short)
    if eyes is not None:
        tally.found_blinks["complete"] += eyes["blinks"] - eyes["incomplete_blinks"]
        tally.found_blinks["incomplete"] += eyes["incomplete_blinks"]
    sides = {t["side"] for t in truth["twitches"] if t.get("pattern") == "hemifacial"}
    together = result.get("synkinesis", {})
    joined = {side for side in ("right", "left") if together.get(side, {}).get("with_cheek_or_mouth")}
    if sides:
        tally.pattern_clips += 1
        tally.pattern_joined += bool(joined & sides)
    else:
        tally.plain_clips += 1
        tally.plain_joined += bool(joined)
    tally.flagged += bool(together.get("flagged_sides"))


def _specs(first: int, count: int, seconds: float, conditions: str) -> list[ClipSpec]:
    """`count` clips from seed `first` on, half with a hemifacial spread (the generator gives one
    to about a sixth of its clips); drawing a spec costs nothing beside rendering it."""
    pattern: list[ClipSpec] = []
    plain: list[ClipSpec] = []
    seed = first
    while len(pattern) + len(plain) < count and seed < first + 100 * count:
        spec = random_spec(seed, seconds, conditions=conditions)
        has = any(t.pattern == "hemifacial" for t in spec.twitches)
        group = pattern if has else plain
        if len(group) < (count + (not has)) // 2:
            group.append(spec)
        seed += 1
    return sorted(pattern + plain, key=lambda s: s.seed)


def main(argv: list[str] | None = None) -> int:
    """Generate, analyse, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed-base", type=int, default=7000)
    parser.add_argument("--conditions", default="plain", help="plain, mixed or condition names")
    args = parser.parse_args(argv)
    tally = Tally()
    specs = _specs(args.seed_base, args.count, args.seconds, args.conditions)
    with tempfile.TemporaryDirectory() as tmp:
        for n, spec in enumerate(specs):
            path = write_clip(Path(tmp), n, spec)
            truth = json.loads(path.with_suffix(".json").read_text())
            _score(truth, analyze(path).to_json(), tally)
            print(f"{path.name} (seed {spec.seed}): {len(truth['blink_events'])} blinks", flush=True)
    err = tally.fraction_errors or [0.0]
    seeds = f"{specs[0].seed}-{specs[-1].seed}" if specs else "none"
    print(f"\n{len(specs)} clips of {args.seconds:g} s, seeds {seeds}, conditions {args.conditions}")
    print(
        f"closed share per eye: mean error {statistics.fmean(err):+.3f},"
        f" mean |error| {statistics.fmean(abs(e) for e in err):.3f}, worst {max(err, key=abs):+.3f}"
    )
    print(
        f"closures longer than a blink: {tally.closures_found} of {tally.closures_true} eye-closures found;"
        f" longest length error mean {statistics.fmean(tally.length_errors or [0]):+.2f} s"
    )
    t, f = tally.true_blinks, tally.found_blinks
    print(
        f"blinks (truth): {t['complete']} complete, {t['incomplete']} incomplete;"
        f" measured: {f['complete']} complete, {f['incomplete']} incomplete"
    )
    print(
        f"hemifacial spread (one per clip): an eyelid twitch joined on its side in {tally.pattern_joined}"
        f" of {tally.pattern_clips} clips; clips without it with a joined eyelid twitch:"
        f" {tally.plain_joined} of {tally.plain_clips}; clips flagged: {tally.flagged}"
        " (a flag needs 3 eyelid twitches on a side)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
