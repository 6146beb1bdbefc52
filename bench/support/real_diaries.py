"""Simulated diaries with the structure of real ones, for the independent trigger bench.

Written apart from the trigger analysis (only its public entry points are used, never its
internals), so the analysis cannot have been tuned to it. Each departure from the "clean"
diary (independent days, no trend, factors that do not depend on the twitching, every day
logged) is a switch with a strength: 0 is off, 1 is "moderate" (the figures below), 2 is
twice as strong.

Scales, chosen for a person with benign facial twitching who keeps a diary, and why. No
source gives diary-level figures for nose twitching, so most scales are this bench's own
assumptions, set to be ordinary rather than favourable to any method; where a source bears on
one it is named (only the project's seed articles under ../shared/seeds and well-known public
guidance):
- Base rate: median 8 twitches on an ordinary day, varying between people by a log-normal
  factor (sd 0.5 on the log scale: most people 3 to 20 a day, a few dozen on a bad day). An
  assumption: the seed articles describe twitches that come and go and last seconds to hours
  (002_3f0f5ca4b97d7cef.txt) without counting them.
- The factors, and the true effects chosen among them: the seed articles name stress, fatigue
  or lack of sleep, caffeine, alcohol, allergies and dehydration as common triggers
  (000_8a26fdd9690a6168.txt, 001_363c42eaced03ffe.txt), so those are the day factors here.
- Sleep 7.0 h (sd 0.9, reported to the half hour): around the 7 or more hours that public
  guidance sets for adults (CDC, "How Much Sleep Do I Need?"). Stress 0-10, centred at 4 (sd
  2). Caffeinated drinks Poisson around 2 a day, well under the 400 mg a day (about four or
  five cups of coffee) of the US FDA's "Spilling the Beans: How Much Caffeine is Too Much?".
  Alcohol around 0.6 a day; water 1.8 L (sd 0.5); exercise: none on ~55% of days, otherwise
  about 40 minutes; allergy symptoms on ~15% of days; two everyday tags ("cheese" ~25% of
  days, "late_night" ~20%).
- True effects (the `effects` argument): caffeine RR 1.3 per drink and the tag "cheese"
  RR 2.0, each on the same day or the day before, centred so the base rate stays the same.
  These are the issue's target effects (the smallest worth finding), not measured sizes.
- The departures' strengths ("moderate") are this bench's judgement of an ordinary diary,
  each chosen so that the one departure alone is clearly visible in a year of data (the
  tests in tests/bench/ check each) but no larger.

The departures (each `Departures` field):
- reverse: a bad day changes what is logged that evening: stress +1.2 points and on average
  +0.6 extra coffees per SD of the day's log count above the person's usual (moderate). Only
  the logged values move; the twitching follows the coffees drunk before it.
- drift: a shared slow trend (a fade from a bad start: log rate +0.7 e^(-t/40 days), twice
  the usual rate on day 1, as benign twitching that brought someone to a diary tends to settle;
  plus a slow random wander with a 60-day time constant, sd 0.3) moves the log rate, stress
  (+3 points per unit) and water (-0.8 L per unit) together. No factor causes anything.
- bouts: AR(1) on the log rate (phi 0.7, stationary sd 0.45) plus flare clusters (rate x2 on
  ~12% of days, in spells of ~7 days: a flare starts on ~2% of ordinary days); the day factors
  are AR(1) too (phi 0.6), allergy comes in spells, caffeine follows stress.
- missing: about 70% of days logged, good (low-count) days less often (logistic in the
  standardised log count, slope 1.2); on logged days water, alcohol and exercise are left
  blank 25%, 15% and 10% of the time.
- tags: 25 extra tags, none causal: three frequent (30%, 20%, 12% of days), the rest rare
  (2-8%).
- texture: over-dispersed counts (gamma frailty, NB size 3), day-of-week patterns (weekend
  alcohol x3, +0.5 coffee, +0.6 h sleep, more exercise, stress -1; weekend log rate -0.2, and
  waking 45 minutes later), and factors that go together (short sleep with stress, r about
  -0.4; short sleep with more coffee).
- morning: not a departure but the product's morning check-in (issue 19, item 3); the strength
  is the share of logged days with one (moderate 0.7; `Departures.all()` leaves it off). See
  "The day's clock" below.

The day's clock (always simulated, in a random stream of its own, so it never changes the
daily counts or factors):
- The person wakes at 07:00 (sd 30 minutes, 05:00-10:00). Each coffee drunk has a time: the
  first about 25 minutes after waking (exponential), the others spread evenly at random from an
  hour after the first until 17:30. Twitches come over the waking day (waking to 23:30), the
  rate rising linearly to twice the waking rate by the evening: the seed articles name stress
  and fatigue as triggers (000_8a26fdd9690a6168.txt, 002_3f0f5ca4b97d7cef.txt), and both build
  over a day; the exact shape is this bench's assumption, not a measured figure.
- A true same-day caffeine effect (RR r per drink) acts in the hours after each coffee: the
  day's twitches are the no-coffee rate plus, for the j-th coffee, r^(j-1) (r-1) times it,
  placed at the coffee's time plus a gamma delay (shape 2, mean 2 h). The daily total is then
  exactly r^(drinks) times the no-coffee day, as in the day-level model. The few-hours window is
  an assumption chosen to match how people describe a coffee "setting off" twitching; no seed
  article gives a time course. A day-before effect (lag 1) and the tag's effect keep the
  day's usual shape.
- The morning check-in (on a share `morning` of logged days) comes 15-90 minutes after waking
  (uniform, kept in 06:30-10:00). It records `morning_caffeine`, the coffees drunk before it,
  and `morning_stress`: the day's stress before any twitching of the day (the evening's stress
  before reverse causation, plus noise sd 0.8 for the hours between), which reverse causation
  (at the `reverse` strength) raises by 0.6 points per SD of YESTERDAY's log count (a bad day
  leaves one worried next morning) and by 0.7 points for each twitch already felt that
  morning before the check-in (at most 3). It never sees the day's later twitches. Sleep is
  the night just ended either way. The evening check-in keeps the reverse departure above.
  Null diaries have no effect at all but all the same reverse paths.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from nasalis.diary.records import DayRecord

FloatArray = npt.NDArray[np.float64]

BURN_IN = 30
CLOCK_STREAM = 7_101
"""Appended to the seed for the day's clock, a random stream apart from the day's values."""
BEDTIME, LAST_COFFEE = 23.5, 17.5
"""Hours after midnight: twitches stop for the night, no coffee after."""
CHECK_IN_LIMITS = (6.5, 10.0)
"""The morning check-in's earliest and latest time (hours)."""
"""Days simulated before the diary starts, so lag 1 and the AR(1) terms have a past."""
ZONE = dt.timezone(dt.timedelta(hours=1))
EVERYDAY_TAGS = {"cheese": 0.25, "late_night": 0.20}
RARE_TAGS = (
    "chocolate",
    "long_drive",
    "cold_weather",
    "dry_eyes",
    "headache",
    "sauna",
    "meeting",
    "red_wine",
    "nap",
    "gym",
    "reading",
    "flight",
    "party",
    "cycling",
    "poor_posture",
    "gaming",
    "contact_lenses",
    "bright_light",
    "skipped_meal",
    "energy_drink",
    "swimming",
    "cinema",
)
EXTRA_TAGS = {
    "screen_time": 0.30,
    "commute": 0.20,
    "spicy_food": 0.12,
    **dict(
        zip(
            RARE_TAGS,
            np.linspace(0.08, 0.02, len(RARE_TAGS)).round(3).tolist(),
            strict=True,
        )
    ),
}
"""The 25 extra, non-causal tags: a few frequent, most rare (share of days each is logged)."""
MODERATE = {"morning": 0.7}
"""A switch's moderate strength where it is not 1."""
MORNING_FACTORS = {"morning_caffeine": "caffeine_drinks", "morning_stress": "stress"}
"""The morning check-in's factors, and the day factor whose truth each carries."""
_RECORD_FIELDS = frozenset(f.name for f in fields(DayRecord))


@dataclass(frozen=True)
class Effect:
    """A true effect: the rate ratio per unit of `factor` (a day factor or `tag:LABEL`) at `lag`."""

    factor: str
    rate_ratio: float
    lag: int = 0


@dataclass(frozen=True)
class Departures:
    """How far a diary departs from the clean one: 0 off, 1 moderate, per departure."""

    reverse: float = 0.0
    drift: float = 0.0
    bouts: float = 0.0
    missing: float = 0.0
    tags: float = 0.0
    texture: float = 0.0
    morning: float = 0.0
    """Not a departure: the share of logged days with a morning check-in (moderate 0.7)."""

    @classmethod
    def names(cls) -> list[str]:
        """The switches' names, in the module docstring's order."""
        return [f.name for f in fields(cls)]

    @classmethod
    def all(cls, strength: float = 1.0) -> Departures:
        """Every departure at the same strength (the morning check-in stays off)."""
        return cls(**dict.fromkeys([n for n in cls.names() if n != "morning"], strength))

    def only(self, name: str, strength: float | None = None) -> Departures:
        """This set with one switch changed (to its moderate strength by default)."""
        return replace(self, **{name: MODERATE.get(name, 1.0) if strength is None else strength})


@dataclass
class RealDiary:
    """A simulated diary: what the person logged, and the truth behind it."""

    days: list[DayRecord]
    """Check-ins of the logged days only (a day not logged is unknown)."""
    episode_times: list[dt.datetime]
    """Every twitch logged, on logged days, in the person's time zone (UTC+1)."""
    effects: list[Effect]
    start: dt.date
    counts: npt.NDArray[np.int64] = field(repr=False)
    """Twitches on every day of the diary, logged or not."""
    logged: npt.NDArray[np.bool_] = field(repr=False)
    truth: dict[str, FloatArray] = field(repr=False, default_factory=dict)
    """Each day factor before any reverse-causation change, every day of the diary."""
    coffee_hours: list[FloatArray] = field(repr=False, default_factory=list)
    """Every day of the diary: when each coffee was drunk (hours after midnight)."""
    twitch_hours: list[FloatArray] = field(repr=False, default_factory=list)
    """Every day of the diary, logged or not: when each twitch came (hours, sorted)."""

    @property
    def episode_dates(self) -> list[dt.date]:
        """The local date of each logged twitch (what `daily_frame` takes)."""
        return [t.date() for t in self.episode_times]


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> FloatArray:
    """A stationary AR(1) series with autocorrelation `phi` and standard deviation `sd`."""
    out = np.empty(n)
    out[0] = rng.normal(0, sd)
    innovation = sd * np.sqrt(1 - phi**2)
    shocks = rng.normal(0, innovation, n)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + shocks[t]
    return out


def _spells(rng: np.random.Generator, n: int, share: float, persistence: float) -> npt.NDArray[np.bool_]:
    """A two-state Markov chain on `share` of days whose states last (stay prob `persistence`)."""
    # Stationary share p with stay-on probability s needs on-probability a from off: a = p(1-s)/(1-p).
    enter = min(1.0, share * (1 - persistence) / (1 - share))
    state = np.empty(n, dtype=bool)
    state[0] = rng.random() < share
    draws = rng.random(n)
    for t in range(1, n):
        state[t] = draws[t] < (persistence if state[t - 1] else enter)
    return state


def _logit_offset(z: FloatArray, slope: float, target: float) -> float:
    """The intercept a with mean(expit(a + slope*z)) = target (bisection)."""
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(mid + slope * z)))) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _waking_times(rng: np.random.Generator, k: int, wake: float) -> FloatArray:
    """`k` twitch times over the waking day, the rate rising linearly to twice by bedtime."""
    span = BEDTIME - wake
    # Inverse of the linear density's CDF on [0, 1]: rate 1 + u, so F(u) = (u + u^2 / 2) / 1.5.
    u = -1 + np.sqrt(1 + 3 * rng.random(k))
    return np.asarray(wake + span * u, dtype=np.float64)


def _day_clock(
    rng: np.random.Generator, count: int, coffees: int, wake: float, caffeine_rr: float | None
) -> tuple[FloatArray, FloatArray]:
    """The coffee times and the twitch times of one day (hours after midnight)."""
    first = min(wake + rng.exponential(25 / 60), 16.0)
    later = np.sort(rng.uniform(min(first + 1.0, LAST_COFFEE), LAST_COFFEE, max(coffees - 1, 0)))
    coffee = np.concatenate([[first], later])[:coffees]
    if caffeine_rr is None or caffeine_rr <= 1 or coffees == 0:
        return coffee, np.sort(_waking_times(rng, count, wake))
    # The no-coffee rate is share r^-c of the day; coffee j adds r^(j-1) (r-1) of it.
    r = caffeine_rr
    shares = np.concatenate([[1.0], r ** np.arange(coffees) * (r - 1)]) / r**coffees
    parts = rng.multinomial(count, shares / shares.sum())
    times = [_waking_times(rng, int(parts[0]), wake)]
    for j in range(coffees):
        delay = rng.gamma(2.0, 1.0, int(parts[j + 1]))
        times.append(np.minimum(coffee[j] + delay, 23.99))
    return coffee, np.sort(np.concatenate(times))


def _entropy(seed: int | np.random.SeedSequence) -> tuple[int, ...]:
    """The seed as a tuple of words, so the clock's stream can be derived from it."""
    if isinstance(seed, np.random.SeedSequence):
        entropy = seed.entropy
        words = (
            [int(entropy or 0)] if entropy is None or isinstance(entropy, int) else [int(w) for w in entropy]
        )
        return (*words, *seed.spawn_key)
    return (int(seed),)


def _morning_record(at: float, stress: int, caffeine: float) -> dict[str, Any]:
    """A DayRecord's morning check-in fields (as custom factors while the record has no field)."""
    minutes = min(round(at * 60), 24 * 60 - 1)
    out: dict[str, Any] = {"morning_at": dt.time(minutes // 60, minutes % 60)}
    if "morning_stress" in _RECORD_FIELDS:
        out.update(morning_stress=stress, morning_caffeine=caffeine)
    else:
        out["factors"] = {"morning_stress": float(stress), "morning_caffeine": caffeine}
    return out


def simulate_diary(
    n_days: int,
    effects: list[Effect] | tuple[Effect, ...] = (),
    departures: Departures | None = None,
    seed: int | np.random.SeedSequence = 0,
) -> RealDiary:
    """`n_days` of one person's diary with the given true effects and departures from clean."""
    d = departures or Departures()
    rng = np.random.default_rng(seed)
    n = n_days + BURN_IN
    start = dt.date(2026, 1, 5) + dt.timedelta(days=int(rng.integers(0, 7)))  # any weekday
    first = start - dt.timedelta(days=BURN_IN)
    weekday = (first.weekday() + np.arange(n)) % 7
    weekend = (weekday >= 5).astype(float)
    friday_saturday = np.isin(weekday, (4, 5)).astype(float)
    t_diary = np.arange(n) - BURN_IN  # day 0 is the diary's first day

    bouts, tex = min(d.bouts, 1.3), d.texture
    phi_factor = 0.6 * bouts

    # The shared slow trend (drift): a fade from a bad start plus a slow wander.
    trend = d.drift * (0.7 * np.exp(-np.maximum(t_diary, 0) / 40.0) + _ar1(rng, n, np.exp(-1 / 60), 0.3))

    # Day factors as the person lives them.
    sleep_dev = _ar1(rng, n, phi_factor, 0.9) + tex * 0.6 * (weekend - 2 / 7)
    sleep = np.clip(7.0 + sleep_dev, 3.0, 11.0)
    stress_latent = (
        4.0
        + _ar1(rng, n, phi_factor, 2.0 * np.sqrt(1 - min(tex, 1.0) * 0.16))
        - tex * 0.8 * (sleep_dev - tex * 0.6 * (weekend - 2 / 7))  # short sleep, more stress
        - tex * 1.0 * (weekend - 2 / 7)
        + 3.0 * trend
    )
    stress = np.clip(np.rint(stress_latent), 0, 10)
    coffee_mean = 2.0 * np.exp(
        bouts * 0.08 * (stress_latent - 4.0) - tex * 0.2 * (sleep - 7.0) + tex * 0.22 * (weekend - 2 / 7)
    )
    caffeine = np.minimum(rng.poisson(coffee_mean), 10).astype(float)
    alcohol_mean = 0.6 * np.exp(tex * (np.log(3.0) * friday_saturday - np.log(3.0) * 2 / 7))
    alcohol = np.minimum(rng.poisson(alcohol_mean), 8).astype(float)
    water = np.clip(1.8 + _ar1(rng, n, phi_factor, 0.5) - 0.8 * trend, 0.3, 4.5)
    active = rng.random(n) < 0.45 + tex * 0.2 * (weekend - 2 / 7)
    exercise = np.where(active, np.rint(rng.gamma(4.0, 10.0 * np.exp(_ar1(rng, n, phi_factor, 0.3)))), 0.0)
    allergy = _spells(rng, n, 0.15, 0.8 * bouts) if bouts > 0 else rng.random(n) < 0.15
    tag_share = dict(EVERYDAY_TAGS)
    if d.tags > 0:
        tag_share.update({k: min(0.9, p * d.tags) for k, p in EXTRA_TAGS.items()})
    tags = {name: rng.random(n) < p for name, p in tag_share.items()}

    values: dict[str, FloatArray] = {
        "sleep_hours": sleep,
        "stress": stress,
        "caffeine_drinks": caffeine,
        "alcohol_drinks": alcohol,
        "water_litres": water,
        "exercise_minutes": exercise,
        "allergy_symptoms": allergy.astype(float),
        **{f"tag:{k}": v.astype(float) for k, v in tags.items()},
    }

    # The twitching.
    log_rate = np.full(n, np.log(8.0) + rng.normal(0, 0.5))
    log_rate += trend - tex * 0.2 * (weekend - 2 / 7)
    if bouts > 0:
        log_rate += _ar1(rng, n, 0.7, 0.45 * bouts)
        flare = _spells(rng, n, min(0.12 * bouts, 0.5), 0.85)
        log_rate += np.log(2.0) * flare
    for e in effects:
        x = values[e.factor]
        centred = x - float(np.mean(x))
        log_rate[e.lag :] += np.log(e.rate_ratio) * centred[: n - e.lag]
    mean = np.exp(log_rate)
    if tex > 0:
        size = 3.0 / tex
        mean = rng.gamma(size, mean / size)
    counts = rng.poisson(mean)

    # What the day's twitching does to the evening's check-in (reverse causation).
    z = np.log1p(counts) - np.log1p(counts).mean()
    z = z / max(float(z.std()), 1e-9)
    truth = {k: v.copy() for k, v in values.items()}
    if d.reverse > 0:
        values["stress"] = np.clip(np.rint(stress_latent + d.reverse * 1.2 * z), 0, 10)
        values["caffeine_drinks"] = np.minimum(
            caffeine + rng.poisson(d.reverse * 0.6 * np.maximum(z, 0)), 12
        ).astype(float)

    # Which days get logged (informative missingness: good days less often).
    if d.missing > 0:
        slope = 1.2 * d.missing
        target = 1.0 - 0.3 * min(d.missing, 1.0)
        a = _logit_offset(z, slope, target)
        logged = rng.random(n) < 1 / (1 + np.exp(-(a + slope * z)))
    else:
        logged = np.ones(n, dtype=bool)
    blank = {
        "water_litres": 0.25 * min(d.missing, 1.0),
        "alcohol_drinks": 0.15 * min(d.missing, 1.0),
        "exercise_minutes": 0.10 * min(d.missing, 1.0),
    }

    # The day's clock, in its own stream: coffee and twitch times, the morning check-in.
    clock = np.random.default_rng(np.random.SeedSequence([*_entropy(seed), CLOCK_STREAM]))
    wake = np.clip(7.0 + clock.normal(0, 0.5, n) + tex * 0.75 * weekend, 5.0, 10.0)
    same_day_caffeine = [e.rate_ratio for e in effects if e.factor == "caffeine_drinks" and e.lag == 0]
    rr = same_day_caffeine[0] if same_day_caffeine else None
    coffee_hours: list[FloatArray] = []
    twitch_hours: list[FloatArray] = []
    for i in range(BURN_IN, n):
        coffee, twitches = _day_clock(clock, int(counts[i]), int(truth["caffeine_drinks"][i]), wake[i], rr)
        coffee_hours.append(coffee)
        twitch_hours.append(twitches)
    morning_share = min(max(d.morning, 0.0), 1.0)
    has_morning = clock.random(n) < morning_share
    check_in = np.clip(wake + clock.uniform(0.25, 1.5, n), *CHECK_IN_LIMITS)
    stress_noise = clock.normal(0, 0.8, n)

    days: list[DayRecord] = []
    episode_times: list[dt.datetime] = []
    for i in range(BURN_IN, n):
        if not logged[i]:
            continue
        date = first + dt.timedelta(days=i)

        def given(name: str, value: float) -> float | None:
            return None if rng.random() < blank.get(name, 0.0) else value

        day_tags = tuple(k for k, v in tags.items() if v[i])
        twitches = twitch_hours[i - BURN_IN]
        morning: dict[str, Any] = {}
        if has_morning[i]:
            at = check_in[i]
            felt = int(np.sum(twitches < at))  # twitches already felt that morning
            raised = d.reverse * (0.6 * z[i - 1] + min(0.7 * felt, 3.0))
            morning = _morning_record(
                at,
                stress=int(np.clip(np.rint(stress_latent[i] + stress_noise[i] + raised), 0, 10)),
                caffeine=float(np.sum(coffee_hours[i - BURN_IN] < at)),
            )
        days.append(
            DayRecord(
                date=date,
                sleep_hours=float(np.round(values["sleep_hours"][i] * 2) / 2),
                stress=int(values["stress"][i]),
                caffeine_drinks=float(values["caffeine_drinks"][i]),
                alcohol_drinks=given("alcohol_drinks", float(values["alcohol_drinks"][i])),
                water_litres=given("water_litres", round(float(values["water_litres"][i]), 1)),
                exercise_minutes=given("exercise_minutes", float(values["exercise_minutes"][i])),
                allergy_symptoms=bool(values["allergy_symptoms"][i]),
                tags=day_tags or None,
                **morning,
            )
        )
        midnight = dt.datetime.combine(date, dt.time(), ZONE)
        episode_times += [midnight + dt.timedelta(seconds=int(h * 3600)) for h in twitches]
    keep = slice(BURN_IN, n)
    return RealDiary(
        days=days,
        episode_times=episode_times,
        effects=list(effects),
        start=start,
        counts=counts[keep],
        logged=logged[keep],
        truth={k: v[keep] for k, v in truth.items()},
        coffee_hours=coffee_hours,
        twitch_hours=twitch_hours,
    )


def true_effects(index: int) -> list[Effect]:
    """The true effects of the `index`-th effect diary: caffeine RR 1.3/drink and "cheese" RR 2.0,
    on the same day for even `index`, the day before for odd."""
    lag = index % 2
    return [Effect("caffeine_drinks", 1.3, lag), Effect("tag:cheese", 2.0, lag)]
