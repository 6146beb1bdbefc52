"""The Today page's morning check-in and one-tap "No twitches today", and the API's new day fields."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of


def _morning_offset() -> tuple[str, dt.datetime]:
    """A UTC offset (minutes, as the page's script sends it) where it is now about 10:00, and that now."""
    utc = dt.datetime.now(dt.UTC)
    minutes = (10 * 60 - (utc.hour * 60 + utc.minute)) % (24 * 60)
    if minutes > 12 * 60:
        minutes -= 24 * 60
    return str(minutes), utc.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))


def _change_of(location: str) -> str:
    found = re.search(r"change=(\d+)", location)
    assert found, location
    return found.group(1)


def test_the_morning_check_in_records_its_time_and_keeps_the_evening(personal: TestClient) -> None:
    tz, now = _morning_offset()
    personal.cookies.set("nasalis_tz", tz)
    page = personal.get("/").text
    assert page.index("Morning check-in") < page.index("Evening check-in")
    assert "can be compared with what came after" in page
    token = csrf_of(page)
    saved = personal.post(
        "/day/morning",
        data={
            "csrf_token": token,
            "tz": tz,
            "sleep_hours": "6.5",
            "morning_stress": "3",
            "morning_caffeine": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    day = personal.get(f"/api/days/{now.date()}").json()
    assert (day["sleep_hours"], day["morning_stress"], day["morning_caffeine"]) == (6.5, 3, 1.0)
    at = dt.datetime.combine(now.date(), dt.time.fromisoformat(day["morning_at"]), now.tzinfo)
    assert abs(at - now) < dt.timedelta(minutes=2)  # the viewer's own clock, not the server's
    personal.post("/day", data={"csrf_token": token, "stress": "7", "caffeine_drinks": "4"})
    personal.post("/day/morning", data={"csrf_token": token, "tz": tz, "morning_at": "07:05"})  # a correction
    day = personal.get(f"/api/days/{now.date()}").json()
    assert (day["morning_at"], day["morning_stress"], day["stress"], day["caffeine_drinks"]) == (
        "07:05",
        3,
        7,
        4.0,
    )
    shown = personal.get("/").text
    assert 'id="morning_at" name="morning_at" type="time" value="07:05"' in shown


def test_a_bad_or_future_morning_time_is_a_422_naming_it_and_saves_nothing(personal: TestClient) -> None:
    tz, _ = _morning_offset()
    token = csrf_of(personal.get("/").text)
    for typed, words in (("23:30", "is in the future"), ("7h", "must be a time of day HH:MM")):
        refused = personal.post(
            "/day/morning", data={"csrf_token": token, "tz": tz, "morning_at": typed, "morning_stress": "2"}
        )
        assert refused.status_code == 422
        assert 'id="morning_at-error"' in refused.text
        assert words in refused.text
        assert 'value="2"' in refused.text  # what was typed stays
    bad_stress = personal.post("/day/morning", data={"csrf_token": token, "tz": tz, "morning_stress": "11"})
    assert bad_stress.status_code == 422
    assert 'id="morning_stress-error"' in bad_stress.text
    assert personal.get("/api/days").json() == []


def test_undo_takes_back_the_morning_check_in(personal: TestClient) -> None:
    tz, _ = _morning_offset()
    token = csrf_of(personal.get("/").text)
    saved = personal.post(
        "/day/morning", data={"csrf_token": token, "tz": tz, "sleep_hours": "8"}, follow_redirects=False
    )
    page = personal.get(saved.headers["location"]).text
    assert "Morning check-in saved." in page
    assert 'action="/undo"' in page
    personal.post("/undo", data={"csrf_token": token, "change": _change_of(saved.headers["location"])})
    assert personal.get("/api/days").json() == []


def test_no_twitches_today_in_one_tap_with_undo_and_a_twitch_later_takes_it_off(personal: TestClient) -> None:
    tz, now = _morning_offset()
    personal.cookies.set("nasalis_tz", tz)
    page = personal.get("/").text
    token = csrf_of(page)
    assert 'id="no-twitches"' in page
    personal.post("/day", data={"csrf_token": token, "stress": "2"})
    tapped = personal.post("/day/no-twitches", data={"csrf_token": token, "tz": tz}, follow_redirects=False)
    assert tapped.status_code == 303
    day = personal.get(f"/api/days/{now.date()}").json()
    assert (day["no_twitches"], day["stress"]) == (True, 2)  # the check-in's values are kept
    after = personal.get(tapped.headers["location"]).text
    assert "Saved: no twitches today." in after
    assert "no twitches today (confirmed)" in after
    assert 'id="no-twitches"' not in after
    diary = personal.get("/diary").text
    assert "no twitches (confirmed)" in diary

    personal.post("/undo", data={"csrf_token": token, "change": _change_of(tapped.headers["location"])})
    assert personal.get(f"/api/days/{now.date()}").json()["no_twitches"] is None
    personal.post("/day/no-twitches", data={"csrf_token": token, "tz": tz})
    personal.post("/episodes", data={"csrf_token": token, "tz": tz})
    assert personal.get(f"/api/days/{now.date()}").json()["no_twitches"] is None  # cleared with the twitch
    page = personal.get("/").text
    assert 'id="no-twitches"' not in page
    assert "is not offered: 1 twitch is logged today" in page
    refused = personal.post("/day/no-twitches", data={"csrf_token": token, "tz": tz})
    assert refused.status_code == 422
    assert "1 twitch is logged" in refused.text


def test_the_api_takes_and_gives_the_morning_fields(personal: TestClient) -> None:
    tz, now = _morning_offset()
    personal.cookies.set("nasalis_tz", tz)
    token = csrf_of(personal.get("/").text)
    headers = {"X-CSRF-Token": token}
    past = "2026-03-02"
    body = {"morning_at": "07:30", "morning_stress": 4, "morning_caffeine": 1.5, "no_twitches": True}
    saved = personal.put(f"/api/days/{past}", json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    assert {k: saved.json()[k] for k in body} == body
    for bad, field in (
        ({"morning_at": "7.30"}, "morning_at"),
        ({"morning_at": "23:50"}, "morning_at"),
        ({"morning_stress": 12}, "morning_stress"),
    ):
        refused = personal.put(f"/api/days/{now.date()}", json=bad, headers=headers)
        assert refused.status_code == 422, bad
        assert refused.json()["detail"][0]["loc"][-1] == field
    personal.post(
        "/api/episodes", json={"started_at": f"{now.date()}T08:00:00{now.strftime('%z')}"}, headers=headers
    )
    refused = personal.put(f"/api/days/{now.date()}", json={"no_twitches": True}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "no_twitches"
    assert [d["date"] for d in personal.get("/api/days").json()] == [past]


def test_the_evening_reminder_stays_after_a_morning_check_in(personal: TestClient) -> None:
    tz, _ = _morning_offset()
    personal.cookies.set("nasalis_tz", tz)
    assert personal.put("/api/settings", json={"reminder_time": "00:00"}).status_code == 200
    token = csrf_of(personal.get("/").text)
    reminder = "Time for today's check-in"
    personal.post("/day/morning", data={"csrf_token": token, "tz": tz, "sleep_hours": "7"})
    assert reminder in personal.get("/").text  # the morning alone is not the evening's check-in
    personal.post("/day", data={"csrf_token": token, "stress": "3"})
    assert reminder not in personal.get("/").text


def test_a_past_days_morning_check_in_is_added_and_corrected_on_its_page(personal: TestClient) -> None:
    past = dt.date.today() - dt.timedelta(days=3)
    url = f"/diary/day/{past}"
    page = personal.get(url).text
    assert page.index('id="morning"') < page.index('id="check-in"')
    assert "from a note made that morning" in page
    token = csrf_of(page)
    personal.post(f"{url}/check-in", data={"csrf_token": token, "date": str(past), "stress": "6"})
    saved = personal.post(
        f"{url}/morning",
        data={"csrf_token": token, "morning_at": "07:40", "morning_stress": "2", "sleep_hours": "7"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(f"{url}?msg=morning")
    personal.post(f"{url}/morning", data={"csrf_token": token, "morning_at": "06:55"})  # a correction
    day = personal.get(f"/api/days/{past}").json()
    assert (day["morning_at"], day["morning_stress"], day["sleep_hours"], day["stress"]) == (
        "06:55",
        2,
        7.0,
        6,
    )
    shown = personal.get(url).text
    assert 'id="morning_at" name="morning_at" type="time" value="06:55"' in shown
    assert shown.count('name="morning_stress"') == 1  # in the morning form only, not in the evening's too


def test_a_bad_past_morning_time_is_a_422_naming_it_and_changes_nothing(personal: TestClient) -> None:
    past = dt.date.today() - dt.timedelta(days=2)
    url = f"/diary/day/{past}"
    token = csrf_of(personal.get(url).text)
    refused = personal.post(
        f"{url}/morning", data={"csrf_token": token, "morning_at": "7h", "morning_stress": "4"}
    )
    assert refused.status_code == 422
    assert 'id="morning_at-error"' in refused.text
    assert "must be a time of day HH:MM" in refused.text
    assert 'value="4"' in refused.text  # what was typed stays
    assert personal.get("/api/days").json() == []
