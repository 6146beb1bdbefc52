"""Trigger analysis on simulated diaries with known truth."""

from __future__ import annotations

import json
from typing import Any

from bench.support.simulator import Effect, simulate

from nasalis.diary.vocab import DAY_FACTORS
from nasalis.insights.findings import FACTOR_WORDS, VERDICT_WORDS, factor_name
from nasalis.insights.frames import daily_frame, lagged
from nasalis.insights.triggers import MIN_DAYS, analyse


def run(n_days: int, effects: list[Effect], seed: int = 1) -> dict[str, Any]:
    diary = simulate(n_days, effects, seed=seed)
    result: dict[str, Any] = analyse(daily_frame(diary.days, diary.episode_dates)).to_json()
    return result


def verdicts(result: dict[str, Any]) -> dict[tuple[str, int], str]:
    return {(f["factor"], f["lag_days"]): f["verdict"] for f in result["factors"]}


def test_contract_shape() -> None:
    result = run(90, [Effect("caffeine_drinks", 1.3)])
    assert list(result) == ["schema", "days_analysed", "episodes_analysed", "factors", "notes"]
    assert result["schema"] == "nasalis.insights/1"
    assert result["days_analysed"] == 90
    caffeine = next(f for f in result["factors"] if f["factor"] == "caffeine_drinks" and f["lag_days"] == 0)
    assert list(caffeine)[:12] == [
        "factor",
        "lag_days",
        "kind",
        "effect",
        "per",
        "estimate",
        "ci_low",
        "ci_high",
        "p",
        "q",
        "days_with_data",
        "verdict",
    ]
    assert caffeine["per"] == "1 drink"
    assert caffeine["ci_low"] < caffeine["estimate"] < caffeine["ci_high"]
    json.dumps(result)


def test_every_factor_and_frequent_tag_at_both_lags() -> None:
    keys = set(verdicts(run(90, [])))
    for factor in (*DAY_FACTORS, "tag:cheese", "tag:long_drive"):
        assert {(factor, 0), (factor, 1)} <= keys


def test_finds_a_trigger_a_protective_factor_and_a_lagged_effect() -> None:
    found = verdicts(
        run(
            120,
            [
                Effect("alcohol_drinks", 1.6),
                Effect("exercise_minutes", 0.8),
                Effect("tag:cheese", 2.5, lag=1),
            ],
            seed=3,
        )
    )
    assert found[("alcohol_drinks", 0)] == "likely_trigger"
    assert found[("exercise_minutes", 0)] == "likely_protective"
    assert found[("tag:cheese", 1)] == "likely_trigger"


def test_a_same_day_value_the_day_can_change_is_never_called_a_cause() -> None:
    """Evening stress, coffee and sleep move with a bad day: a same-day link says neither way."""
    result = run(120, [Effect("caffeine_drinks", 1.5), Effect("sleep_hours", 0.6)], seed=3)
    by_key = {(f["factor"], f["lag_days"]): f for f in result["factors"]}
    for key in (("caffeine_drinks", 0), ("sleep_hours", 0)):
        assert by_key[key]["verdict"] == "same_day_either_way"
        assert by_key[key]["direction_unclear"] is True
    assert any("morning check-in" in note for note in result["notes"])


def test_a_null_diary_flags_nothing_confidently() -> None:
    flagged = 0
    for seed in range(30):
        flagged += any(v.startswith("likely") for v in verdicts(run(90, [], seed=seed)).values())
    assert flagged <= 4  # BH at q 0.10 over ~18 tests: about 1 in 10 null diaries at most


def test_too_little_data_is_an_answer() -> None:
    result = run(10, [Effect("caffeine_drinks", 2.0)])
    assert {f["verdict"] for f in result["factors"]} == {"not_enough_data"}
    assert all(f["more_days_needed"] >= MIN_DAYS - 10 for f in result["factors"])
    assert any(f"{MIN_DAYS - 10} more" in note for note in result["notes"])
    empty = analyse(daily_frame([], []))
    assert (empty.days_analysed, empty.factors) == (0, [])


def test_missing_days_are_unknown_not_zero() -> None:
    diary = simulate(40, [])
    kept = diary.days[:20] + diary.days[25:]
    frame = daily_frame(kept, diary.episode_dates)
    assert len(frame) == 35
    lag1 = lagged(frame, "stress", 1)
    assert lag1.isna().sum() == 2  # the first day, and the day after the gap


def test_a_factor_that_never_varies_asks_for_no_day_count() -> None:
    diary = simulate(90, [], seed=2)
    never = [type(d)(**{**d.__dict__, "allergy_symptoms": False}) for d in diary.days]
    result = analyse(daily_frame(never, diary.episode_dates))
    allergy = [f for f in result.factors if f.factor == "allergy_symptoms"]
    assert [f.lag_days for f in allergy] == [0, 1]
    for f in allergy:
        assert (f.verdict, f.does_not_vary, f.days_needed) == ("not_enough_data", True, None)
        shown = f.to_json()
        assert shown["does_not_vary"] is True
        assert "more_days_needed" not in shown  # was 4 x 90 = 360 more days of a factor never there
    assert any(
        note.startswith("Sneezing or a runny nose: the same on every day so far, so it cannot be tested")
        for note in result.notes
    )
    assert not any("more days of check-ins" in note for note in result.notes)
    varying = analyse(daily_frame(diary.days, diary.episode_dates))
    assert not any(f.does_not_vary for f in varying.factors)
    assert all("does_not_vary" not in f.to_json() for f in varying.factors)  # optional: only when true


def test_the_notes_count_the_same_tests_as_the_page() -> None:
    # "8 tests" in the note and "the other 14" on the page counted different things.
    diary = simulate(40, [], seed=5)
    # Stress left blank on 25 days: its two tests wait for data while the others run.
    days = [type(d)(**{**d.__dict__, "stress": None}) if i < 25 else d for i, d in enumerate(diary.days)]
    result = analyse(daily_frame(days, diary.episode_dates))
    ran = sum(f.p is not None for f in result.factors)
    assert 0 < ran < len(result.factors)
    said = f"{ran} of the {len(result.factors)} tests had enough data"
    assert any(note.startswith(said) for note in result.notes)
    assert not any("likely_" in note or "_" in note for note in result.notes)  # verdicts in words


def test_every_day_factor_and_verdict_has_words() -> None:
    assert set(FACTOR_WORDS) == set(DAY_FACTORS)
    assert {"likely_trigger", "likely_protective", "possible", "no_evidence", "not_enough_data"} <= set(
        VERDICT_WORDS
    )
    assert factor_name("tag:long_drive") == "“long drive” (tag)"
    assert factor_name("magnesium_mg") == "magnesium mg"
