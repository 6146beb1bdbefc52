"""The diary in the terminal: a calendar heat-map and a table of days."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nasalis.diary.entries import local_instant
from nasalis.diary.factors import TABLE
from nasalis.diary.models import Day, Episode
from nasalis.terminal.shown import typed

_SHADES = ["grey35", "yellow", "dark_orange", "red", "bold red"]


def _shade(count: int, top: int) -> str:
    if count == 0:
        return "green"
    return _SHADES[min(len(_SHADES) - 1, 1 + (count * (len(_SHADES) - 2)) // max(top, 1))]


def render_diary(
    console: Console, start: dt.date, end: dt.date, episodes: list[Episode], days: list[Day]
) -> None:
    """Episodes per day as a heat-map (a day with no check-in and no twitch is unknown: '·')."""
    counts: Counter[dt.date] = Counter()
    intensity: defaultdict[dt.date, list[int]] = defaultdict(list)
    for e in episodes:
        when = local_instant(e).date()
        counts[when] += 1
        if e.intensity is not None:
            intensity[when].append(e.intensity)
    checked = {d.date: d for d in days}
    top = max(counts.values(), default=1)

    heat = Table(title="Twitches per day", title_justify="left", box=None, pad_edge=False)
    heat.add_column("week of")
    for name in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"):
        heat.add_column(name, justify="center")
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        cells: list[Text | str] = [monday.strftime("%d %b")]
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            if day < start or day > end:
                cells.append("")
            elif day in counts or day in checked:
                cells.append(Text(f"{counts[day]:>2}", style=_shade(counts[day], top)))
            else:
                cells.append(Text(" ·", style="dim"))
        heat.add_row(*cells)
        monday += dt.timedelta(days=7)
    console.print(heat)
    console.print(Text("· = no entry that day (unknown, not zero)", style="dim"))

    table = Table(title="Days", title_justify="left")
    for column in ("date", "twitches", "intensity", *(f.column.lower() for f in TABLE if f.column), "tags"):
        table.add_column(column, justify="left" if column in ("date", "tags") else "right")
    for day in sorted(set(counts) | set(checked), reverse=True):
        if not start <= day <= end:
            continue
        d = checked.get(day)
        mean = f"{sum(intensity[day]) / len(intensity[day]):.1f}" if intensity[day] else ""
        values = [getattr(d, f.name) if d else None for f in TABLE]
        table.add_row(
            day.isoformat(),
            str(counts[day]),
            mean,
            *("" if v is None else f"{v:g}" for v in values),
            typed(", ".join(d.tags or []) if d else ""),  # a str cell would be read as markup
        )
    console.print(table)
    if not counts and not checked:
        console.print("Nothing logged yet. Log a twitch with: nasalis log")
