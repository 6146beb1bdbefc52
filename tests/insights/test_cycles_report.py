"""load_cycles on a real diary (both backends): treatments and medicines read, nasalis.cycles/1 out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import jsonschema_rs
import numpy as np
import pytest
from bench.support.cycle_sim import share_curve
from tools import json_schemas as schemas

from nasalis.diary.bundle import Bundle
from nasalis.diary.entries import add_medication
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store, open_store
from nasalis.diary.treatments import TreatmentRecord, add_treatment
from nasalis.insights.cycles_report import SCHEMA, load_cycles

START = dt.date(2025, 9, 1)
INJECTION = START + dt.timedelta(days=60)
ZONE = dt.timezone(dt.timedelta(hours=1))
CYCLE_KEYS = [
    "date",
    "kind",
    "product",
    "days_followed",
    "baseline_per_day",
    "best_per_day",
    "relative_change",
    "onset_day",
    "onset_day_ci",
    "wear_off_day",
    "wear_off_day_ci",
    "status",
]
CHANGE_KEYS = ["name", "change", "date", "rate_ratio", "ci", "verdict", "warnings"]


def cycle_bundle(seed: int = 3, days: int = 200) -> Bundle:
    """A diary with one injection on day 60: 80% fewer twitches from day 5, worn off at day 70."""
    rng = np.random.default_rng(seed)
    t = np.arange(days, dtype=np.float64) - 60
    mean = 8.0 * (1 - 0.8 * share_curve(t, 5.0, 35.0, 70.0))
    counts = rng.poisson(mean * rng.gamma(4.0, 0.25, days))
    episodes = [
        EpisodeRecord(
            started_at=dt.datetime.combine(START + dt.timedelta(days=i), dt.time(8), ZONE)
            + dt.timedelta(minutes=k)
        )
        for i, n in enumerate(counts)
        for k in range(int(n))
    ]
    return Bundle(episodes, [DayRecord(date=START + dt.timedelta(days=i)) for i in range(days)])


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The cycle diary, its injection and a medicine started on day 150."""
    opened = open_store(db_url)
    person = opened.person_id()
    import_bundle(opened, person, cycle_bundle())
    with opened.write() as session:
        add_treatment(session, person, TreatmentRecord(INJECTION, "botulinum_toxin", "Botox", 25.0))
        add_medication(session, person, "Carbamazepine", "100 mg", START + dt.timedelta(days=150))
    yield opened
    opened.close()


def test_the_contract_from_a_real_diary(store: Store) -> None:
    with store.read() as session:
        body = load_cycles(session, store.person_id()).to_json()
    assert body["schema"] == SCHEMA
    (cycle,) = body["cycles"]
    assert list(cycle)[: len(CYCLE_KEYS)] == CYCLE_KEYS
    assert (cycle["date"], cycle["kind"], cycle["product"]) == (
        INJECTION.isoformat(),
        "botulinum_toxin",
        "Botox",
    )
    assert cycle["status"] == "complete"
    assert cycle["days_followed"] == 140
    assert abs(cycle["onset_day"] - 5) <= 7
    assert abs(cycle["wear_off_day"] - 70) <= 7
    low, high = cycle["wear_off_day_ci"]
    assert low <= cycle["wear_off_day"] <= high
    assert cycle["sentence"].startswith("cycle 1: effect from day ")
    (change,) = body["medicine_changes"]
    assert list(change)[: len(CHANGE_KEYS)] == CHANGE_KEYS
    assert (change["name"], change["change"]) == ("Carbamazepine", "start")
    assert change["verdict"] in ("no clear effect", "not enough data")  # nothing changed on day 150
    assert "prescriber" in body["note"]


def test_the_output_matches_its_schema_and_the_schema_refuses_a_wrong_status(store: Store) -> None:
    validator = jsonschema_rs.validator_for(json.loads((schemas.FOLDER / "cycles.json").read_text("utf-8")))
    with store.read() as session:
        body = load_cycles(session, store.person_id()).to_json()
    assert list(validator.iter_errors(body)) == []
    body["cycles"][0]["status"] = "finished"
    assert list(validator.iter_errors(body)) != []


def test_since_leaves_out_earlier_treatments_and_other_people_see_nothing(store: Store) -> None:
    with store.read() as session:
        later = load_cycles(session, store.person_id(), since=INJECTION + dt.timedelta(days=1))
        other = load_cycles(session, store.person_id("account:someone"))
    assert later.cycles == []
    assert len(later.medicine_changes) == 1
    assert other.cycles == []
    assert other.medicine_changes == []


def test_since_just_before_a_treatment_still_reads_its_baseline(store: Store) -> None:
    """`since` chooses the treatments; each still gets its 28 days before, which the diary has."""
    with store.read() as session:
        whole = load_cycles(session, store.person_id()).cycles[0]
        cut = load_cycles(session, store.person_id(), since=INJECTION - dt.timedelta(days=3)).cycles[0]
    assert cut.status == whole.status
    assert cut.baseline_per_day == whole.baseline_per_day


def test_a_treatment_with_nothing_logged_since_is_followed_for_no_days(db_url: str) -> None:
    """Days followed end at the last logged day: none since the treatment is 0, not the calendar."""
    opened = open_store(db_url)
    try:
        person = opened.person_id()
        days = [DayRecord(date=START + dt.timedelta(days=i)) for i in range(20)]
        import_bundle(opened, person, Bundle([], days))
        with opened.write() as session:
            add_treatment(session, person, TreatmentRecord(INJECTION, "botulinum_toxin", None, None))
            procedure = TreatmentRecord(START + dt.timedelta(days=10), "procedure", None, None)
            add_treatment(session, person, procedure)
        with opened.read() as session:
            later, earlier = sorted(load_cycles(session, person).cycles, key=lambda c: c.date, reverse=True)
    finally:
        opened.close()
    assert (later.days_followed, later.status) == (0, "not_enough_data")
    assert earlier.days_followed == 10  # days 0-9 logged, the diary's last day is day 9
