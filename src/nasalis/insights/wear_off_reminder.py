"""The calendar feed's heads-up a week before a treatment's effect usually wears off.

"Usually" is the person's own: the median wear-off day of their complete cycles (worn off, or
the next treatment came), counted from their last treatment. Without such a cycle there is no
event: nothing is guessed. The event names no product, dose or count, and gives no advice on
when the next treatment should be: that is for the person and their specialist.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

import icalendar
from sqlalchemy.orm import Session

from nasalis.diary.treatments import list_treatments
from nasalis.insights.cycles_report import CycleOut, load_cycles

HEADS_UP_DAYS = 7
"""How many days before the usual wear-off the event is."""
ALARM_AT = dt.timedelta(hours=9)
"""The alarm of the all-day event: 09:00 on its day."""
SUMMARY = "nasalis: your treatment's effect has usually faded by about a week from now"


def usual_wear_off_day(cycles: Sequence[CycleOut]) -> int | None:
    """The median wear-off day of the complete cycles that have one (None when there are none)."""
    days = [c.wear_off_day for c in cycles if c.status == "complete" and c.wear_off_day is not None]
    return round(statistics.median(days)) if days else None


def wear_off_events(session: Session, person_id: int, today: dt.date) -> list[icalendar.Event]:
    """The heads-up event after the last treatment, or none when no cycle has worn off yet."""
    treatments = list_treatments(session, person_id)
    if not treatments:
        return []  # no analysis for a diary without treatments
    usual = usual_wear_off_day(load_cycles(session, person_id, today=today).cycles)
    if usual is None:
        return []
    last = treatments[-1]
    day = last.date + dt.timedelta(days=max(usual - HEADS_UP_DAYS, 0))
    event = icalendar.Event()
    event.add("uid", f"wear-off-{last.id}@nasalis")
    event.add("summary", SUMMARY)
    event.add(
        "description",
        # No treatment date: subscribed feeds are often synced to a calendar provider.
        f"Your earlier cycles wore off at about day {usual} (the middle of them); this event is on "
        f"day {(day - last.date).days} since your last treatment. Keep logging: the "
        "Treatments page shows this cycle as it goes. Timing the next treatment is for you and "
        "your specialist.",
    )
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", SUMMARY)
    alarm.add("trigger", ALARM_AT)
    event.add_component(alarm)
    return [event]
