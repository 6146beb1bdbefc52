"""What a person does every day, without JavaScript: undo of the named change, past days, errors."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of


def _token(client: TestClient) -> str:
    return csrf_of(client.get("/").text)


def _change_of(location: str) -> str:
    found = re.search(r"change=(\d+)", location)
    assert found, location
    return found.group(1)


def test_undo_takes_back_the_change_its_message_names(personal: TestClient) -> None:
    token = _token(personal)
    logged = personal.post("/episodes", data={"csrf_token": token}, follow_redirects=False)
    twitch_page = logged.headers["location"]
    personal.post("/day", data={"csrf_token": token, "stress": "3"})
    personal.post("/day", data={"csrf_token": token, "stress": "5"})  # the latest change: an edit
    # Back to the page that says "Twitch logged": its Undo names that twitch, not the edit.
    again = personal.get(twitch_page).text
    assert "Twitch logged" in again
    change = _change_of(twitch_page)
    assert f'name="change" value="{change}"' in again
    undone = personal.post("/undo", data={"csrf_token": token, "change": change, "back": "/"})
    assert "Removed again: twitch at" in undone.text
    assert personal.get("/api/episodes").json() == []
    assert personal.get("/api/days").json()[0]["stress"] == 5  # the later edit is untouched
    # A reload of the old page no longer offers an Undo that would do something else.
    reloaded = personal.get(twitch_page).text
    assert "This was undone later" in reloaded
    assert 'action="/undo"' not in reloaded
    twice = personal.post("/undo", data={"csrf_token": token, "change": change, "back": "/"})
    assert "can no longer be undone" in twice.text
    assert personal.get("/api/days").json()[0]["stress"] == 5


def test_undo_refuses_a_change_that_a_later_one_altered(personal: TestClient) -> None:
    token = _token(personal)
    first = personal.post("/day", data={"csrf_token": token, "stress": "3"}, follow_redirects=False)
    personal.post("/day", data={"csrf_token": token, "stress": "8"})
    page = personal.get(first.headers["location"]).text
    assert 'action="/undo"' not in page  # undoing the first would wipe the second
    refused = personal.post(
        "/undo", data={"csrf_token": token, "change": _change_of(first.headers["location"])}
    )
    assert "can no longer be undone" in refused.text
    assert personal.get("/api/days").json()[0]["stress"] == 8


def test_future_times_and_days_are_refused_everywhere(personal: TestClient) -> None:
    token = _token(personal)
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).isoformat()
    api = personal.post("/api/episodes", json={"started_at": future})
    assert api.status_code == 422
    assert "future" in api.text
    next_week = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert personal.put(f"/api/days/{next_week}", json={"stress": 2}).status_code == 422
    personal.post("/episodes", data={"csrf_token": token})
    (stored,) = personal.get("/api/episodes").json()
    edit = personal.post(
        f"/diary/episodes/{stored['id']}",
        data={"csrf_token": token, "started_at": "2027-06-01T10:00", "offset": "+00:00", "intensity": "4"},
    )
    assert edit.status_code == 422
    assert 'aria-invalid="true" aria-describedby="started_at-error"' in edit.text
    assert 'value="2027-06-01T10:00"' in edit.text  # what was typed stays in the form
    assert personal.get("/api/episodes").json() == [stored]
    assert personal.get(f"/diary/day/{next_week}").status_code == 404


def test_check_in_errors_show_beside_each_field_and_keep_what_was_typed(personal: TestClient) -> None:
    token = _token(personal)
    bad = personal.post(
        "/day", data={"csrf_token": token, "stress": "15", "sleep_hours": "30", "caffeine_drinks": "2"}
    )
    assert bad.status_code == 422
    assert "2 things need fixing; nothing was saved" in bad.text
    for field in ("stress", "sleep_hours"):
        assert f'aria-invalid="true" aria-describedby="{field}-error"' in bad.text
        assert f'id="{field}-error"' in bad.text
    assert (
        'id="caffeine_drinks" name="caffeine_drinks" type="number" min="0" step="1" inputmode="decimal"'
        ' value="2"' in bad.text
    )
    assert "Must be from 0 to 10 (got 15)" in bad.text
    assert personal.get("/api/days").json() == []


def test_a_past_day_gets_a_twitch_and_a_check_in(personal: TestClient) -> None:
    token = _token(personal)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    page = personal.get(f"/diary/day/{yesterday}")
    assert page.status_code == 200
    assert "None logged on this day" in page.text
    added = personal.post(f"/diary/day/{yesterday}/episodes", data={"csrf_token": token, "time": "14:30"})
    assert added.status_code == 200
    assert "14:30" in added.text
    (twitch,) = personal.get("/api/episodes").json()
    assert twitch["started_at"].startswith(f"{yesterday}T14:30")
    bad_time = personal.post(f"/diary/day/{yesterday}/episodes", data={"csrf_token": token, "time": "25:00"})
    assert bad_time.status_code == 422
    assert 'aria-describedby="time-error"' in bad_time.text
    saved = personal.post(
        f"/diary/day/{yesterday}/check-in",
        data={"csrf_token": token, "sleep_hours": "6", "tags": "gym; cheese"},
    )
    assert saved.status_code == 200
    (day,) = personal.get("/api/days").json()
    assert (day["date"], day["sleep_hours"], day["tags"]) == (yesterday, 6, ["gym", "cheese"])
    assert "Check-in saved" in saved.text
    calendar = personal.get("/diary").text
    assert f'href="/diary/day/{yesterday}"' in calendar
    assert 'aria-current="date"' in calendar


def test_first_visit_says_what_nasalis_is_until_something_is_logged(personal: TestClient) -> None:
    first = personal.get("/").text
    assert "Welcome to nasalis" in first
    personal.post("/episodes", data={"csrf_token": csrf_of(first)})
    assert "Welcome to nasalis" not in personal.get("/").text


def test_counts_agree_with_their_noun(personal: TestClient) -> None:
    token = _token(personal)
    personal.post("/episodes", data={"csrf_token": token})
    diary = personal.get("/diary").text
    assert "1 twitch from" in diary
    assert "1 twitches" not in diary


def test_diary_filter_errors_name_the_filter(personal: TestClient) -> None:
    bad = personal.get("/diary", params={"from": "2026-05-10", "to": "2026-05-01"})
    assert bad.status_code == 422
    assert 'aria-describedby="from-error"' in bad.text
    assert "Must not be after" in bad.text
    assert 'value="2026-05-10"' in bad.text
