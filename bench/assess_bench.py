"""Assessment benchmark: one assessment and one interview step, beside validating the intake.

Run: .venv/bin/python -m bench.assess_bench
Every intake of the case book (tests/assessment/cases/) is assessed; the figures are the
median time per intake of three passes, beside parsing the same intakes alone (the floor
any assessment pays) in the same run, with the medicine matcher's cache warm and cleared
(cleared is what the first look at a new name costs). Then a whole interview, question by
question, for the same intakes (the web page's step runs `next_question` once).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from tools.casebook import load_cases

from nasalis.assessment import assess, next_question, parse_intake
from nasalis.knowledge import load_knowledge
from nasalis.knowledge.lexicon import _match


def _per_item(fn: Callable[[dict[str, Any]], object], items: list[dict[str, Any]]) -> float:
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        for item in items:
            fn(item)
        passes.append((time.perf_counter() - start) / len(items))
    return statistics.median(passes)


def _interview_steps(truth: dict[str, Any]) -> int:
    answers: dict[str, Any] = {}
    asked: list[str] = []
    while (q := next_question(answers, asked)) is not None:
        asked.append(q.field)
        if q.field in truth:
            answers[q.field] = truth[q.field]
    return len(asked) + 1


def main() -> int:
    """Print the per-intake and per-step times."""
    load_knowledge()
    intakes = [c.intake for c in load_cases() if c.intake is not None]
    parse = _per_item(parse_intake, intakes)
    warm = _per_item(lambda i: assess(parse_intake(i)), intakes)

    def cold(intake: dict[str, Any]) -> object:
        _match.cache_clear()
        return assess(parse_intake(intake))

    cleared = _per_item(cold, intakes)
    sample = intakes[::10]
    start = time.perf_counter()
    steps = sum(_interview_steps(i) for i in sample)
    per_step = (time.perf_counter() - start) / steps
    print(f"{len(intakes)} intakes from the case book")
    print(f"  parse the intake alone (baseline)        {parse * 1e3:7.3f} ms")
    print(f"  assess, medicine matches cached          {warm * 1e3:7.3f} ms")
    print(f"  assess, medicine cache cleared each time {cleared * 1e3:7.3f} ms")
    print(f"  one interview step ({steps} steps over {len(sample)} interviews) {per_step * 1e3:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
