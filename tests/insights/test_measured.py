"""The verdicts' words quote the benchmark's own count of false findings, not the nominal q."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.support.simulator import Effect, simulate

from nasalis.insights import measured as measured_module
from nasalis.insights.analysis import factor_sentence, plain
from nasalis.insights.frames import daily_frame
from nasalis.insights.triggers import analyse


@pytest.fixture
def counts(tmp_path: Path) -> Iterator[Path]:
    """A measured.json as the bench writes it, read instead of the shipped one."""
    path = tmp_path / "measured.json"
    path.write_text(
        json.dumps(
            {
                "diaries": 400,
                "days": 90,
                "verdicts": {"likely": {"flags": 41, "false": 3}, "possible": {"flags": 90, "false": 52}},
            }
        )
    )
    shipped = measured_module.PATH
    measured_module.PATH = path
    measured_module.measured.cache_clear()
    yield path
    measured_module.PATH = shipped
    measured_module.measured.cache_clear()


def test_the_shipped_file_is_readable() -> None:
    measured_module.measured.cache_clear()
    for kind in measured_module.measured():
        assert kind in measured_module.KINDS


@pytest.mark.usefixtures("counts")
def test_a_likely_finding_says_how_often_such_findings_were_false() -> None:
    diary = simulate(120, [Effect("alcohol_drinks", 1.5)], seed=3)
    result = analyse(daily_frame(diary.days, diary.episode_dates))
    likely = next(f for f in result.factors if f.verdict == "likely_trigger")
    said = factor_sentence(likely)
    assert said.endswith(
        "This held up after allowing for the number of tests; in nasalis's own test on 400 simulated "
        "90-day diaries built like real ones, 3 of 41 findings like this were coincidences."
    )
    assert "1 in 10" not in " ".join(result.notes)


def test_counts_pooled_over_diary_lengths_name_the_range() -> None:
    pooled = measured_module.Measured(flags=60, false=5, diaries=800, days=60, longest=365)
    assert "800 simulated 60- to 365-day diaries built like real ones, 5 of 60 findings" in pooled.words()
    alone = measured_module.Measured(flags=60, false=5, diaries=400, days=90, longest=90)
    assert "400 simulated 90-day diaries" in alone.words()


def test_no_sign_says_what_the_diary_could_have_shown_and_how_long_to_smaller() -> None:
    diary = simulate(60, [], seed=8)
    said = plain(analyse(daily_frame(diary.days, diary.episode_dates)))
    assert said.detectable
    assert any(w.startswith("alcohol (") and "per drink)" in w for w in said.detectable)
    sentence = said.detectable_sentence()
    assert sentence.startswith("So far your diary could only show effects about this large: ")
    assert said.days_to_settle is not None
    assert f"About {said.days_to_settle} more days of check-ins, twitch-free days included" in sentence


def test_skipped_days_are_explained_and_a_finding_is_offered_an_experiment() -> None:
    diary = simulate(120, [Effect("alcohol_drinks", 1.6)], seed=3)
    every_other_week = [d for i, d in enumerate(diary.days) if (i // 7) % 3 != 2]
    result = analyse(daily_frame(every_other_week, diary.episode_dates))
    note = next(n for n in result.notes if n.startswith("You checked in on "))
    span = (every_other_week[-1].date - every_other_week[0].date).days + 1
    assert f"{len(every_other_week)} of the {span} days since your first check-in" in note
    assert "unknown, not twitch-free" in note
    assert "alcohol" in plain(result).to_test
    full = analyse(daily_frame(diary.days, diary.episode_dates))
    assert not any(n.startswith("You checked in on ") for n in full.notes)
