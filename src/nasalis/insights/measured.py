"""What nasalis's own benchmark measured about its verdicts, to say in words beside them.

The page's "about 1 in 10 could be a coincidence" was the nominal q level, and on diaries
built like real ones it was wrong by 3 to 5 times (issue 19). So the words now quote the
benchmark's own count: how many findings of each kind were false on simulated diaries with
the structure of real ones (bench/trigger_realism_bench.py, which writes measured.json with
`--write-measured`). The figures are counts, not a promise: a person's diary can differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PATH = Path(__file__).with_name("measured.json")
KINDS = ("likely", "possible", "same_day_either_way")
"""`likely` stands for both likely_trigger and likely_protective."""


@dataclass(frozen=True)
class Measured:
    """One kind of verdict's count on the benchmark: how many were given, how many were false."""

    flags: int
    false: int
    diaries: int
    days: int
    longest: int = 0
    """The longest diaries pooled (0 or `days` when all had the same length)."""

    def words(self) -> str:
        """The count as a person reads it (never a percentage of nothing)."""
        if not self.flags:
            return ""
        days = f"{self.days}- to {self.longest}-day" if self.longest > self.days else f"{self.days}-day"
        return (
            f"in nasalis's own test on {self.diaries:,} simulated {days} diaries built like real "
            f"ones, {self.false} of {self.flags} findings like this were coincidences"
        )


@cache
def measured() -> dict[str, Measured]:
    """The benchmark's counts per kind of verdict (empty when the file holds none)."""
    raw = json.loads(PATH.read_text(encoding="utf-8"))
    longest = max((int(n) for n in raw.get("lengths", ())), default=0)
    return {
        kind: Measured(int(v["flags"]), int(v["false"]), int(raw["diaries"]), int(raw["days"]), longest)
        for kind, v in raw["verdicts"].items()
        if kind in KINDS
    }


def false_alarm_words(verdict: str) -> str:
    """The benchmark's count for this verdict in words, or "" when it has none."""
    kind = "likely" if verdict.startswith("likely_") else verdict
    found = measured().get(kind)
    return found.words() if found else ""
