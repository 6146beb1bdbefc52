"""Small SVG charts drawn by the server (presentation attributes only, so the CSP needs no inline style)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from nasalis.insights.findings import FactorResult, factor_name

COLOURS = {
    "likely_trigger": "#b00020",
    "likely_protective": "#1e7b34",
    "possible": "#c65a00",
    "no_evidence": "#555555",
}


def forest(results: Sequence[FactorResult], width: int = 420) -> Markup:
    """Rate ratios with 95% intervals on a log axis, one row per factor-at-lag; 1 is 'no effect'."""
    rows = [r for r in results if r.estimate is not None and r.ci_low is not None and r.ci_high is not None]
    if not rows:
        return Markup("")
    label_w, row_h, top = 165, 24, 30
    low = min(0.25, *(r.ci_low or 1 for r in rows))
    high = max(4.0, *(r.ci_high or 1 for r in rows))
    lo, hi = math.log(low), math.log(high)
    plot_w = width - label_w - 20

    def x(v: float) -> float:
        return label_w + (math.log(min(max(v, low), high)) - lo) / (hi - lo) * plot_w

    height = top + row_h * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="forest-title" class="plot"><title id="forest-title">Rate ratios with 95% '
        "intervals: right of the line means more twitches</title>",
        f'<line x1="{x(1):.1f}" y1="{top - 8}" x2="{x(1):.1f}" y2="{height - 24}" '
        'stroke="#000" stroke-dasharray="4 3"/>',
    ]
    for tick in (0.25, 0.5, 1, 2, 4):
        if low <= tick <= high:
            parts.append(
                f'<text x="{x(tick):.1f}" y="{height - 8}" font-size="12" '
                f'text-anchor="middle">{tick:g}\u00d7</text>'
            )
    parts.append(f'<text x="{x(1) + 6:.1f}" y="{top - 14}" font-size="12">more twitches →</text>')
    parts.append(f'<text x="{x(1) - 6:.1f}" y="{top - 14}" font-size="12" text-anchor="end">← fewer</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        colour = COLOURS.get(r.verdict, "#555555")
        lag = " (d-1)" if r.lag_days else ""
        name = escape(factor_name(r.factor)[:18] + lag)
        parts.append(f'<text x="0" y="{y + 4:.1f}" font-size="13">{name}</text>')
        parts.append(
            f'<line x1="{x(r.ci_low or 1):.1f}" y1="{y:.1f}" x2="{x(r.ci_high or 1):.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        shape = "rect" if r.verdict in ("likely_trigger", "likely_protective") else "circle"
        cx = x(r.estimate or 1)
        if shape == "rect":
            parts.append(f'<rect x="{cx - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{colour}"/>')
        else:
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="5" fill="#fff" stroke="{colour}" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(counts: Sequence[int], labels: Sequence[str], title: str, width: int = 420) -> Markup:
    """A bar chart of counts (hour of day, weekday)."""
    if not counts or max(counts) == 0:
        return Markup("")
    height, bottom = 160, 22
    step = width / len(counts)
    top = max(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="plot">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        h = (height - bottom - 14) * count / top
        parts.append(
            f'<rect x="{i * step + 2:.1f}" y="{height - bottom - h:.1f}" width="{step - 4:.1f}" '
            f'height="{h:.1f}" fill="#0b5cad"><title>{escape(label)}: {count}</title></rect>'
        )
        if len(counts) <= 7 or i % 3 == 0:
            parts.append(
                f'<text x="{i * step + step / 2:.1f}" y="{height - 6}" font-size="12" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


TIMELINE_ROWS = ("nose", "eyelid", "cheek", "mouth")
SIDE_COLOURS = {"left": "#1f5fa8", "right": "#b00020", "both": "#6a3d9a"}
SIDE_WORDS = {"left": "your left side", "right": "your right side", "both": "both sides"}
TIMELINE_WIDTH = 360
"""The plot is drawn at about a phone's width, so 13-unit text stays about 13 px on a phone."""
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300)
"""Seconds between axis labels: the smallest giving at most MAX_TICKS gaps is used."""
MAX_TICKS = 5
DESCRIBED = 12
"""The plot's text alternative names this many twitches; the table below lists every one."""


def _tick_step(duration: float) -> int:
    return next((s for s in TICK_STEPS if duration / s <= MAX_TICKS), TICK_STEPS[-1])


def _events_of(result: dict[str, object]) -> list[dict[str, object]]:
    events = result.get("events")
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def _side(event: dict[str, object]) -> str:
    side = str(event.get("side"))
    return SIDE_WORDS.get(side, side)


def timeline_description(result: dict[str, object]) -> str:
    """The timeline in words, for screen readers: each twitch's region, side and time."""
    events = _events_of(result)
    if not events:
        return "No twitches were found in the clip."
    said = [f"{e['region']} on {_side(e)} at {e['start_s']} s" for e in events[:DESCRIBED]]
    more = f", and {len(events) - DESCRIBED} more (all are in the table)" if len(events) > DESCRIBED else ""
    return "; ".join(said) + more + "."


def timeline(result: dict[str, object], width: int = TIMELINE_WIDTH) -> Markup:
    """A clip's twitches on a time axis, one row per region, coloured by side (legend: timeline_legend)."""
    duration = float(str(result.get("duration_s") or 0)) or 1.0
    label_w, row_h, top, size = 58, 28, 6, 13
    plot_w = width - label_w - 14
    height = top + row_h * len(TIMELINE_ROWS) + 40

    def x(t: float) -> float:
        return label_w + max(0.0, min(t, duration)) / duration * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="timeline-title timeline-desc" class="plot timeline">'
        f'<title id="timeline-title">Twitches over the {duration:.1f} s clip, one row per region</title>'
        f'<desc id="timeline-desc">{escape(timeline_description(result))}</desc>'
    ]
    for i, region in enumerate(TIMELINE_ROWS):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 18}" text-anchor="end" font-size="{size}">{region}</text>'
        )
        parts.append(f'<line x1="{label_w}" y1="{y + 14}" x2="{width - 14}" y2="{y + 14}" stroke="#ccc"/>')
    for e in _events_of(result):
        if e.get("region") not in TIMELINE_ROWS:
            continue
        y = top + TIMELINE_ROWS.index(str(e["region"])) * row_h
        x0, x1 = x(float(str(e["start_s"]))), x(float(str(e["end_s"])))
        colour = SIDE_COLOURS.get(str(e.get("side")), "#555555")
        label = escape(f"{e['region']}, {_side(e)}, at {e['start_s']} s")
        parts.append(
            f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 4):.1f}" height="20" fill="{colour}">'
            f"<title>{label}</title></rect>"
        )
    axis_y = top + row_h * len(TIMELINE_ROWS)
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{width - 14}" y2="{axis_y}" stroke="#555"/>')
    for s in range(0, int(duration) + 1, _tick_step(duration)):
        parts.append(
            f'<text x="{x(s):.1f}" y="{axis_y + 17}" text-anchor="middle" font-size="{size}">{s}</text>'
        )
    parts.append(
        f'<text x="{label_w + plot_w / 2:.1f}" y="{axis_y + 35}" text-anchor="middle" font-size="{size}">'
        "seconds into the clip</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline_legend() -> Markup:
    """What each colour on the timeline means, as HTML beside the plot (it wraps on a phone)."""
    items = "".join(
        f'<li><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
        f'<rect width="14" height="14" fill="{colour}"/></svg> {SIDE_WORDS[side]}</li>'
        for side, colour in SIDE_COLOURS.items()
    )
    return Markup(f'<ul class="timeline-legend" aria-label="Colours on the timeline">{items}</ul>')
