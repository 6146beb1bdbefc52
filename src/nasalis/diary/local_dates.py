"""The episodes on these local dates: the one read path every list, page, view and report uses.

An episode is on the calendar date it began in the UTC offset it was recorded with: a twitch
at 00:30 +05:30 on 1 March is on 1 March, whoever looks and wherever they are now. The date
is worked out by the database (`local_date`), so a filter, a count and a list agree.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Date, Select, String, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from nasalis.diary.models import Episode

WIDEST_OFFSET = dt.timedelta(days=1)
"""More than any UTC offset (Python's own bound): the indexed UTC window around local dates."""


class local_date(FunctionElement[dt.date]):  # noqa: N801 - named as the SQL function it reads as
    """SQL: the local date of (naive UTC instant, offset in minutes)."""

    type = Date()
    inherit_cache = True
    name = "local_date"


@compiles(local_date, "sqlite")
def _sqlite_local_date(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    utc, offset = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({utc}, printf('%+d minutes', {offset}))"


@compiles(local_date)
def _standard_local_date(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    utc, offset = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({utc} + {offset} * INTERVAL '1 minute' AS DATE)"


def episode_date() -> local_date:
    """The SQL expression of an episode's own local date."""
    return local_date(Episode.started_at_utc, Episode.utc_offset_min)


_Select = TypeVar("_Select", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class EpisodeFilter:
    """Which episodes: local dates first..last (both included; None is open), side, area, strength."""

    first: dt.date | None = None
    last: dt.date | None = None
    side: str | None = None
    area: str | None = None
    min_intensity: int | None = None

    def apply(self, select_: _Select, person_id: int) -> _Select:
        """`select_` narrowed to this person and this filter, in SQL."""
        query: Any = select_  # any SELECT over episodes, whatever its columns
        query = query.where(Episode.person_id == person_id)
        # Each date bound twice: a UTC window the (person, started_at) index can use, then the
        # exact test on the episode's own local date.
        if self.first is not None:
            start = dt.datetime.combine(self.first, dt.time()) - WIDEST_OFFSET
            query = query.where(Episode.started_at_utc >= start, episode_date() >= self.first)
        if self.last is not None:
            end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time()) + WIDEST_OFFSET
            query = query.where(Episode.started_at_utc < end, episode_date() <= self.last)
        if self.side:
            query = query.where(Episode.side == self.side)
        if self.min_intensity is not None:
            query = query.where(Episode.intensity >= self.min_intensity)
        if self.area:
            # areas is a JSON list of vocabulary words; its text holds the quoted word.
            query = query.where(cast(Episode.areas, String).like(f'%"{self.area}"%'))
        return typing.cast(_Select, query)


def episodes_on(
    session: Session, person_id: int, first: dt.date | None = None, last: dt.date | None = None
) -> list[Episode]:
    """The episodes on local dates first..last (both included; None is open), oldest first."""
    query = EpisodeFilter(first, last).apply(select(Episode), person_id)
    return list(session.scalars(query.order_by(Episode.started_at_utc)))


class EpisodeLine(NamedTuple):
    """An episode as a list shows it: read as plain columns, not ORM objects (many rows)."""

    id: int
    started_at: dt.datetime
    intensity: int | None
    side: str | None
    areas: list[str] | None
    note: str | None


def episode_lines(
    session: Session, person_id: int, where: EpisodeFilter, limit: int | None = None
) -> list[EpisodeLine]:
    """The episodes `where` selects, newest first, in their own local time."""
    query = where.apply(
        select(
            Episode.id,
            Episode.started_at_utc,
            Episode.utc_offset_min,
            Episode.intensity,
            Episode.side,
            Episode.areas,
            Episode.note,
        ),
        person_id,
    ).order_by(Episode.started_at_utc.desc())
    zones: dict[int, dt.timezone] = {}
    out = []
    for row in session.execute(query.limit(limit) if limit else query):
        zone = zones.get(row.utc_offset_min) or zones.setdefault(
            row.utc_offset_min, dt.timezone(dt.timedelta(minutes=row.utc_offset_min))
        )
        local = row.started_at_utc.replace(tzinfo=dt.UTC).astimezone(zone)
        out.append(EpisodeLine(row.id, local, row.intensity, row.side, row.areas, row.note))
    return out


def count_episodes(session: Session, person_id: int, where: EpisodeFilter) -> int:
    """How many episodes `where` selects."""
    return int(session.scalar(where.apply(select(func.count(Episode.id)), person_id)) or 0)


def counts_by_local_date(session: Session, person_id: int, where: EpisodeFilter) -> dict[dt.date, int]:
    """Episodes per local date (each episode in its own offset), counted by the database."""
    day = episode_date()
    rows = session.execute(where.apply(select(day, func.count(Episode.id)), person_id).group_by(day))
    return {d if isinstance(d, dt.date) else dt.date.fromisoformat(d): n for d, n in rows}
