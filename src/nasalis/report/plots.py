"""The report's plots: clean SVG from matplotlib, readable in black and white."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

import matplotlib
import numpy as np

matplotlib.use("svg")  # no display, no GUI toolkit: plain SVG text
import matplotlib.pyplot as plt
from markupsafe import Markup

from nasalis.diary.records import DayRecord

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",  # text stays text: searchable and sharp in the PDF
        "svg.hashsalt": "nasalis",  # the same diary gives the same SVG
    }
)


def weekly_trend(counts: Mapping[dt.date, int], days: list[DayRecord]) -> Markup:
    """Twitches per known day, week by week (a week without check-ins is a gap, not zero)."""
    if not days:
        return Markup("")
    weeks: dict[dt.date, list[int]] = {}
    for d in days:
        monday = d.date - dt.timedelta(days=d.date.weekday())
        weeks.setdefault(monday, []).append(counts.get(d.date, 0))
    first, last = min(weeks), max(weeks)
    xs, ys = [], []
    week = first
    while week <= last:
        xs.append(week)
        values = weeks.get(week)
        ys.append(sum(values) / len(values) if values else float("nan"))
        week += dt.timedelta(days=7)
    fig, ax = plt.subplots(figsize=(6.6, 1.9))
    ax.plot(np.array(xs, dtype="datetime64[D]"), ys, color="black", linewidth=1.2, marker="o", markersize=2.5)
    ax.set_ylabel("twitches per day")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="0.85", linewidth=0.6)
    fig.autofmt_xdate(rotation=0, ha="center")
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = out.getvalue()
    return Markup(svg[svg.index("<svg") :])
