"""Reuse a page's rendered main part while the person's diary has not changed.

The Diary page of a 5-year diary costs about 15 ms of CPU to query and render; 50 people
opening it once a second saturate a worker. Between two writes it comes out the same, so
each worker keeps the last renderings in a bounded LRU, keyed on everything they depend on:

- which database and which person (server mode: never one person's page for another);
- the person's change journal mark (`nasalis.insights.cache.journal_mark`): it moves on every
  write, undo, import and delete, from any worker or the CLI, and never comes back, so an
  entry of an earlier state of the diary is simply never looked up again;
- the page and what the request asked of it (its query parameters, the viewer's local date).

What differs between two requests of the same key stays out of the reused part: the CSRF
token is a slot (`CSRF_SLOT`) filled in per request by `with_csrf`, and the flash, its undo
button, the navigation and the request id are rendered around it by `templating.page`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from nasalis.insights.cache import JournalMark, database_of, journal_mark

CSRF_SLOT = Markup("<csrf-slot>")
"""Where a reused part carries the viewer's CSRF token. It holds a `<`, which autoescaping
turns into `&lt;` in anything a person typed, so only the template can have put it there."""
MAX_CHARS = 8_000_000
"""Characters of rendered parts and their keys kept per worker (about 150 Diary pages of 51 KB)."""
MAX_ENTRY_CHARS = MAX_CHARS // 16
"""A larger part (a 'show all' list of years) is rendered each time, not kept."""


@dataclass(frozen=True)
class Rendered:
    """A page's main part with the CSRF slot in it, and the status it answers with."""

    body: str
    status: int = 200


@dataclass(frozen=True)
class Key:
    """Everything a rendered part depends on."""

    database: str
    person_id: int
    mark: JournalMark
    view: Hashable
    """What the request asked of the page (filters, the viewer's local date), in a type of the page's
    own (the Diary page's `Asked`), so that two pages never share an entry."""


class PageCache:
    """A thread-safe LRU of rendered parts, bounded by their total size."""

    def __init__(self, max_chars: int = MAX_CHARS, max_entry_chars: int = MAX_ENTRY_CHARS) -> None:
        self.max_chars = max_chars
        self.max_entry_chars = max_entry_chars
        self.hits = 0
        self.renders = 0
        """How many parts were rendered (misses): tests and benches read this."""
        self._entries: OrderedDict[Key, tuple[Rendered, int]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: Key, make: Callable[[], Rendered]) -> Rendered:
        """The part under `key`, rendered by `make` when this worker has none."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[0]
        # No single flight (unlike the insights cache): a miss costs one ordinary rendering,
        # and concurrent misses right after a write each render their own.
        rendered = make()
        # The key counts too: its filters are as long as the query string someone sent.
        cost = len(rendered.body) + len(repr(key.view))
        with self._lock:
            self.renders += 1
            if cost <= self.max_entry_chars and key not in self._entries:
                self._entries[key] = (rendered, cost)
                self._chars += cost
                while self._chars > self.max_chars:
                    _, (_, dropped) = self._entries.popitem(last=False)
                    self._chars -= dropped
        return rendered

    def clear(self) -> None:
        """Forget every entry and reset the counters."""
        with self._lock:
            self._entries.clear()
            self._chars = self.hits = self.renders = 0

    def __len__(self) -> int:
        return len(self._entries)


PAGES = PageCache()
"""This process's rendered parts."""


def cached_part(session: Session, person_id: int, view: Hashable, make: Callable[[], Rendered]) -> Rendered:
    """The part `make` renders from `session` for this view, reused while the journal stands still."""
    # The mark is read before `make` reads the diary (each statement sees the latest commits),
    # so a part is never older than its key; a write landing in between only makes the next
    # request miss.
    key = Key(database_of(session), person_id, journal_mark(session, person_id), view)
    return PAGES.get(key, make)


def with_csrf(part: Rendered, token: str) -> Markup:
    """The reused part with this viewer's CSRF token in its slots, ready for the page's template."""
    return Markup(part.body.replace(CSRF_SLOT, escape(token)))
