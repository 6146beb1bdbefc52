"""The one way an episode is written, and its one conflict policy.

An episode's natural key is (person, the instant it began): the instant, not its clock time,
so 01:30 +01:00 and 00:30 +00:00 are one episode; UNIQUE (person_id, started_at_utc) holds
it in the database. What a write does with a key already stored depends only on who offers
the episode (POLICY):

- a person logging it (CLI `log`, the API, the Today and day pages): REPLACE. What they typed
  last is what they mean; the old values go in the journal, so undo brings them back.
- a file (import) or a clip (video attach): KEEP. The diary as the person left it wins; the
  offered episode is skipped and counted as already there (also one offered twice at once).

A twitch written on a day marked "no twitches today" clears that mark in the same transaction
(journalled, so undo can put it back): the day stays known, now with its twitches.

Either way a retried write is idempotent: the same episode twice is one row, never two, and
nothing is lost, since the write is inside the caller's one transaction (all or nothing).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.bulk_insert import insert_many
from nasalis.diary.entries import clear_no_twitches, episode_row, replace_episode, twitch_label
from nasalis.diary.models import Episode, utcnow
from nasalis.diary.records import EpisodeRecord


class Conflict(enum.Enum):
    """What a write does with an episode whose natural key is already stored."""

    REPLACE = "replace"
    KEEP = "keep"


Offeror = Literal["log", "import", "video"]
POLICY: dict[str, Conflict] = {"log": Conflict.REPLACE, "import": Conflict.KEEP, "video": Conflict.KEEP}
"""The conflict policy of each writer (see the module's docstring for why)."""


@dataclass
class Written:
    """What one write did: the rows it added, and how many it replaced or skipped."""

    added: list[dict[str, Any]] = field(default_factory=list)
    replaced: list[Episode] = field(default_factory=list)
    skipped: int = 0


def write_episodes(
    session: Session, person_id: int, records: Sequence[EpisodeRecord], by: Offeror, created_at: dt.datetime
) -> Written:
    """Write `records` offered `by` a log, an import or a clip, under POLICY (journalling a replace only)."""
    policy, out = POLICY[by], Written()
    rows: list[dict[str, Any]] = [episode_row(person_id, rec) | {"created_at": created_at} for rec in records]
    if not rows:
        return out
    stored = _stored(session, person_id, rows)
    pending: dict[dt.datetime, int] = {}
    for rec, row in zip(records, rows, strict=True):
        key = row["started_at_utc"]
        if key not in stored:
            stored[key] = None  # a later record with the same key meets this one
            pending[key] = len(out.added)
            out.added.append(row)
        elif policy is Conflict.KEEP:
            out.skipped += 1
        elif key in pending:  # offered twice in one write: the later one is what is meant
            out.added[pending[key]] = row
        else:
            episode = _by_key(session, person_id, key)
            replace_episode(session, person_id, episode, rec, f"{twitch_label(rec.started_at)} changed")
            out.replaced.append(episode)
    if out.added:
        insert_many(session.connection(), Episode.__table__, out.added)  # type: ignore[arg-type]
        clear_no_twitches(session, person_id, {local_date(row) for row in out.added})
    return out


def local_date(row: dict[str, Any]) -> dt.date:
    """The local date of an episode row (its UTC instant in the offset it was logged with)."""
    instant: dt.datetime = row["started_at_utc"] + dt.timedelta(minutes=row["utc_offset_min"])
    return instant.date()


def log_episode(session: Session, person_id: int, rec: EpisodeRecord) -> Episode:
    """A person logs one episode (one already logged at that instant is replaced; undo restores it)."""
    written = write_episodes(session, person_id, [rec], "log", utcnow())
    if written.replaced:
        return written.replaced[0]
    episode = _by_key(session, person_id, written.added[0]["started_at_utc"])
    journal.record(session, person_id, "add", "episodes", [episode.id], twitch_label(rec.started_at))
    return episode


def added_ids(session: Session, person_id: int, rows: list[dict[str, Any]]) -> list[int]:
    """The ids of rows a write just added (found by their natural key)."""
    keys = [row["started_at_utc"] for row in rows]
    query = select(Episode.id).where(Episode.person_id == person_id, Episode.started_at_utc.in_(keys))
    return sorted(session.scalars(query))


def _stored(session: Session, person_id: int, rows: list[dict[str, Any]]) -> dict[dt.datetime, None]:
    """The natural keys already stored within the rows' span of time (one indexed range query)."""
    keys = [row["started_at_utc"] for row in rows]
    query = select(Episode.started_at_utc).where(
        Episode.person_id == person_id,
        Episode.started_at_utc >= min(keys),
        Episode.started_at_utc <= max(keys),
    )
    return dict.fromkeys(session.scalars(query))


def _by_key(session: Session, person_id: int, key: dt.datetime) -> Episode:
    found = session.scalar(
        select(Episode).where(Episode.person_id == person_id, Episode.started_at_utc == key)
    )
    assert found is not None, "a key just seen or written is there"
    return found
