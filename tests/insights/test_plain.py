"""Insights in plain sentences, before the statistics: what a person reads first."""

from __future__ import annotations

import re

from bench.support.simulator import Effect, simulate

from nasalis.insights.analysis import TIMES, effect_words, experiment_sentence, plain
from nasalis.insights.frames import daily_frame
from nasalis.insights.triggers import analyse

INTERNAL = re.compile(r"\w_\w|tag:|likely_|not_enough|no_evidence")
"""Column names, tag keys and verdict codes: none of them belongs in a sentence."""


def test_a_ratio_and_its_interval_in_words() -> None:
    x = TIMES
    assert (
        effect_words(1.5, 1.2, 1.9) == f"about 1.5{x} as many twitches (could be between 1.2{x} and 1.9{x})"
    )
    assert effect_words(0.6, 0.45, 0.8) == "about 40% fewer twitches (could be between 20% and 55% fewer)"
    assert effect_words(1.04, 0.97, 1.12) == (
        f"about as many twitches (could be anything between 0.97{x} and 1.1{x} as many)"
    )
    assert experiment_sentence({"rate_ratio": None}) == ""
    assert experiment_sentence({"rate_ratio": 2.0, "ci_low": 1.5, "ci_high": 3.0}) == (
        f"With the change you had about 2{x} as many twitches (could be between 1.5{x} and 3{x})."
    )


def test_a_trigger_and_a_protective_factor_come_first_in_plain_words() -> None:
    diary = simulate(120, [Effect("alcohol_drinks", 1.5), Effect("exercise_minutes", 0.8)], seed=3)
    said = plain(analyse(daily_frame(diary.days, diary.episode_dates)))
    drink = next(s for s in said.findings if "alcoholic" in s)
    assert drink.startswith("On days with one more alcoholic drink you had about ")
    x = TIMES
    assert re.search(rf"about 1\.\d{x} as many twitches \(could be between 1\.\d+{x} and \d\.\d+{x}\)", drink)
    assert "This held up after allowing for the number of tests" in drink
    exercise = next(s for s in said.findings if "exercise" in s)
    assert re.search(r"On days with 10 minutes more exercise you had about \d+% fewer twitches", exercise)
    assert "stress" in said.no_sign
    assert said.unvarying == []
    for sentence in said.sentences():
        assert not INTERNAL.search(sentence), sentence


def test_too_few_days_says_what_waits_and_how_long() -> None:
    diary = simulate(12, [], seed=1)
    said = plain(analyse(daily_frame(diary.days, diary.episode_dates)))
    assert said.findings == []
    assert said.no_sign == []
    assert "caffeinated drinks" in said.waiting
    assert said.most_days_needed == 10  # the day-before tests have one day fewer
    assert "Not enough days yet to tell for: " in " ".join(said.sentences())
    assert "(up to 10 more days of check-ins)" in " ".join(said.sentences())
