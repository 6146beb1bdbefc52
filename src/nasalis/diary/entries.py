"""Data functions over the diary: the CLI, the web pages and the importer all call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from nasalis.diary import journal
from nasalis.diary.factors import FACTORS
from nasalis.diary.local_dates import EpisodeFilter, count_episodes, episode_lines
from nasalis.diary.models import Day, Episode, Medication, Note
from nasalis.diary.records import DayRecord, EpisodeRecord, control_problem


class NotFoundError(LookupError):
    """No such entry for this person."""


def to_utc(instant: dt.datetime) -> tuple[dt.datetime, int]:
    """A zone-aware instant as (naive UTC, offset in minutes) — how episodes are stored."""
    offset = instant.utcoffset() or dt.timedelta(0)
    return (instant - offset).replace(tzinfo=None), int(offset.total_seconds() // 60)


def local_instant(episode: Episode) -> dt.datetime:
    """When an episode started, in the offset it was recorded with."""
    zone = dt.timezone(dt.timedelta(minutes=episode.utc_offset_min))
    return episode.started_at_utc.replace(tzinfo=dt.UTC).astimezone(zone)


def episode_row(person_id: int, rec: EpisodeRecord) -> dict[str, object]:
    """Column values of an episode record."""
    utc, offset = to_utc(rec.started_at)
    return {
        "person_id": person_id,
        "started_at_utc": utc,
        "utc_offset_min": offset,
        "duration_s": rec.duration_s,
        "intensity": rec.intensity,
        "side": rec.side,
        "areas": list(rec.areas) if rec.areas is not None else None,
        "source": rec.source,
        "note": rec.note,
    }


def day_row(person_id: int, rec: DayRecord) -> dict[str, object]:
    """Column values of a day record."""
    row: dict[str, object] = {f.name: getattr(rec, f.name) for f in fields(rec)}
    row["tags"] = list(rec.tags) if rec.tags is not None else None
    row["factors"] = dict(rec.factors) or None
    row["person_id"] = person_id
    return row


def episode_record(e: Episode) -> EpisodeRecord:
    """The record of a stored episode."""
    return EpisodeRecord(
        started_at=local_instant(e),
        duration_s=e.duration_s,
        intensity=e.intensity,
        side=e.side,
        areas=tuple(e.areas) if e.areas is not None else None,
        source=e.source,
        note=e.note,
    )


def day_record(d: Day) -> DayRecord:
    """The record of a stored day."""
    return DayRecord(
        date=d.date,
        **{f.name: getattr(d, f.name) for f in FACTORS},
        tags=tuple(d.tags) if d.tags is not None else None,
        factors=dict(d.factors or {}),
        morning_at=d.morning_at,
        no_twitches=d.no_twitches,
    )


def twitch_label(started_at: dt.datetime) -> str:
    """How a change to this twitch is named to the person (in undo messages): its own local time."""
    return f"twitch at {started_at:%Y-%m-%d %H:%M}"


def replace_episode(
    session: Session, person_id: int, episode: Episode, rec: EpisodeRecord, summary: str
) -> Episode:
    """Overwrite a stored episode with a record, journalling the old values for undo."""
    before = journal.snapshot(episode)
    for key, value in episode_row(person_id, rec).items():
        setattr(episode, key, value)
    session.flush()
    clear_no_twitches(session, person_id, {rec.started_at.date()})
    journal.record(session, person_id, "update", "episodes", [episode.id], summary, [before])
    return episode


def clear_no_twitches(session: Session, person_id: int, dates: set[dt.date]) -> None:
    """Take "no twitches today" off these local dates: a twitch was just written on them.

    Journalled as its own change before the twitch's, so the twitch's Undo stays the latest.
    """
    if not dates:
        return
    marked = session.scalars(
        select(Day).where(Day.person_id == person_id, Day.date.in_(sorted(dates)), Day.no_twitches.is_(True))
    ).all()
    for day in marked:
        before = journal.snapshot(day)
        day.no_twitches = None
        session.flush()
        summary = f"'no twitches' on {day.date} taken off by a twitch logged that day"
        journal.record(session, person_id, "update", "days", [day.id], summary, [before])


class TwitchesLoggedError(ValueError):
    """A day with twitches logged was to be marked "no twitches today"."""


def _refuse_twitches(session: Session, person_id: int, date: dt.date) -> None:
    count = count_episodes(session, person_id, EpisodeFilter(date, date))
    if count:
        logged = f"{count} twitch is" if count == 1 else f"{count} twitches are"
        raise TwitchesLoggedError(f"no_twitches: {logged} logged on {date}")


def confirm_no_twitches(session: Session, person_id: int, date: dt.date) -> Day:
    """Record `date` as a known day without twitches; TwitchesLoggedError if it has some.

    Creates the day's check-in if there is none and keeps any values already there; undo takes it back.
    """
    _refuse_twitches(session, person_id, date)
    day = day_on(session, person_id, date)
    summary = f"'no twitches' on {date}"
    if day is None:
        return journal.add(session, person_id, Day(person_id=person_id, date=date, no_twitches=True), summary)
    before = journal.snapshot(day)
    day.no_twitches = True
    session.flush()
    journal.record(session, person_id, "update", "days", [day.id], summary, [before])
    return day


def update_episode(session: Session, person_id: int, episode_id: int, rec: EpisodeRecord) -> Episode:
    """Replace an episode's values."""
    episode = _own(session, Episode, person_id, episode_id)
    return replace_episode(session, person_id, episode, rec, f"{twitch_label(rec.started_at)} edited")


def delete_episode(session: Session, person_id: int, episode_id: int) -> None:
    """Delete an episode (undo brings it back)."""
    episode = _own(session, Episode, person_id, episode_id)
    _delete(session, person_id, episode, twitch_label(episode_record(episode).started_at))


def delete_day(session: Session, person_id: int, date: dt.date) -> None:
    """Delete a day's check-in (undo brings it back); the day becomes unknown again."""
    day = day_on(session, person_id, date)
    if day is None:
        raise NotFoundError(f"no check-in on {date}")
    _delete(session, person_id, day, f"check-in for {date}")


def _delete(session: Session, person_id: int, row: Episode | Day, what: str) -> None:
    before = journal.snapshot(row)
    row_id = row.id
    session.delete(row)
    session.flush()
    journal.record(session, person_id, "delete", row.__tablename__, [row_id], f"{what} deleted", [before])


def get_episode(session: Session, person_id: int, episode_id: int) -> Episode:
    """One of this person's episodes; NotFoundError if it is not theirs or not there."""
    return _own(session, Episode, person_id, episode_id)


def day_on(session: Session, person_id: int, date: dt.date) -> Day | None:
    """This person's check-in on `date`, if any."""
    return session.scalar(select(Day).where(Day.person_id == person_id, Day.date == date))


def save_day(session: Session, person_id: int, rec: DayRecord) -> Day:
    """Record a day's check-in; on a day already there, the given values replace the old.

    "No twitches today" on a day with twitches logged is TwitchesLoggedError (nothing saved).
    """
    if rec.no_twitches:
        _refuse_twitches(session, person_id, rec.date)
    day = day_on(session, person_id, rec.date)
    new = day_row(person_id, rec)
    if day is None:
        return journal.add(session, person_id, Day(**new), f"check-in for {rec.date}")
    before = journal.snapshot(day)
    for key, value in new.items():
        if value is not None and key != "factors":
            setattr(day, key, value)
    if rec.factors:
        day.factors = {**(day.factors or {}), **rec.factors}
    session.flush()
    journal.record(
        session, person_id, "update", "days", [day.id], f"check-in for {rec.date} changed", [before]
    )
    return day


def add_medication(
    session: Session,
    person_id: int,
    name: str,
    dose: str | None = None,
    started_on: dt.date | None = None,
    stopped_on: dt.date | None = None,
) -> Medication:
    """Record a medicine, matched to the lexicon where possible."""
    med = _medication(person_id, name, dose, started_on, stopped_on)
    return journal.add(session, person_id, med, f"medicine {name.strip()}")


def _medication(
    person_id: int, name: str, dose: str | None, started_on: dt.date | None, stopped_on: dt.date | None
) -> Medication:
    if not name.strip() or len(name) > 200:
        raise ValueError("name: give the medicine's name (up to 200 characters)")
    if dose is not None and len(dose) > 200:
        raise ValueError("dose: up to 200 characters")
    for field, typed in (("name", name), ("dose", dose or "")):
        problem = control_problem(typed)
        if problem:  # PostgreSQL refuses NUL outright; escapes would reach terminals
            raise ValueError(f"{field}: {problem}")
    if started_on and stopped_on and stopped_on < started_on:
        raise ValueError("stopped: the stop date is before the start date")
    from nasalis.knowledge import match_medication  # the lexicon's YAML loads only for medicines

    match = match_medication(name)
    return Medication(
        person_id=person_id,
        name=name.strip(),
        dose=dose,
        started_on=started_on,
        stopped_on=stopped_on,
        matched=match.drug.name if match else None,
        drug_class=match.klass.id if match else None,
    )


def add_medications(session: Session, person_id: int, names: list[str]) -> list[Medication]:
    """Record several medicines by name as one change (one undo takes them all back)."""
    meds = [_medication(person_id, name, None, None, None) for name in names]
    session.add_all(meds)
    session.flush()
    summary = "medicines " + ", ".join(m.name for m in meds)
    journal.record(session, person_id, "add", Medication.__tablename__, [m.id for m in meds], summary)
    return meds


def stop_medication(session: Session, person_id: int, medication_id: int, stopped_on: dt.date) -> Medication:
    """Mark one of this person's medicines as stopped on a date (undo puts it back as it was)."""
    med = _own(session, Medication, person_id, medication_id)
    if med.started_on and stopped_on < med.started_on:
        raise ValueError("stopped: the stop date is before the start date")
    before = journal.snapshot(med)
    med.stopped_on = stopped_on
    session.flush()
    summary = f"medicine {med.name} stopped on {stopped_on}"
    journal.record(session, person_id, "update", Medication.__tablename__, [med.id], summary, [before])
    return med


def add_note(session: Session, person_id: int, text: str) -> Note:
    """Keep a free-text note."""
    if not text.strip() or len(text) > 5000:
        raise ValueError("text: a note has 1 to 5000 characters")
    return journal.add(session, person_id, Note(person_id=person_id, text=text), f"note: {text[:40]}")


def day_dates(session: Session, person_id: int, start: dt.date, end: dt.date) -> set[dt.date]:
    """The dates in [start, end] that have a check-in (one column, for calendars)."""
    query = select(Day.date).where(Day.person_id == person_id, Day.date >= start, Day.date <= end)
    return set(session.scalars(query))


def latest_days(
    session: Session, person_id: int, start: dt.date, end: dt.date, limit: int | None
) -> list[Day]:
    """Check-ins in [start, end], newest first, at most `limit` of them."""
    query = (
        select(Day)
        .where(Day.person_id == person_id, Day.date >= start, Day.date <= end)
        .order_by(Day.date.desc())
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def days_between(
    session: Session, person_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[Day]:
    """Days in [start, end], oldest first."""
    query = select(Day).where(Day.person_id == person_id)
    if start is not None:
        query = query.where(Day.date >= start)
    if end is not None:
        query = query.where(Day.date <= end)
    return list(session.scalars(query.order_by(Day.date)))


def insight_inputs(
    session: Session, person_id: int, since: dt.date | None = None
) -> tuple[list[DayRecord], list[dt.datetime]]:
    """What the insights need: the day records, and every episode's local start time."""
    days = [day_record(d) for d in days_between(session, person_id, since)]
    lines = episode_lines(session, person_id, EpisodeFilter(first=since))  # columns, not objects
    return days, [e.started_at for e in reversed(lines)]


def medications_of(session: Session, person_id: int) -> list[Medication]:
    """Every medicine recorded, newest first."""
    query = select(Medication).where(Medication.person_id == person_id)
    return list(session.scalars(query.order_by(Medication.id.desc())))


_Row = TypeVar("_Row", Episode, Day, Medication, Note)


def _own(session: Session, model: type[_Row], person_id: int, row_id: int) -> _Row:
    row = session.get(model, row_id)
    if row is None or row.person_id != person_id:
        raise NotFoundError(f"no {model.__tablename__[:-1]} {row_id}")
    return row


def is_empty(session: Session, person_id: int) -> bool:
    """True when this person has logged nothing yet: no twitch and no check-in (a first visit)."""
    for model in (Episode, Day):
        found = session.scalar(select(model.id).where(model.person_id == person_id).limit(1))
        if found is not None:
            return False
    return True


def last_details(session: Session, person_id: int, before_id: int) -> EpisodeRecord | None:
    """The newest twitch before `before_id` that has any detail (strength, side, where, length)."""
    rows = session.scalars(
        select(Episode)
        .where(Episode.person_id == person_id, Episode.id < before_id)
        .order_by(Episode.id.desc())
        .limit(20)
    )
    for row in rows:
        rec = episode_record(row)
        if rec.intensity or rec.side or rec.areas or rec.duration_s:
            return rec
    return None
