"""/ (Today): one tap logs a twitch; then optional details, today's check-in, undo."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import entries, journal, preferences
from nasalis.diary.interchange import day_json
from nasalis.diary.records import FieldError, build_day, build_episode
from nasalis.diary.vocab import AREAS, SIDES
from nasalis.insights import running
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import RowId
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

CHECK_IN = (
    ("sleep_hours", "Hours slept last night", "0.5"),
    ("stress", "Stress today (0-10)", "1"),
    ("caffeine_drinks", "Coffees, energy drinks, strong teas", "1"),
    ("alcohol_drinks", "Alcoholic drinks", "1"),
    ("water_litres", "Litres of water and other drinks", "0.1"),
    ("exercise_minutes", "Minutes of exercise", "5"),
)


TODAY_ROWS = 50
FL_OZ_LITRES = 0.0295735
"""One US fluid ounce in litres: imperial settings enter and see water in ounces."""


def _check_in_fields(units: str) -> tuple[tuple[str, str, str], ...]:
    if units != "imperial":
        return CHECK_IN
    return tuple(
        ("water_litres", "Fluid ounces of water and other drinks", "1")
        if name == "water_litres"
        else (name, label, step)
        for name, label, step in CHECK_IN
    )


def form_values(form: Any, names: list[str]) -> dict[str, str]:
    """The non-empty text values of these fields; a multi-valued field joined with ';'."""
    out: dict[str, str] = {}
    for name in names:
        values = [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        if values:
            out[name] = ";".join(v.strip() for v in values)
    return out


def _today_context(request: Request, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    now = local_now(request)
    today = now.date()
    start = dt.datetime.combine(today, dt.time()) - dt.timedelta(days=1)
    with store.read() as session:
        found = entries.episodes_between(session, viewer.person_id, start, start + dt.timedelta(days=3))
        todays = [(e.id, entries.episode_record(e)) for e in found]
        day = entries.day_on(session, viewer.person_id, today)
        instruction = running.instruction(session, viewer.person_id, today)
        prefs = preferences.get(session, viewer.person_id)
    episodes = [(i, r) for i, r in todays if r.started_at.date() == today]
    # Newest first, and at most TODAY_ROWS of them: the diary page lists the rest.
    due = day is None and now.strftime("%H:%M") >= prefs["reminder_time"]
    shown = day_json(entries.day_record(day)) if day else {}
    if prefs["units"] == "imperial" and shown.get("water_litres") is not None:
        shown["water_litres"] = round(shown["water_litres"] / FL_OZ_LITRES)
    return {
        "today": today,
        "episodes": episodes[::-1][:TODAY_ROWS],
        "episode_count": len(episodes),
        "day": shown,
        "check_in": _check_in_fields(prefs["units"]),
        "instruction": instruction,
        "check_in_due": due,
        "sides": SIDES,
        "areas": AREAS,
        "just_logged": request.query_params.get("ep"),
    }


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """Today: the twitch button, today's twitches and today's check-in."""
    return page(request, "today.html", _today_context(request, store, viewer))


@router.post("/episodes")
async def twitch_now(request: Request, store: StoreDep, viewer: WriterDep) -> Response:
    """Log a twitch that is happening now."""
    form = await request.form()
    tz = form.get("tz")
    now = local_now(request, tz if isinstance(tz, str) else None)
    with store.write() as session:
        episode = entries.add_episode(
            session, viewer.person_id, build_episode({"started_at": now.isoformat()}, text=True)
        )
    return RedirectResponse(f"/?msg=logged&ep={episode.id}#details", 303)


@router.post("/episodes/{episode_id}/details")
async def episode_details(
    episode_id: RowId, request: Request, store: StoreDep, viewer: WriterDep
) -> Response:
    """Add intensity, side, areas, duration or a note to a logged twitch."""
    form = await request.form()
    given = form_values(form, ["intensity", "side", "areas", "duration_s", "note"])
    try:
        with store.write() as session:
            episode = entries.get_episode(session, viewer.person_id, episode_id)
            values = {"started_at": entries.episode_record(episode).started_at.isoformat(), **given}
            entries.update_episode(session, viewer.person_id, episode_id, build_episode(values, text=True))
    except FieldError as exc:
        context = _today_context(request, store, viewer)
        context.update(error=str(exc), just_logged=str(episode_id))
        return page(request, "today.html", context, 422)
    back = form.get("back")
    target = back if isinstance(back, str) and back.startswith("/diary") else "/"
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}msg=details", 303)


@router.post("/day")
async def check_in(request: Request, store: StoreDep, viewer: WriterDep) -> Response:
    """Save today's check-in (or another day's, with a date field)."""
    form = await request.form()
    values = form_values(form, [name for name, _, _ in CHECK_IN] + ["allergy_symptoms", "tags", "date"])
    values.setdefault("date", local_now(request).date().isoformat())
    if "water_litres" in values:
        with store.read() as session:
            imperial = preferences.get(session, viewer.person_id)["units"] == "imperial"
        if imperial:
            with contextlib.suppress(ValueError):  # else the record's own check names the bad value
                values["water_litres"] = str(round(float(values["water_litres"]) * FL_OZ_LITRES, 3))
    if "tags" in values:
        values["tags"] = ";".join(t.strip() for t in values["tags"].replace(",", ";").split(";") if t.strip())
    try:
        record = build_day(values, text=True)
    except FieldError as exc:
        context = _today_context(request, store, viewer)
        context["error"] = str(exc)
        return page(request, "today.html", context, 422)
    with store.write() as session:
        entries.save_day(session, viewer.person_id, record)
    return RedirectResponse("/?msg=day", 303)


@router.post("/undo")
async def undo(request: Request, store: StoreDep, viewer: WriterDep) -> Response:
    """Take back the last change."""
    with store.write() as session:
        done = journal.undo_last(session, viewer.person_id)
    form = await request.form()
    back = form.get("back")
    target = back if isinstance(back, str) and back in ("/", "/diary") else "/"
    return RedirectResponse(f"{target}?msg={'undone' if done else 'nothing'}", 303)
