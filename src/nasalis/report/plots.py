"""The report's plots: clean SVG from matplotlib, readable in black and white."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import matplotlib
import numpy as np
from markupsafe import Markup
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from nasalis.report.data import Week

# Set once at import and never changed: server threads only read it. Figures are made with the
# Figure API, never pyplot, whose global figure registry is not safe across threads.
matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",  # text stays text: searchable and sharp in the PDF
        "svg.hashsalt": "nasalis",  # the same diary gives the same SVG
    }
)


def weekly_trend(
    weeks: Sequence[Week],
    size: tuple[float, float] = (6.6, 1.9),
    marks: Sequence[tuple[dt.date, str]] = (),
) -> Markup:
    """Twitches per day with a check-in, week by week (a week without check-ins is a gap, not zero).

    `size` is in inches at 8 pt text: the report's page width by default; a phone wants a
    narrower figure so that the text stays legible when the plot is scaled to the screen.
    `marks` are dated labels drawn as a dashed line with the label on it (clinician scores).
    """
    if not any(w.per_day is not None for w in weeks):
        return Markup("")
    xs = np.array([w.monday for w in weeks], dtype="datetime64[D]")
    ys = [w.per_day if w.per_day is not None else float("nan") for w in weeks]
    fig = Figure(figsize=size)
    ax = fig.subplots()
    ax.plot(xs, ys, color="black", linewidth=1.2, marker="o", markersize=2.5)
    ax.set_ylabel("twitches per day")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="0.85", linewidth=0.6)
    # Half a week of margin: a one-week diary still has a span for the date ticks.
    ax.set_xlim(xs[0] - np.timedelta64(3, "D"), xs[-1] + np.timedelta64(4, "D"))
    low, high = weeks[0].monday - dt.timedelta(days=3), weeks[-1].monday + dt.timedelta(days=4)
    for i, (day, label) in enumerate(marks):
        if not low <= day <= high:
            continue  # outside the diary's weeks: the table below still lists it
        at = float(date2num(day))  # type: ignore[no-untyped-call]
        ax.axvline(at, color="0.35", linewidth=0.8, linestyle="--")
        # Staggered heights, so labels of scores a few weeks apart do not overprint.
        ax.text(
            at, 1.0 - 0.14 * (i % 3), f" {label}", transform=ax.get_xaxis_transform(), fontsize=6.5, va="top"
        )
    # About one date label an inch, written short ("Oct", "2026"), so a phone-sized plot stays legible.
    locator = AutoDateLocator(maxticks=max(3, int(size[0])))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return Markup(svg[svg.index("<svg") :])
