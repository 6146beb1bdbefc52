"""A generated 90-day diary with a known trigger, a stored assessment and a medicine."""

from __future__ import annotations

import datetime as dt

from bench.support.builders import generated_diary
from bench.support.simulator import Effect, simulate

from nasalis.assessment import assess, parse_intake
from nasalis.diary import assessments, entries, videos
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import EpisodeRecord
from nasalis.diary.store import Store, open_store

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


HEMIFACIAL_INTAKE = {
    "age_years": 61,
    "duration_days": 200,
    "trend": "worse",
    "areas": ["eyelid", "cheek", "mouth"],
    "side": "left",
    "started_near_eye_then_spread": True,
    "interferes_with_daily_life": True,
    "eyes_forced_shut": True,
    "during_sleep": True,
}
"""A likely hemifacial spasm: six reasons, the eye-closure and during-sleep findings last."""

BURST_MONTH = (2026, 6)
"""A month long before the daily table, with hundreds of twitches and a single check-in."""


def gappy_diary(url: str) -> Store:
    """180 days ending TODAY: the last 90 have days with twitches but no check-in; June is a burst.

    Also two assessments (the latest with six reasons) and a measured clip.
    """
    store = open_store(url)
    person = store.person_id()
    start = TODAY - dt.timedelta(days=179)
    bundle = generated_diary(180, 500, seed=16, start=start)
    zone = dt.timezone(dt.timedelta(hours=1))
    year, month = BURST_MONTH
    bundle.episodes += [
        EpisodeRecord(started_at=dt.datetime(year, month, 1 + i % 28, 6 + i % 15, i % 60, tzinfo=zone))
        for i in range(300)
    ]
    twitch_dates = sorted({e.started_at.date() for e in bundle.episodes})
    recent = [d for d in twitch_dates if (TODAY - d).days < 90]
    unchecked = set(recent[::4])  # a quarter of the recent days with twitches: no check-in
    bundle.days = [
        d
        for d in bundle.days
        if d.date not in unchecked and not ((d.date.year, d.date.month) == BURST_MONTH and d.date.day != 15)
    ]
    import_bundle(store, person, bundle)
    with store.write() as session:
        first = {"duration_days": 21, "areas": ["nose"]}
        assessments.save(session, person, first, assess(parse_intake(first)))
        assessments.save(session, person, HEMIFACIAL_INTAKE, assess(parse_intake(HEMIFACIAL_INTAKE)))
        clip = videos.create(session, person, "face.mp4", None, attach=False)
        event = {"start_s": 1.0, "end_s": 1.4, "side": "left", "region": "eyelid", "amplitude": 0.031}
        result = {
            "duration_s": 10.0,
            "events": [event],
            "events_per_minute": 6.0,
            "by_region": {"eyelid": 1},
            "blinks_per_minute": 14.0,
            "notes": [],
        }
        videos.finish(session, clip.id, result, [])
    return store
