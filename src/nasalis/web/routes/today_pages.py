"""/ (Today): one tap logs a twitch; then optional details, today's check-in, undo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nasalis.diary import entries, episode_writer, journal, local_dates, preferences
from nasalis.diary.check_in_done import evening_done
from nasalis.diary.json_writer import day_json
from nasalis.diary.records import DayRecord, FieldError, build_day, build_episode
from nasalis.diary.vocab import AREAS, SIDES
from nasalis.insights import running
from nasalis.web.checkin_form import (
    CHECK_IN,
    CHECK_IN_EXTRA,
    DETAILS,
    EVENING,
    LABELS,
    MORNING,
    check_in_fields,
    check_in_values,
    form_values,
    shown_in_units,
)
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep
from nasalis.web.schemas import RowId, row_id
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

TODAY_ROWS = 50
UNDO_BACK = ("/", "/diary", "/assessments", "/medicines", "/experiments", "/videos", "/settings")
"""Pages an Undo may return to (each shows the message about what it undid)."""


def shown_day(day: Any, units: str) -> dict[str, Any]:
    """A stored check-in as its form shows it (water in ounces for imperial units)."""
    shown = day_json(entries.day_record(day)) if day else {}
    shown = shown_in_units(shown, units)
    if shown.get("tags"):
        shown["tags"] = ", ".join(shown["tags"])
    return shown


def _just_logged(request: Request, session: Session, viewer: Viewer) -> dict[str, Any]:
    # ?ep= comes from a link anyone can write: the details form is offered only for a twitch of
    # this viewer's logged today or yesterday, so a link cannot aim "Save details" elsewhere.
    nothing: dict[str, Any] = {"just_logged": None, "last_details": None}
    raw = request.query_params.get("ep", "")
    if not raw.isdigit() or len(raw) > 18:
        return nothing
    try:
        episode = entries.get_episode(session, viewer.person_id, int(raw))
    except entries.NotFoundError:
        return nothing
    logged = entries.episode_record(episode).started_at
    if logged.date() < local_now(request).date() - dt.timedelta(days=1):
        return nothing
    return {"just_logged": raw, "last_details": entries.last_details(session, viewer.person_id, int(raw))}


def _today_context(request: Request, store: StoreDep, viewer: Viewer) -> dict[str, Any]:
    now = local_now(request)
    today = now.date()
    with store.read() as session:
        found = local_dates.episodes_on(session, viewer.person_id, today, today)
        episodes = [(e.id, entries.episode_record(e)) for e in found]
        day = entries.day_on(session, viewer.person_id, today)
        instruction = running.instruction(session, viewer.person_id, today)
        prefs = preferences.get(session, viewer.person_id)
        first_visit = entries.is_empty(session, viewer.person_id)
        logged = _just_logged(request, session, viewer)
    due = not evening_done(day) and now.strftime("%H:%M") >= prefs["reminder_time"]
    return {
        "today": today,
        "yesterday": today - dt.timedelta(days=1),
        # Newest first, and at most TODAY_ROWS of them: the diary page lists the rest.
        "episodes": episodes[::-1][:TODAY_ROWS],
        "episode_count": len(episodes),
        "day": shown_day(day, prefs["units"]),
        "morning": shown_day(day, prefs["units"]),
        "morning_fields": check_in_fields(prefs["units"], MORNING),
        "now_hhmm": now.strftime("%H:%M"),
        "check_in": check_in_fields(prefs["units"], EVENING),
        "instruction": instruction,
        "check_in_due": due,
        "first_visit": first_visit,
        "sides": SIDES,
        "areas": AREAS,
        "labels": LABELS,
        "detail_values": {},
        **logged,
    }


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """Today: the twitch button, today's twitches and today's check-in."""
    return page(request, "today.html", _today_context(request, store, viewer))


def changed_query(session: Session, viewer: Viewer) -> str:
    """The query naming the change just made, so its message and Undo are about that change."""
    return f"change={journal.latest_change_id(session, viewer.person_id)}"


TAP_LEEWAY = dt.timedelta(minutes=10)
"""How old a tap's own instant may be and still be the twitch's start (a slow send, a retry)."""


def _tapped_at(raw: object, now: dt.datetime) -> dt.datetime | None:
    """The instant the device says Twitch now was tapped, if it is believable; else None (use now).

    The page sends it so that a send whose answer was lost, then queued on the device and sent
    again with the same instant, is one episode (its natural key), never two.
    """
    if not isinstance(raw, str) or not raw:
        return None
    try:
        tapped = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if tapped.tzinfo is None or not now - TAP_LEEWAY <= tapped <= now + dt.timedelta(seconds=5):
        return None
    return tapped


@router.post("/episodes")
def twitch_now(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Log a twitch that is happening now."""
    tz = form.get("tz")
    now = local_now(request, tz if isinstance(tz, str) else None)
    tapped = _tapped_at(form.get("tapped_at"), now)
    with store.write() as session:
        episode = episode_writer.log_episode(
            session, viewer.person_id, build_episode({"started_at": (tapped or now).isoformat()}, text=True)
        )
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/?msg=logged&ep={episode.id}&{changed}#details", 303)


@router.post("/episodes/{episode_id}/details")
def episode_details(
    episode_id: RowId, request: Request, store: StoreDep, viewer: WriterDep, form: FormDep
) -> Response:
    """Add intensity, side, areas, duration or a note to a logged twitch."""
    given = form_values(form, DETAILS)
    try:
        with store.write() as session:
            episode = entries.get_episode(session, viewer.person_id, episode_id)
            values = {"started_at": entries.episode_record(episode).started_at.isoformat(), **given}
            entries.update_episode(session, viewer.person_id, episode_id, build_episode(values, text=True))
            changed = changed_query(session, viewer)
    except FieldError as exc:
        context = _today_context(request, store, viewer)
        context.update(errors=exc.errors, detail_values=given, just_logged=str(episode_id))
        return page(request, "today.html", context, 422)
    back = form.get("back")
    target = back if isinstance(back, str) and back.startswith("/diary") else "/"
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}msg=details&{changed}", 303)


def read_check_in(
    store: StoreDep, viewer: Viewer, form: Any, default_date: dt.date
) -> tuple[dict[str, str], Any]:
    """What was typed, and the check-in record or the FieldError that names every bad field."""
    typed = form_values(form, [name for name, _, _ in CHECK_IN] + list(CHECK_IN_EXTRA))
    with store.read() as session:
        imperial = preferences.get(session, viewer.person_id)["units"] == "imperial"
    values = check_in_values({"date": default_date.isoformat(), **typed}, imperial)
    try:
        return typed, build_day(values, text=True)
    except FieldError as exc:
        return typed, exc


@router.post("/day")
def check_in(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Save today's check-in."""
    typed, record = read_check_in(store, viewer, form, local_now(request).date())
    return _save_check_in(request, store, viewer, record, {"day": typed}, "day", "check-in")


def _save_check_in(
    request: Request,
    store: StoreDep,
    viewer: Viewer,
    record: DayRecord | FieldError,
    typed: dict[str, Any],
    msg: str,
    anchor: str,
) -> Response:
    """Save a check-in and go back to its card, or show Today again with every bad field (422)."""
    if isinstance(record, FieldError):
        context = _today_context(request, store, viewer)
        context.update(errors=record.errors, **typed)
        return page(request, "today.html", context, 422)
    with store.write() as session:
        entries.save_day(session, viewer.person_id, record)
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/?msg={msg}&{changed}#{anchor}", 303)


def read_morning(
    store: StoreDep, viewer: Viewer, form: Any, day: dt.date, now: dt.datetime, default_at: str | None = None
) -> tuple[dict[str, str], DayRecord | FieldError]:
    """What was typed, and that day's morning check-in or the FieldError that names every bad field."""
    typed = form_values(form, [f.name for f in MORNING] + ["morning_at"])
    with store.read() as session:
        imperial = preferences.get(session, viewer.person_id)["units"] == "imperial"
    given = {"morning_at": default_at, **typed} if default_at else typed
    try:  # a time later than now on today's own day is refused by the record itself
        return typed, build_day(
            {**check_in_values(given, imperial), "date": day.isoformat()}, text=True, local_now=now
        )
    except FieldError as exc:
        return typed, exc


@router.post("/day/morning")
def morning_check_in(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Save today's morning check-in: last night's sleep and the morning so far, with its time."""
    tz = form.get("tz")
    now = local_now(request, tz if isinstance(tz, str) else None)
    # Without a typed time the check-in is made now, on the viewer's own clock.
    typed, record = read_morning(store, viewer, form, now.date(), now, now.strftime("%H:%M"))
    return _save_check_in(request, store, viewer, record, {"morning": typed}, "morning", "morning")


@router.post("/day/no-twitches")
def no_twitches_today(request: Request, store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """One tap: today is a known day without twitches (the check-in's values are kept)."""
    tz = form.get("tz")
    today = local_now(request, tz if isinstance(tz, str) else None).date()
    try:
        with store.write() as session:
            entries.confirm_no_twitches(session, viewer.person_id, today)
            changed = changed_query(session, viewer)
    except entries.TwitchesLoggedError as exc:
        context = _today_context(request, store, viewer)
        context.update(errors={"no_twitches": str(exc).partition(": ")[2]})
        return page(request, "today.html", context, 422)
    return RedirectResponse(f"/?msg=no_twitches&{changed}#twitches", 303)


@router.post("/undo")
def undo(store: StoreDep, viewer: WriterDep, form: FormDep) -> Response:
    """Take back the change the message named (or, without one, the latest change)."""
    raw = form.get("change")
    back = form.get("back")
    target = back if isinstance(back, str) and back.startswith(UNDO_BACK) else "/"
    if target != "/" and not target.replace("/", "").replace("-", "").isalnum():
        target = "/"  # only this app's own plain paths: never another site, never a query
    change = row_id(raw)
    if change is not None:
        with store.write() as session:
            done = journal.undo_change(session, viewer.person_id, change)
        return RedirectResponse(f"{target}?msg={'undone' if done else 'not_undone'}&change={change}", 303)
    with store.write() as session:
        summary = journal.undo_last(session, viewer.person_id)
    return RedirectResponse(f"{target}?msg={'undone' if summary else 'nothing'}", 303)
