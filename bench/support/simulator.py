"""Simulated diaries with known effects: the ground truth for tests and bench/insights_bench.py.

Daily counts are negative binomial (a gamma-Poisson mixture: over-dispersed like real diaries)
with log-mean = log(base) + sum of effect * (factor - its mean), each effect at its own lag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from nasalis.diary.records import DayRecord


@dataclass(frozen=True)
class Effect:
    """A true effect: rate ratio per unit (or when present) of `factor`, `lag` days later."""

    factor: str
    rate_ratio: float
    lag: int = 0


@dataclass
class SimulatedDiary:
    """Days, the date of every episode, and the effects that produced them."""

    days: list[DayRecord]
    episode_dates: list[dt.date]
    effects: list[Effect] = field(default_factory=list)


def simulate(
    n_days: int,
    effects: list[Effect] | tuple[Effect, ...] = (),
    seed: int = 0,
    base_rate: float = 3.0,
    dispersion_k: float = 4.0,
    start: dt.date = dt.date(2026, 1, 1),
) -> SimulatedDiary:
    """A diary of `n_days` check-ins whose counts follow `effects` (none: a null diary)."""
    rng = np.random.default_rng(seed)
    factors = {
        "sleep_hours": np.clip(rng.normal(7, 1.1, n_days), 3, 11).round(1),
        "stress": rng.integers(0, 11, n_days).astype(float),
        "caffeine_drinks": np.minimum(rng.poisson(2.0, n_days), 8).astype(float),
        "alcohol_drinks": np.minimum(rng.poisson(1.0, n_days), 8).astype(float),
        "water_litres": np.clip(rng.normal(2, 0.5, n_days), 0.3, 5).round(1),
        "exercise_minutes": rng.choice([0.0, 0.0, 20.0, 45.0], n_days),
        "allergy_symptoms": (rng.random(n_days) < 0.3).astype(float),
        "tag:cheese": (rng.random(n_days) < 0.3).astype(float),
        "tag:long_drive": (rng.random(n_days) < 0.25).astype(float),
    }
    log_mean = np.full(n_days, np.log(base_rate))
    for effect in effects:
        x = factors[effect.factor]
        scale = 10.0 if effect.factor == "exercise_minutes" else 1.0
        centred = (x - x.mean()) / scale
        shifted = np.concatenate([np.zeros(effect.lag), centred[: n_days - effect.lag]])
        log_mean += np.log(effect.rate_ratio) * shifted
    mean = np.exp(log_mean)
    counts = rng.poisson(rng.gamma(dispersion_k, mean / dispersion_k))
    days: list[DayRecord] = []
    episode_dates: list[dt.date] = []
    for i in range(n_days):
        date = start + dt.timedelta(days=i)
        tags = tuple(t.removeprefix("tag:") for t in ("tag:cheese", "tag:long_drive") if factors[t][i])
        days.append(
            DayRecord(
                date=date,
                sleep_hours=float(factors["sleep_hours"][i]),
                stress=int(factors["stress"][i]),
                caffeine_drinks=float(factors["caffeine_drinks"][i]),
                alcohol_drinks=float(factors["alcohol_drinks"][i]),
                water_litres=float(factors["water_litres"][i]),
                exercise_minutes=float(factors["exercise_minutes"][i]),
                allergy_symptoms=bool(factors["allergy_symptoms"][i]),
                tags=tags or None,
            )
        )
        episode_dates += [date] * int(counts[i])
    return SimulatedDiary(days, episode_dates, list(effects))
