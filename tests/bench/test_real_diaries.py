"""The realistic-diary simulator does what each switch says, and the bench keeps its seeds apart."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from bench.support.real_diaries import EXTRA_TAGS, Departures, Effect, RealDiary, simulate_diary
from bench.trigger_realism_bench import HELD_OUT_BASE, HELD_OUT_BASES, main, parse
from numpy.typing import NDArray

from nasalis.insights.frames import daily_frame

YEAR = 365


def _frame(diary: RealDiary):  # type: ignore[no-untyped-def]
    return daily_frame(diary.days, diary.episode_dates)


def _corr(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def _mean_over_seeds(n_days: int, departures: Departures, stat, seeds: int = 4) -> float:  # type: ignore[no-untyped-def]
    return float(np.mean([stat(simulate_diary(n_days, (), departures, seed)) for seed in range(seeds)]))


def test_clean_diary_logs_every_day_with_plausible_counts() -> None:
    diary = simulate_diary(YEAR, seed=1)
    frame = _frame(diary)
    assert len(frame) == YEAR
    assert diary.logged.all()
    assert 1 <= frame["episodes"].mean() <= 40
    assert len(diary.episode_times) == diary.counts.sum()
    assert not any(c.removeprefix("tag:") in EXTRA_TAGS for c in frame.columns)


def test_reverse_causation_makes_same_day_stress_and_coffee_follow_the_counts() -> None:
    def same_day(column: str, departures: Departures) -> float:
        def stat(d: RealDiary) -> float:
            frame = _frame(d)
            return _corr(frame[column].to_numpy(), np.log1p(frame["episodes"].to_numpy()))

        return _mean_over_seeds(YEAR, departures, stat)

    on = Departures().only("reverse")
    assert same_day("stress", on) > 0.25
    assert same_day("caffeine_drinks", on) > 0.1
    assert abs(same_day("stress", Departures())) < 0.06


def test_drift_makes_counts_fall_with_stress_and_water_moving_with_them() -> None:
    def fall(d: RealDiary) -> float:
        return float(d.counts[:30].mean() / d.counts[-60:].mean())

    assert _mean_over_seeds(180, Departures().only("drift"), fall) > 1.3
    assert _mean_over_seeds(180, Departures(), fall) == pytest.approx(1.0, abs=0.15)

    def stress_water(d: RealDiary) -> tuple[float, float]:
        log_counts = np.log1p(d.counts)
        return _corr(d.truth["stress"], log_counts), _corr(d.truth["water_litres"], log_counts)

    pairs = [stress_water(simulate_diary(180, (), Departures().only("drift"), s)) for s in range(4)]
    assert np.mean([p[0] for p in pairs]) > 0.15
    assert np.mean([p[1] for p in pairs]) < -0.1


def test_bouts_make_twitching_and_factors_autocorrelated() -> None:
    def ar1(values: NDArray[np.float64]) -> float:
        return _corr(values[1:], values[:-1])

    on, off = Departures().only("bouts"), Departures()
    assert _mean_over_seeds(YEAR, on, lambda d: ar1(np.log1p(d.counts))) > 0.3
    assert abs(_mean_over_seeds(YEAR, off, lambda d: ar1(np.log1p(d.counts)))) < 0.05
    assert _mean_over_seeds(YEAR, on, lambda d: ar1(d.truth["sleep_hours"])) > 0.4
    assert abs(_mean_over_seeds(YEAR, off, lambda d: ar1(d.truth["sleep_hours"]))) < 0.05


def test_missingness_logs_about_70_percent_and_skips_the_good_days() -> None:
    diaries = [simulate_diary(YEAR, (), Departures().only("missing"), s) for s in range(4)]
    logged = np.mean([d.logged.mean() for d in diaries])
    assert logged == pytest.approx(0.70, abs=0.03)
    assert all(d.counts[d.logged].mean() > 1.2 * d.counts[~d.logged].mean() for d in diaries)
    assert all(len(d.days) == d.logged.sum() for d in diaries)
    water_blank = np.mean([np.isnan(_frame(d)["water_litres"]).mean() for d in diaries])
    assert water_blank == pytest.approx(0.25, abs=0.05)


def test_many_tags_are_a_few_frequent_and_mostly_rare() -> None:
    frame = _frame(simulate_diary(YEAR, (), Departures().only("tags"), 3))
    extra = {
        c.removeprefix("tag:"): frame[c].mean() for c in frame.columns if c.removeprefix("tag:") in EXTRA_TAGS
    }
    assert len(extra) == 25
    frequent = sorted(extra.values())[-3:]
    rare = sorted(extra.values())[:-3]
    assert min(frequent) > 0.1
    assert max(rare) < 0.12
    assert np.mean(rare) == pytest.approx(0.05, abs=0.01)


def test_texture_overdisperses_counts_and_puts_alcohol_on_weekends() -> None:
    def dispersion(d: RealDiary) -> float:
        return float(d.counts.var() / d.counts.mean())

    assert _mean_over_seeds(YEAR, Departures().only("texture"), dispersion) > 3
    assert _mean_over_seeds(YEAR, Departures(), dispersion) < 1.5
    frame = _frame(simulate_diary(YEAR, (), Departures().only("texture"), 4))
    weekend = frame.index.dayofweek.isin([4, 5])
    assert frame["alcohol_drinks"][weekend].mean() > 2 * frame["alcohol_drinks"][~weekend].mean()
    assert _corr(frame["sleep_hours"].to_numpy(), frame["stress"].to_numpy()) < -0.2


@pytest.mark.parametrize("lag", [0, 1])
def test_true_effects_are_recovered_by_a_plain_poisson_glm(lag: int) -> None:
    effects = [Effect("caffeine_drinks", 1.3, lag), Effect("tag:cheese", 2.0, lag)]
    frame = _frame(simulate_diary(2000, effects, seed=7))
    shifted = frame[["caffeine_drinks", "tag:cheese"]].shift(lag)
    known = shifted.notna().all(axis=1)
    fit = sm.GLM(
        frame["episodes"][known], sm.add_constant(shifted[known]), family=sm.families.Poisson()
    ).fit()
    assert np.exp(fit.params["caffeine_drinks"]) == pytest.approx(1.3, abs=0.03)
    assert np.exp(fit.params["tag:cheese"]) == pytest.approx(2.0, abs=0.1)


def test_null_diaries_have_no_effect_to_find() -> None:
    frame = _frame(simulate_diary(2000, (), seed=8))
    x = frame[["caffeine_drinks", "tag:cheese"]]
    fit = sm.GLM(frame["episodes"], sm.add_constant(x), family=sm.families.Poisson()).fit()
    assert np.exp(fit.params["caffeine_drinks"]) == pytest.approx(1.0, abs=0.03)


def test_the_bench_refuses_held_out_seeds_without_the_flag() -> None:
    with pytest.raises(SystemExit) as refused:
        parse(["--seed-base", str(HELD_OUT_BASE)])
    assert refused.value.code == 2
    assert parse(["--held-out"]).seed_base == HELD_OUT_BASE
    assert parse([]).seed_base < HELD_OUT_BASE


def test_the_second_held_out_range_is_its_own_and_the_first_keeps_its_meaning() -> None:
    assert parse(["--held-out", "first"]).seed_base == HELD_OUT_BASE
    second = parse(["--held-out", "second", "--diaries", "3"])
    assert second.seed_base == HELD_OUT_BASES["second"] != HELD_OUT_BASE
    assert second.diaries == 3
    with pytest.raises(SystemExit):
        parse(["--seed-base", str(HELD_OUT_BASES["second"])])
    assert parse(["--held-out", "third"]).seed_base == HELD_OUT_BASES["third"] > HELD_OUT_BASES["second"]
    assert parse(["--held-out", "fourth"]).seed_base == HELD_OUT_BASES["fourth"] > HELD_OUT_BASES["third"]
    with pytest.raises(SystemExit):
        parse(["--held-out", "fifth"])


def test_methods_can_be_narrowed_to_the_product_alone(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--diaries", "1", "--days", "40", "--scenario", "clean", "--methods", "nasalis"])
    out = capsys.readouterr().out
    assert "| clean | nasalis |" in out
    assert "first round" not in out.split("methods:")[1]
    with pytest.raises(SystemExit):
        parse(["--methods", "naive"])


def test_the_bench_prints_a_row_per_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--diaries", "2", "--days", "40", "--scenario", "clean,missing"])
    out = capsys.readouterr().out
    assert "| clean | nasalis |" in out
    assert "| missing | naive |" in out
    assert "seeds development" in out
