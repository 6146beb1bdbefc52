"""Field rules: every bad value is named, every good one is read the same from CSV or JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from nasalis.diary.records import FieldError, build_day, build_episode


def test_episode_from_text_and_from_json_agree() -> None:
    text = build_episode(
        {
            "started_at": "2026-03-02T08:15:00+01:00",
            "duration_s": "2.5",
            "intensity": "7",
            "side": "left",
            "areas": "nose;cheek",
            "note": "x",
        },
        text=True,
    )
    json = build_episode(
        {
            "started_at": "2026-03-02T08:15:00+01:00",
            "duration_s": 2.5,
            "intensity": 7,
            "side": "left",
            "areas": ["nose", "cheek"],
            "note": "x",
        },
        text=False,
    )
    assert text == json
    assert text.started_at.utcoffset() == dt.timedelta(hours=1)
    assert text.source == "manual"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({}, "started_at", "required"),
        ({"started_at": "2026-03-02T08:15:00"}, "started_at", "UTC offset"),
        ({"started_at": "yesterday"}, "started_at", "ISO 8601"),
        ({"started_at": "2026-03-02T08:15:00Z", "intensity": "11"}, "intensity", "from 1 to 10"),
        ({"started_at": "2026-03-02T08:15:00Z", "intensity": "2.5"}, "intensity", "whole number"),
        ({"started_at": "2026-03-02T08:15:00Z", "duration_s": "-1"}, "duration_s", "from 0"),
        ({"started_at": "2026-03-02T08:15:00Z", "duration_s": "nan"}, "duration_s", "finite"),
        ({"started_at": "2026-03-02T08:15:00Z", "side": "up"}, "side", "one of"),
        ({"started_at": "2026-03-02T08:15:00Z", "areas": "nose;toe"}, "areas", "'toe'"),
        ({"started_at": "2026-03-02T08:15:00Z", "source": "guess"}, "source", "one of"),
        ({"started_at": "2026-03-02T08:15:00Z", "note": "x" * 5001}, "note", "longer"),
        ({"started_at": "2026-03-02T08:15:00Z", "colour": "red"}, "colour", "not an episode field"),
    ],
)
def test_bad_episode_fields_are_named(values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(FieldError) as info:
        build_episode(values, text=True)
    assert info.value.field == field
    assert words in info.value.message


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"date": "2026-03-01", "sleep_hours": "25"}, "sleep_hours"),
        ({"date": "2026-03-01", "stress": "11"}, "stress"),
        ({"date": "2026-03-01", "allergy_symptoms": "yes"}, "allergy_symptoms"),
        ({"date": "2026-03-01", "tags": "a;" + "b" * 61}, "tags"),
        ({"date": "2026-03-01", "pollen": "high"}, "pollen"),
        ({"date": "2026-03-01", "bad name!": "1"}, "bad name!"),
    ],
)
def test_bad_day_fields_are_named(values: dict[str, str], field: str) -> None:
    with pytest.raises(FieldError) as info:
        build_day(values, text=True)
    assert info.value.field == field


def test_json_types_are_strict() -> None:
    with pytest.raises(FieldError, match="intensity"):
        build_episode({"started_at": "2026-03-02T08:15:00Z", "intensity": "7"}, text=False)
    with pytest.raises(FieldError, match="caffeine_drinks"):
        build_day({"date": "2026-03-01", "caffeine_drinks": True}, text=False)


def test_empty_cells_are_unknown_and_custom_columns_are_factors() -> None:
    day = build_day(
        {"date": "2026-03-01", "sleep_hours": "", "tags": "", "pollen": "2", "cheese": ""},
        text=True,
    )
    assert day.sleep_hours is None
    assert day.tags is None
    assert day.factors == {"pollen": 2.0}


def test_a_twitch_or_a_day_in_the_future_is_refused_with_a_few_minutes_of_grace() -> None:
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    soon = (now + dt.timedelta(minutes=5)).isoformat()  # clocks differ by minutes: allowed
    assert build_episode({"started_at": soon}, text=True, now=now).started_at.minute == 5
    later = (now + dt.timedelta(hours=1)).isoformat()
    with pytest.raises(FieldError, match="in the future") as refused:
        build_episode({"started_at": later}, text=True, now=now)
    assert refused.value.field == "started_at"
    # Kiritimati (UTC+14) already has 2 June when UTC is at noon on 1 June: its today is allowed.
    assert build_day({"date": "2026-06-02"}, text=True, now=now).date == dt.date(2026, 6, 2)
    with pytest.raises(FieldError, match="in the future"):
        build_day({"date": "2026-06-03"}, text=True, now=now)


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(FieldError) as refused:
        build_day({"date": "2026-01-01", "stress": "15", "sleep_hours": "-1", "tags": "ok"}, text=True)
    assert refused.value.errors == {
        "sleep_hours": "must be from 0 to 24 (got -1)",
        "stress": "must be from 0 to 10 (got 15)",
    }
