"""A realistic simulated diary for the benchmarks: years of check-ins and twitches that follow them.

Counts are negative binomial (over-dispersed like real diaries) around a base rate that stress,
caffeine and short sleep raise; about one day in ten has no check-in (unknown, not zero), and
twitches cluster in the waking hours. Nothing here is a test's ground truth: that is
simulator.py beside it, with known effects.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nasalis.diary.bundle import Bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.vocab import AREAS, SIDES

WAKING_HOURS = np.array([0.2] * 7 + [1.0] * 15 + [0.4] * 2)
"""How likely a twitch is in each hour of the day, relative to the others."""


def five_years(today: dt.date | None = None, twitches_per_day: float = 11.0, seed: int = 5) -> Bundle:
    """1,826 days ending `today` (default: today), about `twitches_per_day` on an average day."""
    end = today or dt.date.today()
    return simulated_diary(end - dt.timedelta(days=1825), 1826, twitches_per_day, seed)


def simulated_diary(start: dt.date, n_days: int, twitches_per_day: float, seed: int) -> Bundle:
    """`n_days` from `start`: check-ins on most days, twitches on every day (in UTC+1)."""
    rng = np.random.default_rng(seed)
    sleep = np.clip(rng.normal(7, 1.1, n_days), 3, 11).round(1)
    stress = rng.integers(0, 11, n_days)
    caffeine = np.minimum(rng.poisson(2.0, n_days), 8)
    log_mean = np.log(twitches_per_day) + 0.05 * (stress - 5) + 0.08 * (caffeine - 2) - 0.1 * (sleep - 7)
    counts = rng.poisson(rng.gamma(4.0, np.exp(log_mean) / 4.0))
    checked_in = rng.random(n_days) > 0.1
    bundle = Bundle()
    for i in range(n_days):
        date = start + dt.timedelta(days=i)
        if checked_in[i]:
            bundle.days.append(_check_in(rng, date, float(sleep[i]), int(stress[i]), int(caffeine[i])))
        bundle.episodes += _twitches(rng, date, int(counts[i]))
    return bundle


def _check_in(rng: np.random.Generator, date: dt.date, sleep: float, stress: int, caffeine: int) -> DayRecord:
    """One evening's check-in; the less-used factors are sometimes left blank, as people do."""
    tags = tuple(
        str(t) for t in rng.choice(["cheese", "long_drive", "screen", "wine"], rng.integers(0, 3), False)
    )
    return DayRecord(
        date=date,
        sleep_hours=sleep,
        stress=stress,
        caffeine_drinks=float(caffeine),
        alcohol_drinks=float(rng.poisson(0.8)) if rng.random() < 0.8 else None,
        water_litres=round(float(rng.uniform(0.5, 3)), 1) if rng.random() < 0.6 else None,
        exercise_minutes=float(rng.choice([0, 0, 20, 45])),
        allergy_symptoms=bool(rng.random() < 0.2),
        tags=tags or None,
    )


def _twitches(rng: np.random.Generator, date: dt.date, count: int) -> list[EpisodeRecord]:
    """`count` twitches at distinct instants of `date`, mostly while awake."""
    zone = dt.timezone(dt.timedelta(hours=1))
    hours = rng.choice(24, count, p=WAKING_HOURS / WAKING_HOURS.sum())
    seconds = sorted({int(h) * 3600 + int(rng.integers(0, 3600)) for h in hours})
    midnight = dt.datetime.combine(date, dt.time(), zone)
    return [
        EpisodeRecord(
            started_at=midnight + dt.timedelta(seconds=s),
            duration_s=round(float(rng.gamma(2.0, 2.0)), 1),
            intensity=int(rng.integers(1, 11)) if rng.random() < 0.7 else None,
            side=str(rng.choice(SIDES)) if rng.random() < 0.6 else None,
            areas=(str(rng.choice(AREAS)),) if rng.random() < 0.6 else None,
        )
        for s in seconds
    ]
