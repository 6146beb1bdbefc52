"""What a trigger analysis finds, and every word a person reads for it (nasalis.insights/1).

The result types (`FactorResult`, `Insights` and their contract JSON), the verdicts in words,
and each factor's name and step as a person reads them. `nasalis.insights.triggers` computes
them; the pages, the terminal, the report and the JSON schema read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nasalis.diary.factors import FACTORS
from nasalis.insights.frames import TAG_PREFIX
from nasalis.wording import plural

SCHEMA = "nasalis.insights/1"

MORNING = frozenset(f.name for f in FACTORS if f.recorded == "morning")
"""Factors asked in the morning check-in (declared `recorded="morning"`)."""
NOT_ADVICE = frozenset(f.name for f in FACTORS if f.not_advice)

UNITS = {f.name: f.per for f in FACTORS if f.per}
"""Each numeric day factor's step in words: a rate ratio is per this much more."""
SCALE = {f.name: f.scale for f in FACTORS if f.scale != 1.0}

FACTOR_WORDS: dict[str, tuple[str, str]] = {f.name: (f.in_list, f.one_more) for f in FACTORS}
"""How a person reads each day factor: its name in a list, and "one more" of it (or its being there)."""

VERDICT_WORDS = {
    "likely_trigger": "Likely trigger",
    "likely_protective": "Seems to help",
    "possible": "Possible — not sure",
    "same_day_either_way": "Goes together, but which causes which is unclear",
    "no_evidence": "No sign of an effect",
    "not_enough_data": "Not enough data yet",
}
"""Each verdict of the contract in words, strongest first (screens show these, never the codes)."""


@dataclass
class FactorResult:
    """One test: a factor at a lag, and what it shows."""

    factor: str
    lag_days: int
    kind: str
    per: str
    days_with_data: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    q: float | None = None
    verdict: str = "not_enough_data"
    days_needed: int | None = None
    does_not_vary: bool = False
    """The same value on every known day (a yes/no factor never, or always, there): no count of
    days can test it until it changes."""
    min_detectable_effect: float | None = None
    """The rate ratio (per step) this diary would find four times in five."""
    direction_unclear: bool = False
    """A same-day association of a value the day itself can change."""
    within_day: bool = False
    """Tested against the twitches after the morning check-in that recorded it."""
    p_worthwhile: float | None = None

    def to_json(self) -> dict[str, object]:
        """The contract's object for this test."""
        out: dict[str, object] = {
            "factor": self.factor,
            "lag_days": self.lag_days,
            "kind": self.kind,
            "effect": "rate_ratio",
            "per": self.per,
        }
        for key in ("estimate", "ci_low", "ci_high"):
            value = getattr(self, key)
            out[key] = None if value is None else round(value, 4)
        out["p"] = None if self.p is None else float(f"{self.p:.4g}")
        out["q"] = None if self.q is None else float(f"{self.q:.4g}")
        out["days_with_data"] = self.days_with_data
        out["verdict"] = self.verdict
        if self.days_needed is not None:
            out["more_days_needed"] = self.days_needed
        if self.does_not_vary:
            out["does_not_vary"] = True
        if self.min_detectable_effect is not None:
            out["min_detectable_effect"] = round(self.min_detectable_effect, 3)
        if self.direction_unclear:
            out["direction_unclear"] = True
        if self.within_day:
            out["within_day"] = True
        return out


@dataclass
class Insights:
    """The whole analysis."""

    days_analysed: int
    episodes_analysed: int
    factors: list[FactorResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    span_days: int = 0
    """Calendar days from the first check-in to the last."""

    def to_json(self) -> dict[str, object]:
        """The contract's JSON object."""
        return {
            "schema": SCHEMA,
            "days_analysed": self.days_analysed,
            "episodes_analysed": self.episodes_analysed,
            "factors": [f.to_json() for f in self.factors],
            "notes": list(self.notes),
        }


def verdict_words(f: FactorResult) -> str:
    """The verdict as a screen shows it; a drink is never said to help (Factor.not_advice)."""
    if f.verdict == "likely_protective" and f.factor in NOT_ADVICE:
        return "Goes with fewer twitches (not advice to have more)"
    return VERDICT_WORDS.get(f.verdict, f.verdict)


def factor_name(factor: str) -> str:
    """A factor as a person reads it in a list: "caffeinated drinks", "“gym” (tag)"."""
    if factor in FACTOR_WORDS:
        return FACTOR_WORDS[factor][0]
    if factor.startswith(TAG_PREFIX):
        return f"“{factor.removeprefix(TAG_PREFIX).replace('_', ' ')}” (tag)"
    return factor.replace("_", " ")


def factor_more(f: FactorResult) -> str:
    """What a test compares, in words: "one more alcoholic drink", "the tag “gym”"."""
    if f.factor in FACTOR_WORDS:
        return FACTOR_WORDS[f.factor][1]
    if f.factor.startswith(TAG_PREFIX):
        return f"the tag “{f.factor.removeprefix(TAG_PREFIX).replace('_', ' ')}”"
    name = f.factor.replace("_", " ")
    return name if f.kind == "binary" else f"{f.per.replace('1 ', 'one more ', 1)} of {name}"


LOGGED_ENOUGH = 0.9
"""Below this share of calendar days checked in, the notes say why every day counts."""


def _logged_share(known: int, span: int, min_days: int) -> float | None:
    """The share of calendar days with a check-in, when it is low enough to mention."""
    if known < min_days or span <= 0:
        return None
    share = known / span
    return share if share < LOGGED_ENOUGH else None


def write_notes(insights: Insights, tested: list[FactorResult], q_level: float, min_days: int) -> None:
    """What the verdicts mean, what needs more days and what cannot be tested (the run's notes)."""
    if tested:
        words = VERDICT_WORDS
        insights.notes.append(
            f"{len(tested)} of the {len(insights.factors)} tests had enough data to run. "
            f"'{words['likely_trigger']}' and '{words['likely_protective']}' need an effect worth having "
            f"that holds up across all {len(tested)} tests (q <= {q_level}); '{words['possible']}' did not."
        )
        insights.notes.append(
            "These are associations in your own diary, not proof of cause: a suspected trigger is best "
            "tested by changing it on purpose for alternating weeks and comparing."
        )
    if any(f.verdict == "same_day_either_way" for f in insights.factors):
        insights.notes.append(
            f"'{VERDICT_WORDS['same_day_either_way']}': a bad day can itself raise the stress, the coffee "
            "or the short night you write down that evening. The morning check-in, made before the day's "
            "twitches, can tell which way it runs; so can an experiment."
        )
    logged = _logged_share(insights.days_analysed, insights.span_days, min_days)
    if logged is not None:
        insights.notes.append(
            f"You checked in on {insights.days_analysed} of the {insights.span_days} days since your first "
            "check-in. A day without a check-in is unknown, not twitch-free, so it cannot count: logging "
            "every day, the twitch-free ones too (one tap: No twitches today), is what lets this analysis "
            "tell a trigger from chance."
        )
    waiting = [
        f
        for f in insights.factors
        if f.verdict == "not_enough_data"
        and f.days_needed
        and not (f.factor in MORNING and not f.days_with_data)
    ]  # a morning check-in never made is not waiting for days: it is not in use
    if waiting:
        most = max(f.days_needed or 0 for f in waiting)
        insights.notes.append(
            f"{plural(len(waiting), 'test needs', 'tests need')} more data: up to "
            f"{plural(most, 'more day')} of check-ins."
        )
    unvarying = sorted({factor_name(f.factor) for f in insights.factors if f.does_not_vary})
    if unvarying:
        said = (
            f"{', '.join(unvarying)}: the same on every day so far, so it cannot be tested until it "
            "changes from day to day (log it on the days it happens and on the days it does not)."
        )
        insights.notes.append(said[:1].upper() + said[1:])
