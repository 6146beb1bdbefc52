"""/api/episodes, /api/days, /api/undo and /api/settings: the diary as JSON.

Every query is scoped to the signed-in person; someone else's id answers 404, exactly like
an id that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from nasalis.diary import entries, episode_writer, journal, local_dates, preferences
from nasalis.diary.json_writer import day_json, episode_json
from nasalis.diary.models import Day, Episode
from nasalis.diary.records import FieldError, build_day, build_episode
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.schemas import (
    DayIn,
    DayOut,
    EpisodeIn,
    EpisodeOut,
    Message,
    RowId,
    SettingsIn,
    date_param,
    invalid,
)

router = APIRouter(prefix="/api", tags=["diary"])


def _episode_out(e: Episode) -> dict[str, Any]:
    return {"id": e.id, **episode_json(entries.episode_record(e))}


def _day_out(d: Day) -> dict[str, Any]:
    return day_json(entries.day_record(d))


def _path_date(raw: str) -> dt.date:
    day = date_param("date", raw, "path")
    if day is None:
        raise invalid("date", "is required", "path")
    return day


@router.get("/episodes", response_model=list[EpisodeOut], summary="Episodes, oldest first")
def list_episodes(
    store: StoreDep,
    viewer: ViewerDep,
    since: Annotated[str | None, Query(description="From this local date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Query(description="To this local date, YYYY-MM-DD.")] = None,
) -> list[dict[str, Any]]:
    """This person's episodes between two local dates (both included)."""
    first, last = date_param("since", since), date_param("until", until)
    with store.read() as session:
        return [_episode_out(e) for e in local_dates.episodes_on(session, viewer.person_id, first, last)]


def _episode_record(body: EpisodeIn) -> Any:
    try:
        return build_episode(body.model_dump(exclude_none=True), text=False)
    except FieldError as exc:
        raise invalid(exc.field, exc.message) from None


@router.post("/episodes", response_model=EpisodeOut, status_code=201, summary="Log an episode")
def create_episode(body: EpisodeIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Log a twitch (one already logged at the same instant is replaced)."""
    record = _episode_record(body)
    with store.write() as session:
        return _episode_out(episode_writer.log_episode(session, viewer.person_id, record))


@router.get("/episodes/{episode_id}", response_model=EpisodeOut, responses={404: {"model": Message}})
def read_episode(episode_id: RowId, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """One episode."""
    with store.read() as session:
        return _episode_out(entries.get_episode(session, viewer.person_id, episode_id))


@router.put("/episodes/{episode_id}", response_model=EpisodeOut, responses={404: {"model": Message}})
def replace_episode(episode_id: RowId, body: EpisodeIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Replace an episode's values (undo restores them)."""
    record = _episode_record(body)
    with store.write() as session:
        return _episode_out(entries.update_episode(session, viewer.person_id, episode_id, record))


@router.delete("/episodes/{episode_id}", status_code=204, responses={404: {"model": Message}})
def remove_episode(episode_id: RowId, store: StoreDep, viewer: WriterDep) -> Response:
    """Delete an episode (undo brings it back)."""
    with store.write() as session:
        entries.delete_episode(session, viewer.person_id, episode_id)
    return Response(status_code=204)


@router.get("/days", response_model=list[DayOut], summary="Check-ins, oldest first")
def list_days(
    store: StoreDep,
    viewer: ViewerDep,
    since: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
) -> list[dict[str, Any]]:
    """This person's check-ins between two dates (both included)."""
    first, last = date_param("since", since), date_param("until", until)
    with store.read() as session:
        return [_day_out(d) for d in entries.days_between(session, viewer.person_id, first, last)]


@router.get("/days/{date}", response_model=DayOut, responses={404: {"model": Message}})
def read_day(date: str, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """One day's check-in."""
    day_date = _path_date(date)
    with store.read() as session:
        day = entries.day_on(session, viewer.person_id, day_date)
        if day is None:
            raise HTTPException(404, f"no check-in on {day_date}")
        return _day_out(day)


@router.put("/days/{date}", response_model=DayOut)
def save_day(date: str, body: DayIn, request: Request, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Record a day's check-in; given values replace those already there."""
    values = body.model_dump(exclude_none=True)
    factors = values.pop("factors", None)
    try:
        record = build_day(
            {"date": date, **values}, text=False, factors=factors, local_now=local_now(request)
        )
    except FieldError as exc:
        raise invalid(exc.field, exc.message) from None
    try:
        with store.write() as session:
            return _day_out(entries.save_day(session, viewer.person_id, record))
    except entries.TwitchesLoggedError as exc:
        raise invalid("no_twitches", str(exc).partition(": ")[2]) from None


@router.delete("/days/{date}", status_code=204, responses={404: {"model": Message}})
def remove_day(date: str, store: StoreDep, viewer: WriterDep) -> Response:
    """Delete a check-in (the day becomes unknown; undo brings it back)."""
    day_date = _path_date(date)
    with store.write() as session:
        entries.delete_day(session, viewer.person_id, day_date)
    return Response(status_code=204)


@router.post("/undo", response_model=Message, summary="Take back the last change")
def undo(store: StoreDep, viewer: WriterDep) -> dict[str, str]:
    """Undo this person's latest change: an entry, an edit, a deletion or a whole import."""
    with store.write() as session:
        done = journal.undo_last(session, viewer.person_id)
    return {"detail": done or "nothing to undo"}


@router.get("/settings", summary="Your settings")
def read_settings(store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """Units and reminder time."""
    with store.read() as session:
        return preferences.get(session, viewer.person_id)


@router.put("/settings", summary="Change settings")
def write_settings(body: SettingsIn, store: StoreDep, viewer: WriterDep) -> dict[str, Any]:
    """Change units or the reminder time."""
    try:
        with store.write() as session:
            return preferences.save(session, viewer.person_id, body.model_dump(exclude_none=True))
    except FieldError as exc:
        raise invalid(exc.field, exc.message) from None
