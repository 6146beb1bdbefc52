"""The triage case book: vignettes in YAML, run through the assessment, scored by group.

Each case defends one level and the levels it accepts; a result below the lowest acceptable
level is under-triage (which must never happen), above the highest is over-triage. Cases
with `raw` JSON text instead of an intake must be refused, naming the field in `rejects`.

    python -m tools.casebook                       # the report, by group
    python -m tools.casebook --write docs/safety/vignettes.md
    python -m tools.casebook --cases FILE.yaml     # another set (a held-out one, say)
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nasalis.assessment import IntakeError, assess, parse_intake, parse_intake_json
from nasalis.assessment.engine import rank
from nasalis.assessment.result import AssessmentResult
from nasalis.knowledge.curated import LEVELS

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "assessment" / "cases"
REJECT = "reject"


@dataclass(frozen=True)
class Case:
    """One vignette: what it defends, what it accepts, and what the result must say."""

    id: str
    group: str
    level: str
    acceptable: tuple[str, ...]
    why: str
    guidance: str = ""
    intake: dict[str, Any] | None = None
    raw: str | None = None
    rejects: str | None = None
    fires: tuple[str, ...] = ()
    not_fires: tuple[str, ...] = ()
    must_mention: tuple[str, ...] = ()
    must_not_mention: tuple[str, ...] = ()
    source: str = ""


@dataclass
class Outcome:
    """What the assessment made of one case."""

    case: Case
    got: str
    problems: list[str] = field(default_factory=list)
    result: AssessmentResult | None = None

    @property
    def exact(self) -> bool:
        """The defended level exactly."""
        return self.got == self.case.level

    @property
    def under(self) -> bool:
        """Below every acceptable level: the failure that must not happen."""
        if self.case.level == REJECT:
            return self.got != REJECT
        return self.got == REJECT or rank(self.got) < min(rank(a) for a in self.case.acceptable)  # type: ignore[arg-type]

    @property
    def over(self) -> bool:
        """Above every acceptable level."""
        if REJECT in (self.case.level, self.got):
            return False
        return rank(self.got) > max(rank(a) for a in self.case.acceptable)  # type: ignore[arg-type]


def load_cases(paths: list[Path] | None = None) -> list[Case]:
    """Every case in the given YAML files (default: the case book in tests/)."""
    files = paths if paths is not None else sorted(CASES_DIR.glob("*.yaml"))
    cases: list[Case] = []
    for path in files:
        for raw in yaml.safe_load(path.read_text("utf-8")) or []:
            cases.append(
                Case(
                    id=raw["id"],
                    group=raw.get("group", path.stem),
                    level=raw["level"],
                    acceptable=tuple(raw.get("acceptable") or [raw["level"]]),
                    why=raw.get("why", ""),
                    guidance=raw.get("guidance", ""),
                    intake=raw.get("intake"),
                    raw=raw.get("raw"),
                    rejects=raw.get("rejects"),
                    fires=tuple(raw.get("fires", ())),
                    not_fires=tuple(raw.get("not_fires", ())),
                    must_mention=tuple(raw.get("must_mention", ())),
                    must_not_mention=tuple(raw.get("must_not_mention", ())),
                    source=path.name,
                )
            )
    return cases


def run_case(case: Case) -> Outcome:
    """Assess one case (or try to, for a case that must be refused) and check what it says."""
    try:
        intake = parse_intake_json(case.raw) if case.raw is not None else parse_intake(case.intake or {})
    except IntakeError as exc:
        outcome = Outcome(case, REJECT)
        if case.rejects and not any(case.rejects in p for p in exc.problems):
            outcome.problems.append(f"the refusal does not name {case.rejects!r}: {exc.problems}")
        return outcome
    result = assess(intake)
    outcome = Outcome(case, result.level, result=result)
    text = json.dumps(result.to_json(), ensure_ascii=False).lower()
    fired = {r.rule for r in result.reasons}
    outcome.problems += [f"does not mention {p!r}" for p in case.must_mention if p.lower() not in text]
    outcome.problems += [f"mentions {p!r}" for p in case.must_not_mention if p.lower() in text]
    outcome.problems += [f"rule {r} did not fire" for r in case.fires if r not in fired]
    outcome.problems += [f"rule {r} fired" for r in case.not_fires if r in fired]
    return outcome


def report(outcomes: list[Outcome]) -> str:
    """A Markdown table by group: cases, exact, acceptable, under- and over-triage."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.case.group].append(o)
    lines = [
        "| group | cases | exact level | acceptable level | under-triage | over-triage | wording problems |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, items in [*sorted(groups.items()), ("**all**", outcomes)]:
        n = len(items)
        exact = sum(o.exact for o in items)
        under = sum(o.under for o in items)
        over = sum(o.over for o in items)
        acceptable = n - under - over
        worded = sum(bool(o.problems) for o in items)
        lines.append(
            f"| {name} | {n} | {exact} ({exact / n:.0%}) | {acceptable} ({acceptable / n:.0%}) "
            f"| {under} | {over} | {worded} |"
        )
    levels = Counter(o.case.level for o in outcomes)
    lines.append("")
    lines.append("Defended levels: " + ", ".join(f"{lv} {levels[lv]}" for lv in (*reversed(LEVELS), REJECT)))
    return "\n".join(lines) + "\n"


def failures(outcomes: list[Outcome]) -> list[str]:
    """One line per case that is under- or over-triaged or says what it must not."""
    out = []
    for o in outcomes:
        marks = [m for m, bad in (("UNDER", o.under), ("over", o.over)) if bad]
        if marks or o.problems:
            why = "; ".join([*marks, *o.problems])
            out.append(f"{o.case.id} ({o.case.source}): defended {o.case.level}, got {o.got}: {why}")
    return out


PAGE_HEAD = """# Triage vignettes: how the assessment scores

Generated by `python -m tools.casebook --write docs/safety/vignettes.md` from the case book
in `tests/assessment/cases/` (a test fails when this page is stale). A case is *under-triaged*
when the level is below every level it accepts (this must never happen), *over-triaged* when
above every one. `independent_*.yaml` were written from guidance by reviewers who had not
read the rules; `rules.yaml` has, for each rule, a case that fires it and a near-miss that
must not; `round1.yaml` are the first round's cases.

"""


def main(argv: list[str] | None = None) -> int:
    """Print (or write) the report; exit 1 when any case is under-triaged."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=Path, action="append", help="a YAML case file (repeatable)")
    parser.add_argument("--write", type=Path, help="write the report page to this file")
    parser.add_argument("--failures", action="store_true", help="list the cases that fail")
    args = parser.parse_args(argv)
    outcomes = [run_case(c) for c in load_cases(args.cases)]
    text = report(outcomes)
    if args.write:
        args.write.write_text(PAGE_HEAD + text, "utf-8")
    print(text)
    if args.failures:
        print("\n".join(failures(outcomes)))
    return 1 if any(o.under for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
