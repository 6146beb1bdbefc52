"""The realism bench scores flags as its docstring says, and its frozen first-round baseline runs."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from bench.support import first_round_triggers as first_round
from bench.support.real_diaries import Departures, Effect, simulate_diary, true_effects
from bench.trigger_realism_bench import METHODS, SCENARIOS, Tally, _verdict_flags, main, run_cell

from nasalis.insights.frames import daily_frame


def test_a_hand_made_flag_set_gives_the_expected_figures() -> None:
    tally = Tally()
    # Same-day effects: caffeine found the day before (counts, not at the exact lag), cheese
    # flagged the wrong way (false), stress flagged (false).
    tally.add_effect_diary(
        true_effects(0), {("caffeine_drinks", 1): 1, ("tag:cheese", 0): -1, ("stress", 0): 1}
    )
    # Day-before effects, caffeine found through the morning check-in's coffee count.
    tally.add_effect_diary(true_effects(1), {("morning_caffeine", 1): 1, ("tag:cheese", 1): 1})
    tally.add_null_diary({}, either_way=True)
    tally.add_null_diary({("morning_stress", 0): -1}, either_way=False)
    assert tally.sensitivity("numeric") == 1.0
    assert tally.sensitivity("numeric", exact=True) == 0.5
    assert tally.sensitivity("yes/no") == 0.5
    assert tally.sensitivity("yes/no", exact=True) == 0.5
    assert tally.false_share() == pytest.approx(2 / 5)
    figures = tally.figures()
    assert figures["null_any_likely"] == 0.5
    assert figures["null_likely_protective"] == 0.5
    assert figures["null_same_day_either_way"] == 0.5
    assert figures["null_flags_by_factor"] == {"morning_stress lag 0 -": 1}


def test_a_morning_stress_flag_is_false_and_a_protective_caffeine_flag_is_false() -> None:
    tally = Tally()
    tally.add_effect_diary(
        [Effect("caffeine_drinks", 1.3, 0)], {("morning_stress", 0): 1, ("morning_caffeine", 0): -1}
    )
    assert tally.sensitivity("numeric") == 0.0
    assert tally.false_share() == 1.0


def test_verdicts_become_flags() -> None:
    results = [
        first_round.FactorResult("stress", 0, "numeric", 90, verdict="likely_trigger"),
        first_round.FactorResult("sleep_hours", 1, "numeric", 90, verdict="likely_protective"),
        first_round.FactorResult("caffeine_drinks", 0, "numeric", 90, verdict="same_day_either_way"),
        first_round.FactorResult("water_litres", 0, "numeric", 90, verdict="possible"),
    ]
    assert _verdict_flags(list(results)) == ({("stress", 0): 1, ("sleep_hours", 1): -1}, True)
    averaged = first_round.FactorResult("alcohol_drinks", 0, "numeric", 90, verdict="likely_trigger")
    averaged.lag_days = None  # type: ignore[assignment]
    assert _verdict_flags([averaged]) == ({("alcohol_drinks", 0): 1}, False)


def test_the_first_round_copy_is_self_contained_and_finds_a_strong_trigger() -> None:
    source = Path(first_round.__file__).read_text(encoding="utf-8")
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        a.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for a in node.names
    }
    assert "nasalis" not in imported
    diary = simulate_diary(120, [Effect("tag:cheese", 3.0, 0)], Departures().only("morning"), 11)
    frame = daily_frame(diary.days, diary.episode_times)
    result = first_round.analyse(frame)
    tested = {f.factor for f in result.factors}
    assert "morning_caffeine" in tested
    assert not tested & first_round.OUTCOME_COLUMNS
    verdicts = {(f.factor, f.lag_days): f.verdict for f in result.factors}
    assert verdicts[("tag:cheese", 0)] == "likely_trigger"


def test_a_cell_tallies_every_method_on_the_same_diaries() -> None:
    tallies = run_cell("all+morning", 45, 2, seed_base=0)
    assert set(tallies) == set(METHODS)
    for tally in tallies.values():
        assert tally.null_diaries == 2
        assert sum(tally.effects.values()) == 4
        assert len(tally.seconds) == 4


def test_morning_scenarios_add_only_the_check_in() -> None:
    for name in ("reverse+morning", "all+morning"):
        with_morning = SCENARIOS[name][1]
        assert with_morning.morning == 0.7
        assert with_morning.only("morning", 0) == SCENARIOS[name.removesuffix("+morning")][1]
    assert SCENARIOS["all"][1].morning == 0


def test_json_carries_every_figure_of_every_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    main(["--diaries", "1", "--days", "30,40", "--scenario", "clean,reverse+morning", "--json", str(out)])
    run = json.loads(out.read_text(encoding="utf-8"))
    assert run["seeds"] == "development"
    cells = {(c["scenario"], c["days"], c["method"]) for c in run["cells"]}
    assert len(cells) == 2 * 2 * len(METHODS)
    assert {"false_share", "null_likely_protective", "null_same_day_either_way", "seconds_max"} <= set(
        run["cells"][0]
    )
    printed = capsys.readouterr().out
    assert "| reverse+morning | first round |" in printed


def test_verdicts_are_counted_by_kind_with_their_coincidences() -> None:
    from bench.trigger_realism_bench import count_verdicts

    from nasalis.insights.findings import FactorResult

    def result(factor: str, verdict: str, estimate: float) -> FactorResult:
        return FactorResult(factor, 0, "numeric", "1 drink", 90, estimate=estimate, verdict=verdict)

    tally = Tally()
    count_verdicts(
        tally,
        [
            result("caffeine_drinks", "likely_trigger", 1.3),  # true
            result("tag:cheese", "likely_protective", 0.5),  # wrong direction
            result("stress", "possible", 1.2),  # no true effect
            result("caffeine_drinks", "same_day_either_way", 1.3),  # a real link, direction unclaimed
            result("water_litres", "no_evidence", 1.0),  # not a finding
        ],
        true_effects(0),
    )
    count_verdicts(tally, [result("alcohol_drinks", "same_day_either_way", 1.4)], [])  # a null diary
    assert dict(tally.given) == {"likely": 2, "possible": 1, "same_day_either_way": 2}
    assert dict(tally.wrong) == {"likely": 1, "possible": 1, "same_day_either_way": 1}


def test_write_measured_pools_the_realistic_cells_into_the_file_the_words_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bench.trigger_realism_bench as bench_module

    import nasalis.insights.measured as measured

    target = tmp_path / "measured.json"
    monkeypatch.setattr(bench_module, "MEASURED_PATH", target)
    assert main(["--diaries", "2", "--days", "60", "--scenario", "all", "--write-measured"]) in (0, 1)
    written = json.loads(target.read_text())
    assert written["diaries"] == 4
    assert written["days"] == 60
    assert set(written["verdicts"]) == {"likely", "possible", "same_day_either_way"}
    monkeypatch.setattr(measured, "PATH", target)
    measured.measured.cache_clear()
    try:
        for kind, counts in written["verdicts"].items():
            assert measured.measured()[kind].flags == counts["flags"]
    finally:
        measured.measured.cache_clear()
