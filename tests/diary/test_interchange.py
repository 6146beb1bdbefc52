"""Import and export per the diary contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from bench.support.builders import generated_diary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nasalis.assessment import assess, parse_intake
from nasalis.diary import (
    assessments,
    clinician_scores,
    entries,
    experiments,
    journal,
    local_dates,
    preferences,
)
from nasalis.diary.bundle import Bundle, InterchangeError
from nasalis.diary.csv_escape import escape_cell, unescape_cell
from nasalis.diary.csv_files import write_folder
from nasalis.diary.factors import BY_NAME, DURATION_MAX_S
from nasalis.diary.importer import import_bundle
from nasalis.diary.interchange import read_any
from nasalis.diary.json_writer import write_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store, open_store
from nasalis.diary.transfer import diary_of
from nasalis.diary.vocab import AREAS, SIDES, SOURCES


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


def exported(store: Store, person: int) -> tuple[list[EpisodeRecord], list[DayRecord]]:
    with store.read() as s:
        return (
            [entries.episode_record(e) for e in local_dates.episodes_on(s, person)],
            [entries.day_record(d) for d in entries.days_between(s, person)],
        )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_folder_import_is_idempotent(store: Store, tmp_path: Path) -> None:
    write(
        tmp_path / "in" / "episodes.csv",
        "started_at,duration_s,intensity,side,areas,source,note\n"
        "2026-03-02T08:15:00+01:00,2.5,6,left,nose;cheek,manual,after coffee\n"
        "2026-03-02T12:00:00+01:00,,3,,,video,\n",
    )
    write(
        tmp_path / "in" / "days.csv",
        "date,sleep_hours,stress,caffeine_drinks,tags,pollen\n2026-03-02,6.5,7,4,cheese;long_drive,3\n"
        "2026-03-03,8,2,0,,\n",
    )
    me = store.person_id()
    first = import_bundle(store, me, read_any(tmp_path / "in"))
    second = import_bundle(store, me, read_any(tmp_path / "in"))
    assert (first.episodes_added, first.days_added) == (2, 2)
    assert (second.episodes_added, second.days_added, second.episodes_skipped) == (0, 0, 2)
    eps, days = exported(store, me)
    assert [e.source for e in eps] == ["manual", "video"]
    assert days[0].factors == {"pollen": 3.0}
    assert days[1].tags is None


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        (
            "episodes.csv",
            "started_at,intensity\n2026-03-02T08:15:00Z,5\n2026-03-02T09:15:00Z,11\n",
            "episodes.csv, line 3, column 2 (intensity): must be from 1 to 10",
        ),
        (
            "episodes.csv",
            "started_at,intensity\n2026-03-02T08:15:00,5\n",
            "episodes.csv, line 2, column 1 (started_at)",
        ),
        (
            "episodes.csv",
            "intensity\n5\n",
            "episodes.csv, line 1: the header has no 'started_at' column",
        ),
        (
            "episodes.csv",
            "started_at,intensity\n2026-03-02T08:15:00Z,5,9\n",
            "episodes.csv, line 2: 3 cells",
        ),
        (
            "episodes.csv",
            "started_at\n2026-03-02T08:15:00Z\n2026-03-02T09:15:00+01:00\n",
            "episodes.csv, line 3: an episode at 2026-03-02T09:15:00+01:00"
            " is already at episodes.csv, line 2",
        ),
        (
            "days.csv",
            "date,stress\n2026-03-02,4\n\n2026-13-01,4\n",
            "days.csv, line 4, column 1 (date)",
        ),
        ("days.csv", "", "days.csv, line 1: the file is empty"),
        (
            "days.csv",
            "date,pollen\n2026-03-02,lots\n",
            "days.csv, line 2, column 2 (pollen): must be a number",
        ),
    ],
)
def test_bad_csv_names_file_line_column_and_changes_nothing(
    store: Store, tmp_path: Path, name: str, text: str, where: str
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(InterchangeError) as info:
        import_bundle(store, store.person_id(), read_any(path))
    assert where in str(info.value)
    assert exported(store, store.person_id()) == ([], [])


def test_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_bytes(b"date,tags\n2026-03-02,caf\xe9\n")
    with pytest.raises(InterchangeError, match=r"days.csv, line 2: not UTF-8"):
        read_any(path)


def test_json_bundle_errors_name_line_and_field(tmp_path: Path) -> None:
    good = {
        "schema": "nasalis.diary/1",
        "days": [{"date": "2026-03-02"}],
        "episodes": [
            {"started_at": "2026-03-02T08:15:00Z"},
            {"started_at": "2026-03-02T09:00:00Z", "intensity": 0},
        ],
    }
    path = write(tmp_path / "b.json", json.dumps(good, indent=2))
    with pytest.raises(InterchangeError) as info:
        read_any(path)
    message = str(info.value)
    lines = json.dumps(good, indent=2).splitlines()
    after = lines.index('  "episodes": [')
    line = [i for i, text in enumerate(lines) if text == "    {" and i > after][1] + 1
    assert f"b.json, line {line}, episodes[1], field 'intensity'" in message
    write(tmp_path / "c.json", '{"schema": "nasalis.diary/1",\n "days": [\n')
    with pytest.raises(InterchangeError, match=r"c.json, line 3, column 1"):
        read_any(tmp_path / "c.json")
    write(tmp_path / "d.json", '{"days": []}')
    with pytest.raises(InterchangeError, match="not a diary bundle"):
        read_any(tmp_path / "d.json")


def test_json_bundle_ignores_unknown_top_level_keys(tmp_path: Path) -> None:
    data = {
        "schema": "nasalis.diary/1",
        "profile": {"name": "x"},
        "videos": [],
        "days": [{"date": "2026-03-02", "tags": ["a"], "factors": {"pollen": 2}}],
        "episodes": [],
    }
    bundle = read_any(write(tmp_path / "b.json", json.dumps(data)))
    assert bundle.days[0].factors == {"pollen": 2.0}


def test_a_bad_last_row_rejects_the_whole_file(store: Store, tmp_path: Path) -> None:
    diary = generated_diary(30, 100)
    write_folder(tmp_path / "ok", diary.episodes, diary.days)
    text = (tmp_path / "ok" / "episodes.csv").read_text() + "2030-01-01T00:00:00Z,,99,,,,\n"
    write(tmp_path / "bad" / "episodes.csv", text)
    with pytest.raises(InterchangeError, match="line 102"):
        import_bundle(store, store.person_id(), read_any(tmp_path / "bad"))
    assert exported(store, store.person_id()) == ([], [])


def test_undo_takes_back_a_whole_import(store: Store) -> None:
    me = store.person_id()
    import_bundle(store, me, generated_diary(20, 50))
    with store.write() as s:
        assert journal.undo_last(s, me) == "undid: import: 50 episodes, 20 days"
    assert exported(store, me) == ([], [])


offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
instants = st.builds(
    lambda d, z: d.replace(tzinfo=z),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2026, 1, 1)),
    offsets,
)
T = TypeVar("T")


def maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """This strategy's values, or None."""
    return st.none() | strategy


# Control characters are refused in every text field, so the round trip draws none.
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
labels = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=";"),
    min_size=1,
    max_size=20,
)
labels = labels.map(str.strip).filter(bool)
numbers = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)  # a factor of one's own is unbounded


def within(name: str) -> st.SearchStrategy[float]:
    """Any value the declaration of this day factor allows."""
    f = BY_NAME[name]
    return st.floats(f.low, f.high, allow_nan=False, allow_infinity=False)


episode_records = st.builds(
    EpisodeRecord,
    started_at=instants,
    duration_s=maybe(st.floats(0, DURATION_MAX_S)),
    intensity=maybe(st.integers(1, 10)),
    side=maybe(st.sampled_from(SIDES)),
    areas=maybe(st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique=True).map(tuple)),
    source=st.sampled_from(SOURCES),
    note=maybe(texts.filter(lambda t: t.strip() == t and t != "")),
)
day_records = st.builds(
    DayRecord,
    date=st.dates(dt.date(1990, 1, 1), dt.date(2026, 1, 1)),
    sleep_hours=maybe(within("sleep_hours")),
    stress=maybe(st.integers(0, 10)),
    caffeine_drinks=maybe(within("caffeine_drinks")),
    alcohol_drinks=maybe(within("alcohol_drinks")),
    water_litres=maybe(within("water_litres")),
    exercise_minutes=maybe(within("exercise_minutes")),
    allergy_symptoms=maybe(st.booleans()),
    tags=maybe(st.lists(labels, min_size=1, max_size=3, unique=True).map(tuple)),
    factors=st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True), numbers, max_size=3),
)


def _unique(bundle: Bundle) -> Bundle:
    eps = {e.started_at.timestamp(): e for e in bundle.episodes}
    days = {d.date: d for d in bundle.days}
    out = Bundle(
        sorted(eps.values(), key=lambda e: e.started_at),
        sorted(days.values(), key=lambda d: d.date),
    )
    out.episode_lines = [f"e{i}" for i in range(len(out.episodes))]
    out.day_lines = [f"d{i}" for i in range(len(out.days))]
    return out


bundles = st.builds(
    lambda e, d: _unique(Bundle(e, d)),
    st.lists(episode_records, max_size=8),
    st.lists(day_records, max_size=8),
)
_handles = iter(range(10**9))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bundle=bundles)
def test_export_then_import_gives_back_the_same_diary(
    store: Store, tmp_path_factory: pytest.TempPathFactory, bundle: Bundle
) -> None:
    """Value for value, through the store and through both file formats."""
    folder = tmp_path_factory.mktemp("rt")
    source, target = (
        store.person_id(f"src{next(_handles)}"),
        store.person_id(f"dst{next(_handles)}"),
    )
    import_bundle(store, source, bundle)
    eps, days = exported(store, source)
    assert (eps, days) == (bundle.episodes, bundle.days)
    write_folder(folder / "csv", eps, days)
    write_bundle(folder / "b.json", eps, days)
    for path in (folder / "csv", folder / "b.json"):
        again = read_any(path)
        assert (again.episodes, again.days) == (eps, days), path.name
    import_bundle(store, target, read_any(folder / "csv"))
    assert exported(store, target) == (eps, days)


@given(texts)
def test_formula_escaping_is_lossless_and_neutralises(text: str) -> None:
    cell = escape_cell(text)
    assert unescape_cell(cell) == text
    assert not cell.startswith(("=", "+", "-", "@"))


def _full_diary(store: Store, person: int) -> None:
    """A diary with something of every kind the JSON bundle carries."""
    import_bundle(store, person, generated_diary(10, 12, start=dt.date(2025, 3, 1)))
    intake = {"age_years": 41, "duration_days": 90, "trend": "same", "areas": ["nose"]}
    with store.write() as s:
        entries.add_medication(s, person, "Ventolin", "2 puffs", dt.date(2025, 1, 5))
        entries.add_medication(s, person, "sertraline", None, dt.date(2024, 6, 1), dt.date(2025, 2, 1))
        entries.add_note(s, person, "Twitching worse after the long drive,\nand =1+1 is not a formula")
        assessments.save(s, person, intake, assess(parse_intake(intake)))
        experiments.save(s, person, "no coffee after noon", dt.date(2025, 3, 1), 7, 2, ["A", "B", "B", "A"])
        stopped = experiments.save(s, person, "earlier bedtime", dt.date(2025, 4, 1), 5, 1, ["B", "A"])
        experiments.stop(s, person, stopped, dt.date(2025, 4, 4))
        score = clinician_scores.build_score(
            "Hemifacial spasm grade", "Grade II", "2025-03-10", "Dr Okafor", "letter"
        )
        clinician_scores.record_score(s, person, score)
        preferences.save(
            s, person, {"units": "imperial", "reminder_time": "20:30", "name": "Sam", "age_years": "41"}
        )


def test_the_json_bundle_carries_everything_and_imports_it_back(store: Store, tmp_path: Path) -> None:
    """Medicines, notes, assessments, experiments and settings go out and come back, value for value."""
    source, target = store.person_id("full-src"), store.person_id("full-dst")
    _full_diary(store, source)
    with store.read() as s:
        before = diary_of(s, source)
    assert (len(before.extras.medications), len(before.extras.notes)) == (2, 1)
    assert (len(before.extras.assessments), len(before.extras.experiments)) == (1, 2)
    write_bundle(tmp_path / "all.json", before.episodes, before.days, before.extras)
    result = import_bundle(store, target, read_any(tmp_path / "all.json"))
    assert result.extras_added == [
        (2, "medicine", "medicines"),
        (1, "note", "notes"),
        (1, "assessment", "assessments"),
        (2, "experiment", "experiments"),
        (1, "clinician score", "clinician scores"),
    ]
    assert result.settings_added
    with store.read() as s:
        after = diary_of(s, target)
        matched = {m.name: m.matched for m in entries.medications_of(s, target)}
    assert after == before
    assert matched["Ventolin"] == "salbutamol"  # the lexicon match is made again on import
    again = import_bundle(store, target, read_any(tmp_path / "all.json"))
    assert not again.anything_added
    assert again.extras_skipped == 7
    with store.write() as s:
        assert journal.undo_last(s, target) == (
            "undid: import: 12 episodes, 10 days, 2 medicines, 1 note, 1 assessment, 2 experiments, "
            "1 clinician score"
        )
    with store.read() as s:
        emptied = diary_of(s, target).extras
    # Settings stay (an import never overwrites them, so undo leaves them); everything else goes.
    assert (emptied.medications, emptied.notes, emptied.assessments, emptied.experiments) == ([], [], [], [])
    assert emptied.clinician_scores == []


def test_an_import_keeps_the_settings_already_saved(store: Store, tmp_path: Path) -> None:
    source, target = store.person_id("prefs-src"), store.person_id("prefs-dst")
    _full_diary(store, source)
    with store.write() as s:
        preferences.save(s, target, {"units": "metric", "reminder_time": "07:00"})
        write_bundle(tmp_path / "b.json", [], [], diary_of(s, source).extras)
    assert not import_bundle(store, target, read_any(tmp_path / "b.json")).settings_added
    with store.read() as s:
        assert preferences.get(s, target)["reminder_time"] == "07:00"


@pytest.mark.parametrize(
    ("key", "item", "where"),
    [
        (
            "medications",
            {"name": " ", "started_on": "2025-13-01"},
            "medications[1], field 'name': is required; field 'started_on'",
        ),
        (
            "medications",
            {"name": "x", "started_on": "2025-02-01", "stopped_on": "2025-01-01"},
            "field 'stopped_on': is before started_on",
        ),
        (
            "notes",
            {"written_at": "2025-03-02T08:00:00", "text": "hi"},
            "notes[1], field 'written_at': needs a UTC offset",
        ),
        (
            "notes",
            {"written_at": "2999-03-02T08:00:00Z", "text": "hi"},
            "field 'written_at': is in the future",
        ),
        (
            "experiments",
            {
                "title": "t",
                "start_date": "2025-03-01",
                "block_days": 7,
                "washout_days": 2,
                "schedule": ["A", "C"],
            },
            "field 'schedule'",
        ),
        (
            "experiments",
            {"title": "t", "start_date": "2025-03-01", "block_days": 3, "washout_days": 3, "schedule": ["A"]},
            "field 'washout_days': must be shorter",
        ),
        (
            "clinician_scores",
            {"scale": "JRS", "value": "", "rated_on": "2025-03-02"},
            "clinician_scores[1], field 'value': is required",
        ),
        (
            "clinician_scores",
            {"scale": "JRS", "value": "2", "rated_on": "2025-03-02", "computed": True},
            "clinician_scores[1], field 'computed': is not a field of a clinician score",
        ),
        (
            "assessments",
            {"at": "2025-03-02T08:00:00Z", "level": "fine", "intake": {}, "result": {}},
            "assessments[1], field 'level': must be one of",
        ),
        (
            "assessments",
            {
                "at": "2025-03-02T08:00:00Z",
                "level": "self_care",
                "intake": {},
                "result": {"schema": "nasalis.assessment/1", "level": "self_care", "reasons": [{"says": 1}]},
            },
            "field 'result': its headline or reasons",
        ),
    ],
)
def test_bad_extras_name_line_and_field_and_nothing_is_imported(
    store: Store, tmp_path: Path, key: str, item: dict[str, object], where: str
) -> None:
    good = {
        "medications": {"name": "Ventolin"},
        "notes": {"written_at": "2025-03-02T08:00:00Z", "text": "ok"},
        "experiments": {
            "title": "t",
            "start_date": "2025-03-01",
            "block_days": 7,
            "washout_days": 2,
            "schedule": ["A", "B"],
        },
        "clinician_scores": {"scale": "JRS", "value": "2", "rated_on": "2025-03-01"},
        "assessments": {
            "at": "2025-03-01T08:00:00Z",
            "level": "self_care",
            "intake": {},
            "result": {"schema": "nasalis.assessment/1", "level": "self_care"},
        },
    }
    data = {
        "schema": "nasalis.diary/1",
        "episodes": [{"started_at": "2025-03-02T08:15:00Z"}],
        key: [good[key], item],
    }
    text = json.dumps(data, indent=1)
    path = write(tmp_path / "x.json", text)
    with pytest.raises(InterchangeError) as info:
        import_bundle(store, store.person_id(), read_any(path))
    line = text.splitlines().index(f' "{key}": [') + 1 + len(json.dumps(good[key], indent=1).splitlines()) + 1
    message = str(info.value)
    assert message.startswith(f"x.json, line {line}, {key}[1], ")
    assert where in message
    assert exported(store, store.person_id()) == ([], [])
