"""The cycle plot: twitches per day against days since each treatment, one line per cycle.

Drawn from the cycles contract's JSON (nasalis.cycles/1): each cycle's optional `fitted` curve
(else its `observed` days), its onset marked with a circle and its wear-off with a square.
Lines differ by dash as well as colour, so they can be told apart without colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT = 360, 230
"""About a phone's width, as the other plots, so 12-unit text stays about 12 px."""
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 12, 34
SHOWN = 6
"""The newest cycles drawn; more lines would not be readable at a phone's width."""
STYLES = (
    ("#0b5cad", ""),
    ("#b00020", "6 3"),
    ("#1e7b34", "2 3"),
    ("#6a3d9a", "8 3 2 3"),
    ("#c65a00", "1 2"),
    ("#333333", "10 4"),
)
"""(colour, dash) of each drawn cycle, oldest shown first."""


def style_of(index: int) -> tuple[str, str]:
    """The colour and dash pattern of the drawn cycle at `index` (the legend uses the same)."""
    return STYLES[index % len(STYLES)]


def _curve(cycle: Mapping[str, Any]) -> list[tuple[int, float]]:
    fitted: Sequence[float] = cycle.get("fitted") or []
    if fitted:
        return [(day, float(level)) for day, level in enumerate(fitted)]
    return [(int(day), float(count)) for day, count in cycle.get("observed") or []]


def drawn(cycles: Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    """(cycle number, cycle) of the cycles the plot draws: the newest SHOWN that have a curve."""
    numbered = [(i + 1, c) for i, c in enumerate(cycles) if _curve(c)]
    return numbered[-SHOWN:]


def _value_at(curve: list[tuple[int, float]], day: int) -> float | None:
    for d, level in curve:
        if d == day:
            return level
    return None


def _ticks(top: float) -> list[float]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if top / s <= 4)
    return [step * i for i in range(int(top // step) + 1)]


def cycle_plot(cycles: Sequence[Mapping[str, Any]]) -> Markup:
    """The SVG plot of the cycles (empty when no cycle has anything to draw)."""
    shown = drawn(cycles)
    if not shown:
        return Markup("")
    curves = [(n, c, _curve(c)) for n, c in shown]
    last_day = max(max(d for d, _ in curve) for _, _, curve in curves)
    last_day = max(28, ((last_day + 13) // 14) * 14)
    top = max(1.0, max(level for _, _, curve in curves for _, level in curve)) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: float) -> float:
        return LEFT + day / last_day * plot_w

    def y(level: float) -> float:
        return TOP + plot_h - level / top * plot_h

    summary = "; ".join(_said(n, c) for n, c in shown)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="cycle-plot-title cycle-plot-desc" class="plot cycle-plot">'
        '<title id="cycle-plot-title">Twitches per day by days since each treatment, '
        "one line per cycle</title>"
        f'<desc id="cycle-plot-desc">{escape(summary)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#000"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#000"/>',
    ]
    for tick in _ticks(top):
        parts.append(
            f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" font-size="12" text-anchor="end">{tick:g}</text>'
        )
    for week in range(0, last_day + 1, 14):
        parts.append(
            f'<text x="{x(week):.1f}" y="{TOP + plot_h + 15}" font-size="12" '
            f'text-anchor="middle">{week}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 3}" font-size="12" text-anchor="middle">'
        "days since the treatment</text>"
    )
    for index, (number, cycle, curve) in enumerate(curves):
        colour, dash = style_of(index)
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in curve)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashed}>'
            f"<title>cycle {number} ({escape(str(cycle.get('date', '')))})</title></polyline>"
        )
        onset, wear_off = cycle.get("onset_day"), cycle.get("wear_off_day")
        at = _value_at(curve, onset) if onset is not None else None
        if onset is not None and at is not None:
            parts.append(
                f'<circle cx="{x(onset):.1f}" cy="{y(at):.1f}" r="5" fill="#fff" stroke="{colour}" '
                f'stroke-width="2"><title>cycle {number}: effect from day {onset}</title></circle>'
            )
        at = _value_at(curve, wear_off) if wear_off is not None else None
        if wear_off is not None and at is not None:
            parts.append(
                f'<rect x="{x(wear_off) - 5:.1f}" y="{y(at) - 5:.1f}" width="10" height="10" fill="{colour}">'
                f"<title>cycle {number}: wore off at day {wear_off}</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _said(number: int, cycle: Mapping[str, Any]) -> str:
    """One cycle for the plot's text alternative."""
    words = [f"cycle {number} from {cycle.get('date', '')}"]
    if cycle.get("onset_day") is not None:
        words.append(f"effect from day {cycle['onset_day']}")
    if cycle.get("wear_off_day") is not None:
        words.append(f"wore off at day {cycle['wear_off_day']}")
    return ", ".join(words)
