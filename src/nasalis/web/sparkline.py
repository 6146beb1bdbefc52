"""A sparkline: a small inline SVG line of weekly values (gaps where a week has none)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from nasalis.wording import number


def describe(values: Sequence[float | None], unit: str) -> str:
    """The sparkline's text alternative: first and last known week, and the highest."""
    known = [v for v in values if v is not None]
    if not known:
        return f"no check-ins in the last {len(values)} weeks"
    return (
        f"{unit} by week over {len(values)} weeks: first known {number(known[0])},"
        f" latest {number(known[-1])}, highest {number(max(known))}"
    )


def sparkline(values: Sequence[float | None], unit: str, width: int = 120, height: int = 28) -> Markup:
    """An SVG line of `values` (oldest first) scaled to its own highest; None leaves a gap."""
    label = describe(values, unit)
    top = max((v for v in values if v is not None), default=0.0) or 1.0
    step = width / max(1, len(values) - 1)
    runs: list[list[str]] = [[]]
    dots = []
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        x, y = i * step, height - 2 - (height - 4) * value / top
        runs[-1].append(f"{x:.1f},{y:.1f}")
        dots.append((x, y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 0 {width + 4} {height}" width="{width}" '
        f'height="{height}" role="img" class="sparkline"><title>{escape(label)}</title>'
    ]
    for run in runs:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="#0b5cad" stroke-width="2"/>'
            )
    if dots:
        x, y = dots[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#0b5cad"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
