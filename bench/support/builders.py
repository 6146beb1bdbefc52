"""A generated diary for tests and benchmarks: plausible check-ins and twitches from a seed."""

from __future__ import annotations

import datetime as dt
import random

from nasalis.diary.bundle import Bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.vocab import AREAS, SIDES


def generated_diary(days: int, episodes: int, seed: int = 1, start: dt.date = dt.date(2021, 1, 1)) -> Bundle:
    """A plausible diary: one check-in a day, episodes spread over the days at random times."""
    rng = random.Random(seed)
    bundle = Bundle()
    for i in range(days):
        date = start + dt.timedelta(days=i)
        bundle.days.append(
            DayRecord(
                date=date,
                sleep_hours=round(rng.uniform(4, 9), 1),
                stress=rng.randint(0, 10),
                caffeine_drinks=float(rng.randint(0, 6)),
                alcohol_drinks=float(rng.randint(0, 4)),
                water_litres=round(rng.uniform(0.5, 3), 1),
                exercise_minutes=float(rng.choice([0, 0, 20, 45])),
                allergy_symptoms=rng.random() < 0.2,
                tags=tuple(rng.sample(["cheese", "long_drive", "screen", "wine"], rng.randint(0, 2))),
                factors={"pollen": float(rng.randint(0, 5))},
            )
        )
        bundle.day_lines.append(f"day {i}")
    zone = dt.timezone(dt.timedelta(hours=1))
    instants = sorted(rng.sample(range(days * 86_400), episodes))
    for n, second in enumerate(instants):
        when = dt.datetime.combine(start, dt.time(), zone) + dt.timedelta(seconds=second)
        bundle.episodes.append(
            EpisodeRecord(
                started_at=when,
                duration_s=round(rng.uniform(0.2, 30), 2),
                intensity=rng.randint(1, 10),
                side=rng.choice(SIDES),
                areas=tuple(rng.sample(AREAS[:4], rng.randint(1, 2))),
                note="after coffee" if rng.random() < 0.1 else None,
            )
        )
        bundle.episode_lines.append(f"episode {n}")
    return bundle
