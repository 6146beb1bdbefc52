"""The report cut to a period and to chosen sections shows nothing else (both backends)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasalis.assessment import assess, parse_intake
from nasalis.diary import assessments, entries, videos
from nasalis.diary.bundle import Bundle
from nasalis.diary.importer import import_bundle
from nasalis.diary.records import DayRecord, EpisodeRecord
from nasalis.diary.store import Store, open_store
from nasalis.report.render import to_html
from nasalis.report.sections import SECTIONS, SectionError, gather_sections

TODAY = dt.date.today()  # the clip is stamped now by the database: the diary is dated around it
ZONE = dt.timezone(dt.timedelta(hours=2))
FIRST = TODAY - dt.timedelta(days=20)
NOTE = "NOTE-never-shared-4417"


def _day(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def diary(db_url: str) -> Iterator[Store]:
    """The diary below, closed after the test (a PostgreSQL connection left open warns later)."""
    store = _diary(db_url)
    yield store
    store.close()


def _diary(url: str) -> Store:
    """40 days with a check-in, three twitches a day, notes on twitches, a clip, an assessment, a medicine."""
    store = open_store(url)
    person = store.person_id()
    dates = [_day(n) for n in range(40)]
    bundle = Bundle(
        episodes=[
            EpisodeRecord(dt.datetime.combine(d, dt.time(9 + i), ZONE), intensity=3, side="left", note=NOTE)
            for d in dates
            for i in range(3)
        ],
        days=[DayRecord(d, sleep_hours=7.0, tags=("cheese",)) for d in dates],
    )
    import_bundle(store, person, bundle)
    with store.write() as session:
        intake = {"duration_days": 40, "areas": ["nose"]}
        assessments.save(session, person, intake, assess(parse_intake(intake)))
        entries.add_medication(session, person, "Ventolin", "2 puffs")
        entries.add_medication(session, person, "Oldpill", None, _day(39), _day(30))  # stopped before
        entries.add_note(session, person, NOTE)
        clip = videos.create(session, person, "face.mp4", None, attach=False)
        result = {
            "duration_s": 10.0,
            "events": [],
            "events_per_minute": 6.0,
            "by_region": {},
            "blinks_per_minute": 9.0,
        }
        videos.finish(session, clip.id, result, [])
    return store


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_period_leaves_out_every_day_before_it(diary: Store) -> None:
    store = diary
    with store.read() as session:
        data = gather_sections(session, store.person_id(), FIRST, TODAY, SECTIONS, today=TODAY)
    html = to_html(data)
    assert len(data.episodes) == 21 * 3
    assert {d.date for d in data.days} == {FIRST + dt.timedelta(days=n) for n in range(21)}
    for n in range(21, 40):
        assert _day(n).isoformat() not in html, _day(n)
    assert f"Period chosen: {FIRST} to {TODAY}" in _text(html)
    assert "Ventolin" in html
    assert "Oldpill" not in html
    assert "Video measures" in html
    assert "Daily record" in html
    assert "Latest assessment" in html
    assert NOTE not in html  # the report never shows a note


def test_a_period_that_misses_the_clip_and_the_assessment_shows_neither(diary: Store) -> None:
    store = diary
    with store.read() as session:
        data = gather_sections(session, store.person_id(), _day(30), _day(10), SECTIONS, today=TODAY)
    text = _text(to_html(data))
    assert data.video == []
    assert data.assessment is None
    assert "No assessment recorded." in text
    assert TODAY.isoformat() not in text.replace(f"made {TODAY}", "")


@pytest.mark.parametrize(
    "chosen", [("video",), ("diary",), ("summary",), ("experiments",), ("summary", "video")]
)
def test_only_the_chosen_sections_are_shown(diary: Store, chosen: tuple[str, ...]) -> None:
    store = diary
    with store.read() as session:
        data = gather_sections(session, store.person_id(), FIRST, TODAY, chosen, today=TODAY)
    html = to_html(data)
    headings = {
        "summary": ["Latest assessment", "Medicines", "Triggers that held up", "Sources", "Ventolin"],
        "diary": ["Daily record"],
        "video": ["Video measures"],
        "experiments": ["Experiments (randomised"],
    }
    for section, words in headings.items():
        for word in words:
            assert (word in html) == (section in chosen), (section, word)
    assert NOTE not in html
    if "summary" not in chosen:
        assert data.medicines == []
        assert data.assessment is None
    if "summary" not in chosen and "diary" not in chosen:
        assert data.episodes == []
        assert data.days == []


def test_an_unknown_section_or_a_backward_period_names_the_field(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/s.db")
    with store.read() as session, pytest.raises(SectionError, match="no such section 'notes'") as bad:
        gather_sections(session, store.person_id(), FIRST, TODAY, ["summary", "notes"])
    assert bad.value.field == "sections"
    with store.read() as session, pytest.raises(SectionError, match="choose at least one") as none:
        gather_sections(session, store.person_id(), FIRST, TODAY, [])
    assert none.value.field == "sections"
    with store.read() as session, pytest.raises(SectionError) as backward:
        gather_sections(session, store.person_id(), TODAY, FIRST, SECTIONS)
    store.close()
    assert backward.value.field == "last"
