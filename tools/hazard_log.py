"""Render the clinical hazard log (docs/safety/hazard-log.yaml) as a readable page.

python -m tools.hazard_log            # writes docs/safety/hazard-log.md
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DOCS = Path(__file__).resolve().parent.parent / "docs" / "safety"
LOG = DOCS / "hazard-log.yaml"
PAGE = DOCS / "hazard-log.md"


def load_log(path: Path = LOG) -> dict[str, Any]:
    """The hazard log as plain data."""
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def risk(log: dict[str, Any], severity: str, likelihood: str) -> str:
    """DCB0129's risk rating for a severity and a likelihood, by the log's own matrix."""
    scales = log["scales"]
    row = scales["likelihood"].index(likelihood)
    col = scales["severity"].index(severity)
    score = scales["risk"][row][col]
    return f"{score} ({scales['risk_names'][score]})"


def render(log: dict[str, Any]) -> str:
    """The page: a summary table, then each hazard with its causes, controls and vignettes."""
    out = [
        "# Clinical hazard log",
        "",
        "Generated from `docs/safety/hazard-log.yaml` by `python -m tools.hazard_log`; edit the",
        "YAML, not this page (a test fails when the page is stale). The log follows the shape of",
        "DCB0129, the UK standard for clinical risk management in the manufacture of health IT",
        "software: each hazard, its causes and harm, its severity, its likelihood before and after",
        "the controls, the controls, and the vignettes in `tests/assessment/cases/` that test them.",
        "",
        "| hazard | severity | risk before | risk after |",
        "|---|---|---|---|",
    ]
    for h in log["hazards"]:
        before = risk(log, h["severity"], h["likelihood_before"])
        after = risk(log, h["severity"], h["likelihood_after"])
        out.append(f"| {h['id']}: {h['title']} | {h['severity']} | {before} | {after} |")
    for h in log["hazards"]:
        controls = h["controls"]
        out += ["", f"## {h['id']}: {h['title']}", "", f"**Harm.** {h['harm']}", "", "**Causes.**", ""]
        out += [f"- {c}" for c in h["causes"]]
        out += [
            "",
            f"**Severity** {h['severity']}; **likelihood** {h['likelihood_before']} before the controls, "
            f"{h['likelihood_after']} after (risk {risk(log, h['severity'], h['likelihood_before'])} → "
            f"{risk(log, h['severity'], h['likelihood_after'])}).",
            "",
            "**Controls.**",
            "",
        ]
        if controls["rules"]:
            out.append("- Triage rules: " + ", ".join(f"`{r}`" for r in controls["rules"]))
        if controls["questions"]:
            out.append("- Questions: " + ", ".join(f"`{q}`" for q in controls["questions"]))
        out += [f"- {w}" for w in controls["wording"]]
        out += ["", "**Tested by** " + ", ".join(f"`{v}`" for v in h["vignettes"]) + "."]
    return "\n".join(out) + "\n"


def main() -> int:
    """Write the page."""
    PAGE.write_text(render(load_log()), "utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
