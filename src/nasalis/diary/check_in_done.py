"""Whether a day's evening check-in was made: the Today page's nudge and the e-mail reminder agree."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from nasalis.diary import entries
from nasalis.diary.factors import EVENING_CHECK_IN
from nasalis.diary.models import Day


def evening_done(day: Day | None) -> bool:
    """Whether today's evening check-in has something in it (a morning check-in alone does not count)."""
    if day is None:
        return False
    rec = entries.day_record(day)
    filled = [getattr(rec, f.name) for f in EVENING_CHECK_IN]
    return any(v is not None for v in filled) or bool(rec.tags or rec.factors or rec.no_twitches)


def done_on(session: Session, person_id: int, date: dt.date) -> bool:
    """Whether this person's evening check-in of `date` is done."""
    return evening_done(entries.day_on(session, person_id, date))
