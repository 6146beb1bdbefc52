"""One analysis of a diary: triggers, time of day and experiments, in numbers and in sentences.

One data function (load_report) serves `nasalis insights`, `GET /api/insights`, the web pages
and the doctor's report; its JSON is the insights contract (nasalis.insights/1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from nasalis.diary import experiments as stored
from nasalis.diary.entries import insight_inputs
from nasalis.diary.factors import BY_NAME
from nasalis.diary.models import Experiment
from nasalis.diary.records import DayRecord
from nasalis.insights.findings import (
    FACTOR_WORDS,
    NOT_ADVICE,
    VERDICT_WORDS,
    FactorResult,
    Insights,
    factor_more,
    factor_name,
    verdict_words,
)
from nasalis.insights.frames import daily_frame
from nasalis.insights.measured import false_alarm_words
from nasalis.insights.running import load_results, results
from nasalis.insights.timeofday import profile
from nasalis.insights.triggers import analyse
from nasalis.wording import number, plural

SHOWN = ("likely_trigger", "likely_protective", "possible", "same_day_either_way")
"""Verdicts worth a sentence of their own; the others are named in a list."""


@dataclass
class Report:
    """Everything the insights views show, from one read of the diary."""

    frame: pd.DataFrame
    insights: Insights
    time_of_day: dict[str, object]
    experiments: list[dict[str, object]]

    def to_json(self) -> dict[str, object]:
        """nasalis.insights/1 with the optional `time_of_day` and `experiments` fields."""
        out = {**self.insights.to_json(), "time_of_day": self.time_of_day}
        if self.experiments:
            out["experiments"] = self.experiments
        return out


def make_report(
    days: list[DayRecord], starts: list[dt.datetime], found: list[Experiment], today: dt.date
) -> Report:
    """Analyse diary data already read: triggers, time of day, and `found` judged on these days."""
    frame = daily_frame(days, starts)  # local start times: the within-day columns need the clock
    return Report(frame, analyse(frame), profile(starts), results(found, frame, today))


def load_report(
    session: Session, person_id: int, since: dt.date | None = None, today: dt.date | None = None
) -> Report:
    """Read one person's diary (from `since`) and analyse it."""
    today = today or dt.date.today()
    days, starts = insight_inputs(session, person_id, since)
    if since is None:
        return make_report(days, starts, stored.all_of(session, person_id), today)
    report = make_report(days, starts, [], today)
    report.experiments = load_results(session, person_id, today)  # a window must not cut their blocks
    return report


def by_strength(factors: list[FactorResult]) -> list[FactorResult]:
    """Tests strongest verdict first (in VERDICT_WORDS order), then by p."""
    order = list(VERDICT_WORDS)
    return sorted(
        factors,
        key=lambda f: (order.index(f.verdict) if f.verdict in order else len(order), f.p or 1.0),
    )


TIMES = "\u00d7"
"""The multiplication sign of "1.5x as many", as people write it."""


def _times(ratio: float) -> str:
    # Near 1 a tenth is too coarse (1.04 is not "1 times"); further away it is plenty.
    return f"{number(round(ratio, 2 if abs(ratio - 1) < 0.1 else 1))}{TIMES}"


def _fewer(ratio: float) -> str:
    return f"{round((1 - ratio) * 100)}%"


def effect_words(estimate: float, low: float, high: float, what: str = "twitches") -> str:
    """A rate ratio and its 95% interval as a person says it: "about 1.5x as many twitches (...)"."""
    if high < 1:
        return (
            f"about {_fewer(estimate)} fewer {what} (could be between {_fewer(high)} and {_fewer(low)} fewer)"
        )
    if low > 1:
        return f"about {_times(estimate)} as many {what} (could be between {_times(low)} and {_times(high)})"
    return f"about as many {what} (could be anything between {_times(low)} and {_times(high)} as many)"


def factor_sentence(f: FactorResult) -> str:
    """One test in a plain sentence: "On days with one more alcoholic drink you had about ..."."""
    when = "On days with" if f.lag_days == 0 else "On the day after a day with"
    if f.estimate is None or f.ci_low is None or f.ci_high is None:
        return f"{when} {factor_more(f)}: {verdict_words(f).lower()}."
    said = f"{when} {factor_more(f)} you had {effect_words(f.estimate, f.ci_low, f.ci_high)}."
    count = false_alarm_words(f.verdict)
    counted = f"; {count}" if count else ""
    if f.verdict in ("likely_trigger", "likely_protective"):
        said = f"{said} This held up after allowing for the number of tests{counted}."
        if f.verdict == "likely_protective" and f.factor in NOT_ADVICE:
            said += " It is how your diary's days went together, not advice to drink more."
        return said
    if f.verdict == "possible":
        return f"{said} It may be chance: it did not hold up after allowing for the number of tests{counted}."
    if f.verdict == "same_day_either_way":
        return (
            f"{said} A bad day can itself change this, so which causes which is unclear; the morning "
            "check-in (made before the day's twitches) or an experiment can tell."
        )
    return said


def detectable_words(f: FactorResult) -> str:
    """What this diary could show for a factor so far: "caffeinated drinks (1.6x per drink)"."""
    if f.min_detectable_effect is None:
        return ""
    per = "when there" if f.kind == "binary" else f"per {f.per.removeprefix('1 ')}"
    return f"{factor_name(f.factor)} ({_times(f.min_detectable_effect)} {per})"


@dataclass(frozen=True)
class Plain:
    """The analysis in sentences, before any statistics: what stands out, and what could not be told."""

    findings: list[str]
    no_sign: list[str]
    waiting: list[str]
    most_days_needed: int | None
    unvarying: list[str]
    detectable: list[str] = field(default_factory=list)
    """For factors with no sign yet: the smallest effect this diary would have shown."""
    days_to_settle: int | None = None
    """More days of check-ins after which it would show the effects the analysis aims at."""
    to_test: list[str] = field(default_factory=list)
    """Factors that look important: each worth an experiment."""

    def sentences(self) -> list[str]:
        """Everything as sentences, findings first (the terminal prints these as they are)."""
        out = list(self.findings)
        if self.no_sign:
            out.append(f"No sign of an effect so far: {', '.join(self.no_sign)}.")
        if self.waiting:
            more = f" (up to {plural(self.most_days_needed or 0, 'more day')} of check-ins)"
            out.append(f"Not enough days yet to tell for: {', '.join(self.waiting)}{more}.")
        if self.unvarying:
            out.append(f"Cannot be tested until it changes from day to day: {', '.join(self.unvarying)}.")
        if self.detectable:
            out.append(self.detectable_sentence())
        return out

    def detectable_sentence(self) -> str:
        """How large an effect the diary can show so far, and how many days would show smaller ones."""
        said = f"So far your diary could only show effects about this large: {', '.join(self.detectable)}."
        if self.days_to_settle:
            said += (
                f" About {plural(self.days_to_settle, 'more day')} of check-ins, twitch-free days included, "
                "would show smaller ones."
            )
        return said


def plain(insights: Insights) -> Plain:
    """The factors sorted into plain findings, names with no sign, names still waiting, unchanging ones."""
    factors = by_strength(insights.factors)
    findings = [factor_sentence(f) for f in factors if f.verdict in SHOWN]
    stood_out = {f.factor for f in factors if f.verdict in SHOWN}
    unvarying = _names(f for f in factors if f.does_not_vary)
    rest = [f for f in factors if f.factor not in stood_out and not f.does_not_vary]
    tested = {f.factor for f in rest if f.p is not None}
    waiting = [
        f
        for f in rest
        if f.factor not in tested and f.verdict == "not_enough_data" and not _morning_unused(f)
    ]
    most = max((f.days_needed or 0 for f in waiting), default=0) or None
    quiet = [f for f in rest if f.lag_days == 0 and f.verdict == "no_evidence" and f.factor in FACTOR_WORDS]
    settle = max((f.days_needed or 0 for f in quiet), default=0) or None
    harmful = ("likely_trigger", "same_day_either_way", "possible")
    return Plain(
        findings,
        _names(f for f in rest if f.factor in tested),
        _names(waiting),
        most,
        unvarying,
        [w for w in (detectable_words(f) for f in quiet) if w],
        settle,
        _names(f for f in factors if f.verdict in harmful and (f.estimate or 1) > 1),
    )


def _morning_unused(f: FactorResult) -> bool:
    """A morning check-in factor on no day: someone who skips the morning check-in is not told to wait."""
    declared = BY_NAME.get(f.factor)
    return declared is not None and declared.recorded == "morning" and f.days_with_data == 0


def _names(factors: Iterable[FactorResult]) -> list[str]:
    """Each factor's name once, in the order met."""
    return list(dict.fromkeys(factor_name(f.factor) for f in factors))


def experiment_sentence(result: dict[str, Any]) -> str:
    """An experiment's outcome in words: "With the change you had about 40% fewer twitches (...)".

    Before the planned end it is the interim sentence instead ("Not a result yet: ..."): an
    early estimate read as a result is how experiments mislead.
    """
    if result.get("interim"):
        return str(result["interim"])
    if result.get("rate_ratio") is None:
        return ""
    said = effect_words(result["rate_ratio"], result["ci_low"], result["ci_high"])
    return f"With the change you had {said}."
