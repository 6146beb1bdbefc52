"""Browse and search the knowledge base at the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nasalis.knowledge import Knowledge
from nasalis.knowledge.loader import ENTRY_FILES, KIND_TITLES
from nasalis.knowledge.models import Entry


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
    """One topic in full, with its sources."""
    console.print(Text(entry.name, style="bold underline"))
    console.print(Text(KIND_TITLES[entry.kind], style="dim"))
    console.print(f"\n{entry.summary}\n")
    console.print(Text("Sources", style="bold"))
    for c in entry.cites:
        quote = f' — "{c.passage}"' if c.passage else ""
        console.print(f"  • {kb.citation_label(c)}{quote}")


def render_matches(query: str, entries: list[Entry], console: Console) -> None:
    """A list of topics that match a search."""
    table = Table(title=f"Topics matching '{query}'", title_justify="left", expand=True)
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("kind")
    table.add_column("summary")
    for entry in entries:
        table.add_row(entry.id, KIND_TITLES[entry.kind], entry.summary)
    console.print(table)
