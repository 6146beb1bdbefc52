"""/diary/day/DATE: one day's twitches and check-in, to fill in a past or forgotten day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import entries, episode_writer, local_dates, preferences
from nasalis.diary.records import FieldError, build_episode, refuse_future_date
from nasalis.web.checkin_form import EVENING, LABELS, MORNING, check_in_fields
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep
from nasalis.web.routes.today_pages import changed_query, read_check_in, read_morning, shown_day
from nasalis.web.schemas import date_param
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)


def _day(raw: str, request: Request) -> dt.date:
    """The page's date: a real day that has begun for this viewer (a 404 otherwise)."""
    day = date_param("date", raw, "path")
    if day is None or day > local_now(request).date():
        raise HTTPException(404, "That day has not come yet: a diary holds only days that have begun.")
    return day


def _context(request: Request, store: StoreDep, viewer: Viewer, day: dt.date) -> dict[str, Any]:
    with store.read() as session:
        found = local_dates.episodes_on(session, viewer.person_id, day, day)
        twitches = [(e.id, entries.episode_record(e)) for e in found]
        stored = entries.day_on(session, viewer.person_id, day)
        units = preferences.get(session, viewer.person_id)["units"]
    today = local_now(request).date()
    return {
        "date": day,
        "is_today": day == today,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < today else None,
        "twitches": twitches,
        "day": shown_day(stored, units),
        "has_check_in": stored is not None,
        "check_in": check_in_fields(units, EVENING),
        "morning_fields": check_in_fields(units, MORNING),
        "labels": LABELS,
        "time_value": "",
    }


@router.get("/diary/day/{date}", response_class=HTMLResponse)
def day_page(date: str, request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """One day: its twitches (add one at a time of day) and its check-in (add or change it)."""
    day = _day(date, request)
    return page(request, "day.html", _context(request, store, viewer, day))


@router.post("/diary/day/{date}/episodes")
def add_past_twitch(
    date: str, request: Request, store: StoreDep, viewer: WriterDep, form: FormDep
) -> Response:
    """Log a twitch at a time of that day (not later than now)."""
    day = _day(date, request)
    raw = form.get("time")
    typed = raw.strip() if isinstance(raw, str) else ""
    tz = form.get("tz")
    offset = local_now(request, tz if isinstance(tz, str) else None).utcoffset() or dt.timedelta()
    try:
        try:
            clock = dt.time.fromisoformat(typed)
        except ValueError:
            raise FieldError("time", "must be a time of day like 14:30") from None
        started = dt.datetime.combine(day, clock, dt.timezone(offset))
        record = build_episode({"started_at": started.isoformat()}, text=True)
    except FieldError as exc:
        errors = {"time": exc.message} if exc.field in ("time", "started_at") else exc.errors
        context = _context(request, store, viewer, day)
        context.update(errors=errors, time_value=typed)
        return page(request, "day.html", context, 422)
    with store.write() as session:
        episode = episode_writer.log_episode(session, viewer.person_id, record)
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/diary/day/{day.isoformat()}?msg=logged&{changed}#twitch-{episode.id}", 303)


@router.post("/diary/day/{date}/check-in")
def save_past_check_in(
    date: str, request: Request, store: StoreDep, viewer: WriterDep, form: FormDep
) -> Response:
    """Save (or change) that day's check-in."""
    day = _day(date, request)
    typed, record = read_check_in(store, viewer, form, day)
    if not isinstance(record, FieldError) and record.date != day:
        record = FieldError("date", "does not match the page's day")
    if not isinstance(record, FieldError):
        try:
            refuse_future_date("date", record.date)
        except FieldError as exc:
            record = exc
    if isinstance(record, FieldError):
        context = _context(request, store, viewer, day)
        context.update(errors=record.errors, day=typed)
        return page(request, "day.html", context, 422)
    with store.write() as session:
        entries.save_day(session, viewer.person_id, record)
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/diary/day/{day.isoformat()}?msg=day&{changed}#check-in", 303)


@router.post("/diary/day/{date}/morning")
def save_past_morning(
    date: str, request: Request, store: StoreDep, viewer: WriterDep, form: FormDep
) -> Response:
    """Save (or correct) that day's morning check-in: last night's sleep, the morning so far, its time."""
    day = _day(date, request)
    tz = form.get("tz")
    now = local_now(request, tz if isinstance(tz, str) else None)
    typed, record = read_morning(store, viewer, form, day, now)
    if isinstance(record, FieldError):
        context = _context(request, store, viewer, day)
        context.update(errors=record.errors, day={**context["day"], **typed})
        return page(request, "day.html", context, 422)
    with store.write() as session:
        entries.save_day(session, viewer.person_id, record)
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/diary/day/{day.isoformat()}?msg=morning&{changed}#morning", 303)
