"""The private calendar feed (iCalendar): the daily check-in, and each experiment block's start.

Phones' calendar apps subscribe to the feed's secret address and notify from its alarms, so a
reminder reaches the person with the app closed. The feed holds only what the person chose:
the check-in at their reminder time, in their time zone (with its VTIMEZONE), and the
instruction of each block of their planned or running experiment on the block's first day,
worded by nasalis.insights.nof1.where like everywhere else, and a heads-up a week before a
treatment's effect usually wears off (nasalis.insights.wear_off_reminder). No twitch counts, no notes.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from sqlalchemy.orm import Session

from nasalis.diary import experiments as stored
from nasalis.diary import preferences, reminder_settings
from nasalis.insights import nof1
from nasalis.insights.running import plan_of
from nasalis.insights.wear_off_reminder import wear_off_events

CHECK_IN_SUMMARY = "nasalis: today's check-in"
CHECK_IN_MINUTES = 5
"""How long the check-in's event is (calendars show a point in time badly)."""
BLOCK_HEADS_UP = dt.timedelta(hours=-3)
"""A block's alarm, before its first day begins: the evening before, at 21:00."""
ZONE_YEARS = 3
"""Years of the time zone's rules written into the feed (a calendar refetches long before)."""
REFRESH = dt.timedelta(hours=6)


def block_events(session: Session, person_id: int, today: dt.date) -> list[icalendar.Event]:
    """One all-day event per block of the planned or running experiment, on the block's first day."""
    experiment = stored.current(session, person_id, today)
    if experiment is None:
        return []
    plan = plan_of(experiment)
    events = []
    for block in range(len(plan.schedule)):
        first = plan.start + dt.timedelta(days=block * plan.block_days)
        place = nof1.where(plan, first)
        assert place is not None, "a block's first day is inside the experiment"
        event = icalendar.Event()
        event.add("uid", f"experiment-{experiment.id}-block-{block + 1}@nasalis")
        event.add("summary", f"From {first:%A}: {place.instruction}")
        event.add("dtstart", first)
        event.add("dtend", first + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Tomorrow: {place.instruction}")
        alarm.add("trigger", BLOCK_HEADS_UP)
        event.add_component(alarm)
        events.append(event)
    return events


def check_in_event(session: Session, person_id: int, today: dt.date, link: str) -> icalendar.Event:
    """The daily check-in at the person's reminder time in their time zone, with an alarm."""
    zone = reminder_settings.zone_of(session, person_id)
    at = dt.time.fromisoformat(preferences.get(session, person_id)["reminder_time"])
    start = dt.datetime.combine(today, at, tzinfo=zone)
    event = icalendar.Event()
    event.add("uid", f"check-in-{person_id}@nasalis")
    event.add("summary", CHECK_IN_SUMMARY)
    event.add("description", f"Fill in today's check-in: {link}")
    event.add("url", link)
    event.add("dtstart", start)
    event.add("duration", dt.timedelta(minutes=CHECK_IN_MINUTES))
    event.add("rrule", {"freq": "daily"})
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", CHECK_IN_SUMMARY)
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    return event


def build(session: Session, person_id: int, now_utc: dt.datetime, link: str) -> bytes:
    """The person's feed as iCalendar bytes, as of `now_utc` (naive UTC)."""
    zone = reminder_settings.zone_of(session, person_id)
    today = now_utc.replace(tzinfo=dt.UTC).astimezone(zone).date()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//nasalis//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "nasalis")
    calendar.add("x-wr-timezone", str(zone))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    stamp = now_utc.replace(tzinfo=dt.UTC)
    events = [check_in_event(session, person_id, today, link), *block_events(session, person_id, today)]
    events += wear_off_events(session, person_id, today)  # a week before the usual wear-off
    for event in events:
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    calendar.add_missing_timezones(
        today - dt.timedelta(days=366), today + dt.timedelta(days=366 * ZONE_YEARS)
    )
    body: bytes = calendar.to_ical()
    return body
