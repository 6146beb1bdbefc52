"""axe-core (Deque's accessibility rules, 4.12) run inside the real browser page."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _script() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def violations(page: Page) -> list[str]:
    """Each WCAG 2.1 AA (and best-practice) violation on the page: rule, impact and the first element."""
    # page.evaluate runs through the devtools protocol, so the page's CSP (no inline scripts) allows it.
    page.evaluate(_script())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG,
    )
    found = []
    for v in result["violations"]:
        node = v["nodes"][0]
        found.append(f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}")
    return found
