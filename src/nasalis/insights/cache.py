"""Reuse the last trigger analysis while a person's diary has not changed.

Refitting the models over a 5-year diary takes seconds; the Insights page and
`GET /api/insights` ask for the same analysis again and again between two writes.

Every write to a diary is journalled (`nasalis.diary.journal`) in the write's own
transaction: logging, check-ins, edits, deletes, imports, clips attached, experiments. A new
journal entry raises the person's newest `Change.id`; an undo adds no entry but marks one
undone. So (newest change id, how many changes, how many are undone) changes on every write
and every undo, and never comes back to an earlier value: ids are never reused (AUTOINCREMENT
on SQLite, a sequence on PostgreSQL) and nothing un-undoes a change or deletes journal entries.
The count is needed besides the newest id: PostgreSQL numbers a change when it is written,
not when it commits, so a change can commit after one with a higher id.

The cache lives in each worker's memory (a bounded LRU). That is correct across workers and
processes because no worker trusts an entry without checking it: every request reads the
journal mark from the database and looks up its own entry under it; a write through any
worker or the CLI moves the mark, so every worker's old entry is simply never found again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from nasalis import __version__
from nasalis.diary.models import Change
from nasalis.insights.analysis import Report, load_report

SIZE = 64
"""Analyses kept per worker: one per person (and `since`, and local date) recently looked at."""


@dataclass(frozen=True)
class JournalMark:
    """Where a person's journal stands: moves on every write and every undo."""

    newest_change: int | None
    newest_at: dt.datetime | None
    """When the newest change was made: a restored backup of another diary differs here."""
    undone: int
    changes: int = 0
    """How many changes: moves when a change commits after one numbered later (PostgreSQL)."""


@dataclass(frozen=True)
class Key:
    """Everything an analysis depends on: whose diary, which state of it, which days, which code."""

    database: str
    person_id: int
    mark: JournalMark
    since: dt.date | None
    today: dt.date
    code: str = __version__


def journal_mark(session: Session, person_id: int) -> JournalMark:
    """The newest change's id and time, how many changes are undone, and how many there are."""
    mine = Change.person_id == person_id
    newest = session.execute(select(Change.id, Change.at).where(mine).order_by(Change.id.desc()).limit(1))
    row = newest.first()
    # Written `undone = true` (not IS) so that a partial index on (person_id) WHERE undone = 1
    # serves it: without one it reads each of the person's journal rows (~4 ms at 20,000).
    undone = select(func.count()).select_from(Change).where(mine, Change.undone == true())
    # The person_id index alone answers this one (~0.8 ms at 20,000 changes).
    changes = select(func.count()).select_from(Change).where(mine)
    return JournalMark(
        row.id if row else None,
        row.at if row else None,
        int(session.scalar(undone) or 0),
        int(session.scalar(changes) or 0),
    )


def database_of(session: Session) -> str:
    """Which database a session reads (without any password): a process may open several."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


class ReportCache:
    """A thread-safe LRU of analyses; concurrent misses on one key fit once, the others wait."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.fits = 0
        """How many analyses were computed (misses): tests and benches read this."""
        self.hits = 0
        self._entries: OrderedDict[Key, Report] = OrderedDict()
        self._flights: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def _found(self, key: Key) -> Report | None:
        """The entry under `key`, marked as just used (call with the lock held)."""
        report = self._entries.get(key)
        if report is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return report

    def get(self, key: Key, make: Callable[[], Report]) -> Report:
        """The analysis under `key`, made by `make` only if no one has it or is making it."""
        with self._lock:
            report = self._found(key)
            if report is not None:
                return report
            flight = self._flights.setdefault(key, threading.Lock())
        # 50 people opening Insights at once must not start 50 fits of the same diary.
        with flight:
            with self._lock:
                report = self._found(key)
            if report is not None:
                return report
            try:
                report = make()
                with self._lock:
                    self.fits += 1
                    self._entries[key] = report
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._flights.pop(key, None)
        return report

    def clear(self) -> None:
        """Forget every entry and reset the counters."""
        with self._lock:
            self._entries.clear()
            self.fits = self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)


REPORTS = ReportCache()
"""This process's analyses."""


def cached_report(
    session: Session, person_id: int, since: dt.date | None = None, today: dt.date | None = None
) -> Report:
    """Like `load_report`, reusing this worker's last analysis while the diary's journal stands still.

    The cached Report is shared between requests: callers must only read it.
    """
    today = today or dt.date.today()
    # The mark is read before the diary: on PostgreSQL each statement sees the latest commits,
    # so the analysis is at least as new as its key (never older), and a write that lands in
    # between only makes the next request miss.
    key = Key(database_of(session), person_id, journal_mark(session, person_id), since, today)
    return REPORTS.get(key, lambda: load_report(session, person_id, since, today))
