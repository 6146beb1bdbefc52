"""Put a parsed bundle into the store in one transaction, skipping what is already there."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from nasalis.diary import journal
from nasalis.diary.entries import day_row, episode_row, to_utc
from nasalis.diary.interchange import Bundle
from nasalis.diary.models import Day, Episode
from nasalis.diary.store import Store


@dataclass(frozen=True)
class ImportResult:
    """What an import added, and what it found already there."""

    episodes_added: int
    days_added: int
    episodes_skipped: int
    days_skipped: int


def import_bundle(store: Store, person_id: int, bundle: Bundle, label: str = "import") -> ImportResult:
    """Add every episode and day not yet in the diary; all or nothing."""
    with store.write() as session:
        have_episodes = set(
            session.scalars(select(Episode.started_at_utc).where(Episode.person_id == person_id))
        )
        have_days = set(session.scalars(select(Day.date).where(Day.person_id == person_id)))
        episode_rows = [
            episode_row(person_id, e) for e in bundle.episodes if to_utc(e.started_at)[0] not in have_episodes
        ]
        day_rows = [day_row(person_id, d) for d in bundle.days if d.date not in have_days]
        added: dict[str, list[int]] = {}
        # Core executemany, not ORM bulk RETURNING (quadratic in SQLAlchemy for big batches);
        # then one range query collects the new ids for the undo journal.
        connection = session.connection()
        if episode_rows:
            connection.execute(insert(Episode), episode_rows)
            keys = {row["started_at_utc"] for row in episode_rows}
            found = session.execute(
                select(Episode.id, Episode.started_at_utc).where(
                    Episode.person_id == person_id,
                    Episode.started_at_utc.between(min(keys), max(keys)),  # type: ignore[type-var]
                )
            )
            added["episodes"] = [i for i, key in found if key in keys]
        if day_rows:
            connection.execute(insert(Day), day_rows)
            dates = {row["date"] for row in day_rows}
            found_days = session.execute(
                select(Day.id, Day.date).where(
                    Day.person_id == person_id,
                    Day.date.between(min(dates), max(dates)),  # type: ignore[type-var]
                )
            )
            added["days"] = [i for i, date in found_days if date in dates]
        if added:
            journal.record(
                session,
                person_id,
                "import",
                "episodes",
                [],
                f"{label}: {len(episode_rows)} episodes, {len(day_rows)} days",
                [added],
            )
    return ImportResult(
        episodes_added=len(episode_rows),
        days_added=len(day_rows),
        episodes_skipped=len(bundle.episodes) - len(episode_rows),
        days_skipped=len(bundle.days) - len(day_rows),
    )
