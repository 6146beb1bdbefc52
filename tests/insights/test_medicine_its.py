"""Medicine changes: the interrupted time series, the peak warning and how changes are read."""

from __future__ import annotations

import datetime as dt

import numpy as np
from bench.support.cycle_sim import medicine_case

from nasalis.diary.models import Medication
from nasalis.insights.cycles_report import change_sentence, medicine_changes
from nasalis.insights.medicine_its import PEAK_WARNINGS, MedicineChange, analyse_change


def _verdicts(ratio: float, after: int, peak: bool, n: int, seed: int) -> list[str]:
    out = []
    for i in range(n):
        case = medicine_case(np.random.default_rng(seed + i), ratio, after, peak)
        change = MedicineChange("m", "start", case.started, None)
        out.append(analyse_change(case.counts, change, case.last).verdict)
    return out


def test_a_halving_is_found_and_null_changes_rarely_get_a_verdict() -> None:
    helped = _verdicts(0.3, 56, False, 20, 100)
    assert helped.count("helps") >= 15
    null = _verdicts(1.0, 56, False, 60, 200)
    assert sum(v != "no clear effect" for v in null) <= 6  # 5% of 60 is 3; room for chance
    worse = _verdicts(2.5, 56, False, 10, 300)
    assert worse.count("makes it worse") >= 7


def test_a_start_at_a_peak_is_warned_about_and_not_called_helpful() -> None:
    cases = [medicine_case(np.random.default_rng(400 + i), 1.0, 56, True) for i in range(30)]
    results = [analyse_change(c.counts, MedicineChange("m", "start", c.started, None), c.last) for c in cases]
    warned = [r for r in results if PEAK_WARNINGS["start"] in r.warnings]
    assert len(warned) >= 3  # of the peaks found, those that a fall followed (4 of 15 here)
    assert all(r.rate_ratio is not None and r.rate_ratio < 1 for r in warned)
    assert sum(r.verdict == "helps" for r in results) <= 3


def test_the_peak_warning_names_the_change_and_only_explains_a_fall() -> None:
    # A stop made at a peak and followed by more twitching has no fall for the peak to explain.
    for i in range(20):
        case = medicine_case(np.random.default_rng(500 + i), 2.5, 56, True)
        risen = analyse_change(case.counts, MedicineChange("m", "stop", case.started, None), case.last)
        assert risen.warnings == [] or (risen.rate_ratio or 1) < 1
    fallen = [
        analyse_change(c.counts, MedicineChange("m", "stop", c.started, None), c.last)
        for c in (medicine_case(np.random.default_rng(600 + i), 0.4, 56, True) for i in range(20))
    ]
    assert any(PEAK_WARNINGS["stop"] in r.warnings for r in fallen)
    assert not any(PEAK_WARNINGS["start"] in r.warnings for r in fallen)


def test_too_few_days_after_is_not_enough_data() -> None:
    case = medicine_case(np.random.default_rng(1), 0.5, 10, False)
    result = analyse_change(case.counts, MedicineChange("m", "start", case.started, None), case.last)
    assert (result.verdict, result.rate_ratio, result.ci) == ("not enough data", None, None)
    assert "not enough logged days" in change_sentence(result)


def test_starts_stops_and_dose_changes_are_read_from_the_medicines() -> None:
    day = dt.date(2026, 1, 1)

    def med(name: str, dose: str, start: int | None, stop: int | None) -> Medication:
        return Medication(
            person_id=1,
            name=name,
            dose=dose,
            started_on=None if start is None else day + dt.timedelta(days=start),
            stopped_on=None if stop is None else day + dt.timedelta(days=stop),
        )

    changes = medicine_changes(
        [
            med("Carbamazepine", "100 mg", 0, 60),
            med("carbamazepine", "200 mg", 61, None),
            med("Magnesium", "300 mg", 10, 90),
            med("Prednisolone", "5 mg", 30, 30),  # one day: neither a start nor a stop to analyse
        ]
    )
    read = [(c.name.lower(), c.change, (c.date - day).days) for c in changes]
    assert read == [
        ("carbamazepine", "start", 0),
        ("magnesium", "start", 10),
        ("carbamazepine", "dose_change", 61),
        ("magnesium", "stop", 90),
    ]
    dose = changes[2]
    assert dose.since == day
    assert dose.until is None


def test_the_words_report_what_followed_and_never_advise() -> None:
    case = medicine_case(np.random.default_rng(7), 0.3, 56, False)
    result = analyse_change(
        case.counts, MedicineChange("Carbamazepine", "stop", case.started, None), case.last
    )
    sentence = change_sentence(result)
    assert sentence.startswith("After stopping Carbamazepine on ")
    assert "fewer twitches a day" in sentence
    for advice in ("you should", "stop taking", "keep taking"):
        assert advice not in sentence.lower()


def test_the_verdict_of_a_stop_speaks_of_the_medicine_never_of_stopping() -> None:
    """Fewer twitches after a stop is never "stop: helps" (read as advice to stop a medicine)."""
    case = medicine_case(np.random.default_rng(500), 0.3, 56, False)
    started = analyse_change(case.counts, MedicineChange("m", "start", case.started, None), case.last)
    stopped = analyse_change(case.counts, MedicineChange("m", "stop", case.started, None), case.last)
    assert started.verdict == "helps"
    assert stopped.verdict == "makes it worse"
