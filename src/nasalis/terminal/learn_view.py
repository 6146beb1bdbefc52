"""Browse and search the knowledge base at the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nasalis.knowledge import Knowledge
from nasalis.knowledge.curated import Entry
from nasalis.knowledge.loader import ENTRY_FILES, KIND_TITLES
from nasalis.knowledge.search import is_worried
from nasalis.terminal.shown import printable

LINKED = {"helps": "What helps", "see_doctor": "When to see a doctor", "related": "Related"}
"""Entry fields listing other entries, and their titles (the same as the web page's)."""


def render_index(kb: Knowledge, console: Console) -> None:
    """Every topic, grouped by kind, with the id to look it up by."""
    for kind in ENTRY_FILES:
        table = Table(title=KIND_TITLES[kind], title_justify="left", expand=True)
        table.add_column("topic", style="cyan", no_wrap=True)
        table.add_column("name")
        for entry in kb.of_kind(kind):
            table.add_row(entry.id, entry.name)
        console.print(table)
    console.print("Show one topic with [bold]nasalis learn TOPIC[/bold], or search with words.")


def render_entry(entry: Entry, kb: Knowledge, console: Console) -> None:
    """One topic in full: what helps, when to see a doctor, and its sources by title."""
    console.print(Text(entry.name, style="bold underline"))
    console.print(Text(KIND_TITLES[entry.kind], style="dim"))
    console.print(f"\n{entry.summary}")
    for field, title in LINKED.items():
        lines: list[Text] = []
        for e in kb.linked(entry, field):
            line = Text(e.name, style="bold")
            if field != "related":
                line.append(f": {e.summary}", style="")
            lines.append(line.append(f"  (nasalis learn {e.id})", style="dim"))
        _bullets(title, lines, console)
    sources = []
    for source in kb.cited(entry.cites):
        line = Text(source.title + (" (article)" if source.seed else ""))
        for p in source.passages:
            line.append(f'\n"{p}"', style="dim")
        sources.append(line)
    _bullets("Sources", sources, console)


def _bullets(title: str, lines: list[Text], console: Console) -> None:
    """A bold title over bullet points whose wrapped lines hang under their text."""
    if not lines:
        return
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    for line in lines:
        grid.add_row("•", line)
    console.print(Text(f"\n{title}", style="bold"))
    console.print(grid)


def render_matches(query: str, entries: list[Entry], console: Console, kb: Knowledge | None = None) -> None:
    """A list of topics that match a search; a worried search shows its answer in full first."""
    if entries and is_worried(query, kb):
        answer = entries[0]
        console.print(Text(answer.name, style="bold underline"))
        console.print(f"{answer.summary}\n")
        entries = entries[1:]
    # The query is typed: a str title would be read as markup.
    table = Table(title=Text(f"Topics matching '{printable(query)}'"), title_justify="left", expand=True)
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("kind")
    table.add_column("summary")
    for entry in entries:
        table.add_row(entry.id, KIND_TITLES[entry.kind], entry.summary)
    console.print(table)
