"""Insights in the terminal: a table of factors with sparklines, and the time-of-day profile."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nasalis.insights.analysis import by_strength, plain
from nasalis.insights.findings import FactorResult, Insights, factor_name, verdict_words
from nasalis.insights.frames import lagged
from nasalis.terminal.shown import printable, typed
from nasalis.wording import plural

_BARS = "▁▂▃▄▅▆▇█"
_VERDICT_STYLE = {
    "likely_trigger": "bold red",
    "likely_protective": "bold green",
    "possible": "yellow",
    "no_evidence": "dim",
    "not_enough_data": "dim italic",
}


def sparkline(values: list[float], width: int = 20) -> str:
    """A small bar chart of `values`, squeezed into `width` characters."""
    clean = [v for v in values if v == v]  # drop NaN
    if not clean:
        return ""
    step = max(1, len(clean) // width)
    buckets = [sum(clean[i : i + step]) / len(clean[i : i + step]) for i in range(0, len(clean), step)][
        -width:
    ]
    low, high = min(buckets), max(buckets)
    span = (high - low) or 1.0
    return "".join(_BARS[int((b - low) / span * (len(_BARS) - 1))] for b in buckets)


def _mean_episodes_when(frame: pd.DataFrame, f: FactorResult) -> str:
    x = lagged(frame, f.factor, f.lag_days)
    if f.kind != "binary":
        return ""
    with_, without = frame["episodes"][x == 1].mean(), frame["episodes"][x == 0].mean()
    return f"{with_:.1f} vs {without:.1f}/day"


def render_insights(console: Console, result: Insights, frame: pd.DataFrame, tod: dict[str, object]) -> None:
    """Plain sentences first, then the factors sorted by verdict strength with interval, q and a sparkline."""
    console.print(
        f"[bold]Insights[/bold] from {plural(result.days_analysed, 'day')} and "
        f"{plural(result.episodes_analysed, 'twitch', 'twitches')}. Not a diagnosis."
    )
    for sentence in plain(result).sentences():
        console.print(Text(f"• {printable(sentence)}"))  # sentences name tags as typed
    table = Table(expand=True, title="The statistics")
    for column in ("factor", "when", "times as many (95% interval)", "q", "verdict", "over time"):
        table.add_column(column)
    for f in by_strength(result.factors):
        when = "same day" if f.lag_days == 0 else "day before"
        if f.estimate is None:
            effect = f"needs {plural(f.days_needed, 'more day')}" if f.days_needed else ""
            effect = "cannot be tested until it changes" if f.does_not_vary else effect
        else:
            effect = f"x{f.estimate:.2f} per {f.per} ({f.ci_low:.2f}-{f.ci_high:.2f})"
            extra = _mean_episodes_when(frame, f)
            effect += f"\n{extra}" if extra else ""
        q = "" if f.q is None else f"{f.q:.3f}"
        spark = sparkline(frame[f.factor].tolist()) if f.lag_days == 0 else ""
        verdict = Text(verdict_words(f), style=_VERDICT_STYLE.get(f.verdict, ""))
        table.add_row(typed(factor_name(f.factor)), when, effect, q, verdict, spark)
    if result.factors:
        console.print(table)
    console.print(f"Twitches per day: {sparkline(frame['episodes'].tolist(), 40)}")
    if tod.get("peak_hour") is not None:
        console.print(f"Most twitches around {tod['peak_hour']}:00, and on {tod['peak_weekday']}s.")
        console.print(f"By hour (0-23): {sparkline([float(v) for v in tod['by_hour']], 24)}")  # type: ignore[attr-defined]
    for note in result.notes:
        console.print(Text(f"• {printable(note)}", style="dim"))
