"""A generated 90-day diary with a known trigger, a stored assessment and a medicine."""

from __future__ import annotations

import datetime as dt

from nasalis.assessment import assess, parse_intake
from nasalis.diary import assessments, entries
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import Store, open_store
from tests.diary.builders import generated_diary
from tests.insights.simulator import Effect, simulate

TODAY = dt.date(2026, 11, 23)


def ninety_day_diary(url: str) -> Store:
    """Cheese multiplies twitches by 2.5; strengths 1-10, sides and areas vary by episode."""
    store = open_store(url)
    person = store.person_id()
    sim = simulate(90, [Effect("tag:cheese", 2.5)], seed=21, start=TODAY - dt.timedelta(days=89))
    bundle = generated_diary(90, 0, seed=2, start=TODAY - dt.timedelta(days=89))
    zone = dt.timezone(dt.timedelta(hours=1))
    bundle.days = sim.days
    bundle.episodes = [
        EpisodeRecord(
            started_at=dt.datetime.combine(d, dt.time(7 + i % 14, i % 60), zone),
            intensity=1 + i % 10,
            side=("left", "right")[i % 3 == 0],
            areas=("nose",) if i % 2 else ("nose", "cheek"),
        )
        for i, d in enumerate(sim.episode_dates)
    ]
    import_bundle(store, person, bundle)
    intake = {
        "age_years": 41,
        "duration_days": 90,
        "trend": "same",
        "areas": ["nose"],
        "caffeine_drinks_per_day": 5,
    }
    with store.write() as session:
        assessments.save(session, person, intake, assess(parse_intake(intake)))
        entries.add_medication(session, person, "Ventolin", "2 puffs")
    return store
