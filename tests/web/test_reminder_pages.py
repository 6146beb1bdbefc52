"""The calendar feed and the Settings page's reminder section, through the real app on both
backends: the feed parsed with icalendar (check-in, time zone, alarm, experiment blocks), a new
address stopping the old one, turning it off, one answer for every address that opens nothing,
guessing slowed down, and bad settings refused naming the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import select

from nasalis.diary import entries
from nasalis.diary.models import Account
from nasalis.diary.reminder_settings import MAX_FEED_MISSES
from nasalis.insights import nof1, running
from nasalis.insights.calendar_feed import CHECK_IN_SUMMARY
from tests.web.conftest import csrf_of

NOTE = "zz-private-note-after-coffee"
FEED_FIELD = re.compile(r'id="feed_url" type="text" readonly value="([^"]+)"')


def _person(client: TestClient, username: str) -> int:
    with client.app.state.store.read() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(Account.person_id).where(Account.username == username)))


def _new_feed(client: TestClient, token: str) -> str:
    made = client.post("/settings/calendar", data={"csrf_token": token})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    assert made.headers["hx-push-url"] == "/settings"  # a reload must not make another address
    found = FEED_FIELD.search(made.text)
    assert found, "the new address is shown"
    return found.group(1).replace("http://testserver", "")


def _fetch(app: Any, path: str) -> Any:
    with TestClient(app) as stranger:  # no cookie: the address alone opens the feed
        return stranger.get(path)


def _events(calendar: icalendar.Calendar) -> list[icalendar.Component]:
    return list(calendar.walk("VEVENT"))


def test_the_feed_holds_the_check_in_in_the_persons_zone_and_each_block(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, a_token, bob, b_token = two_people
    app = alice.app
    saved = alice.post("/settings/reminders", data={"csrf_token": a_token, "time_zone": "America/New_York"})
    assert saved.status_code == 200
    assert "Settings saved" in saved.text
    alice.post("/settings", data={"csrf_token": a_token, "units": "metric", "reminder_time": "20:30"})
    person = _person(alice, "alice")
    today = dt.date.today()
    with app.state.store.write() as session:  # type: ignore[attr-defined]
        entries.add_note(session, person, NOTE)
        plan = running.start(
            session, person, "no caffeine after noon", today + dt.timedelta(days=1), today=today
        )
    path = _new_feed(alice, a_token)
    assert re.fullmatch(r"/calendar/[A-Za-z0-9_-]{43}\.ics", path)  # 256 bits

    answer = _fetch(app, path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert NOTE not in answer.text
    calendar = icalendar.Calendar.from_ical(answer.content)
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]
    events = _events(calendar)
    check_in = next(e for e in events if str(e["SUMMARY"]) == CHECK_IN_SUMMARY)
    start = check_in.decoded("DTSTART")
    assert (start.hour, start.minute) == (20, 30)
    assert str(start.tzinfo) == "America/New_York"
    assert "TZID=America/New_York:" in answer.text
    assert check_in.decoded("RRULE") == {"FREQ": ["DAILY"]}
    alarm = check_in.walk("VALARM")[0]
    assert (str(alarm["ACTION"]), alarm.decoded("TRIGGER")) == ("DISPLAY", dt.timedelta(0))

    blocks = sorted((e for e in events if e is not check_in), key=lambda e: e.decoded("DTSTART"))
    assert len(blocks) == len(plan.schedule)
    for number, event in enumerate(blocks):
        first = plan.start + dt.timedelta(days=number * plan.block_days)
        said = nof1.where(plan, first)
        assert said is not None
        assert event.decoded("DTSTART") == first
        assert str(event["SUMMARY"]) == f"From {first:%A}: {said.instruction}"
        assert event.walk("VALARM"), "each block start has an alarm"
    assert any("Do the change: no caffeine after noon" in str(e["SUMMARY"]) for e in blocks)

    # Bob's feed is his own: his zone (UTC until he chooses), no experiment of Alice's.
    bobs = icalendar.Calendar.from_ical(_fetch(app, _new_feed(bob, b_token)).content)
    assert [str(e["SUMMARY"]) for e in _events(bobs)] == [CHECK_IN_SUMMARY]


def test_a_new_address_stops_the_old_and_off_stops_it_all(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, _bob, _ = two_people
    app = alice.app
    first = _new_feed(alice, token)
    second = _new_feed(alice, token)
    assert first != second
    revoked, current = _fetch(app, first), _fetch(app, second)
    assert (revoked.status_code, current.status_code) == (404, 200)
    page = alice.get("/settings").text
    assert "Your calendar feed is on" in page
    assert second.split("/")[-1] not in page
    off = alice.post("/settings/calendar/off", data={"csrf_token": token})
    assert off.status_code == 200
    assert "no longer works" in off.text
    gone = _fetch(app, second)
    never = _fetch(app, "/calendar/" + "x" * 43 + ".ics")
    odd = _fetch(app, "/calendar/%20.ics")
    assert {gone.status_code, never.status_code, odd.status_code} == {404}
    assert "no such calendar" in gone.text
    assert gone.text == never.text == odd.text  # one answer: revoked, unknown and malformed alike


def test_guessing_addresses_is_slowed_down(two_people: tuple[TestClient, str, TestClient, str]) -> None:
    alice, token, _bob, _ = two_people
    real = _new_feed(alice, token)
    with TestClient(alice.app) as guesser:
        answers = [guesser.get(f"/calendar/guess{n:040d}.ics").status_code for n in range(MAX_FEED_MISSES)]
        assert set(answers) == {404}
        blocked = guesser.get("/calendar/" + "y" * 43 + ".ics")
        # The same address (a shared router, say) still opens a real feed: only misses are limited.
        still = guesser.get(real)
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"]
    assert still.status_code == 200
    assert still.headers["content-type"].startswith("text/calendar")


def test_bad_reminder_settings_are_refused_naming_the_field(
    two_people: tuple[TestClient, str, TestClient, str],
) -> None:
    alice, token, _bob, _ = two_people
    good = {"csrf_token": token, "time_zone": "Asia/Tokyo", "email": "alice@example.org", "email_on": "1"}
    assert alice.post("/settings/reminders", data=good).status_code == 200
    for field, change in [
        ("time_zone", {"time_zone": "Mars/Olympus_Mons"}),
        ("email", {"email": "not an address"}),
        ("email", {"email": "", "email_on": "1"}),
    ]:
        refused = alice.post(
            "/settings/reminders",
            data={**good, **change, "time_zone": change.get("time_zone", "Europe/Paris")},
        )
        assert refused.status_code == 422, change
        assert f'id="{field}-error"' in refused.text
        assert 'aria-invalid="true"' in refused.text
    page = alice.get("/settings").text
    assert 'value="Asia/Tokyo"' in page
    assert 'value="alice@example.org"' in page


def test_personal_mode_has_the_feed_but_no_email(personal: TestClient) -> None:
    token = csrf_of(personal.get("/settings").text)
    page = personal.get("/settings").text
    assert 'id="reminders"' in page
    assert 'id="email"' not in page
    path = _new_feed(personal, token)
    # No zone saved yet: the page still offers the browser's own, even though the feed exists.
    assert 'data-browser-zone="fill"' in personal.get("/settings").text
    feed = icalendar.Calendar.from_ical(_fetch(personal.app, path).content)
    assert [str(e["SUMMARY"]) for e in _events(feed)] == [CHECK_IN_SUMMARY]
