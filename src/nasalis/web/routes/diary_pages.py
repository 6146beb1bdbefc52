"""/diary: a calendar heat-map, the list of twitches and check-ins with filters, edit and delete."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nasalis.diary import entries, local_dates
from nasalis.diary.factors import TABLE
from nasalis.diary.records import (
    EPISODE_RULES,
    DayRecord,
    EpisodeRecord,
    FieldError,
    build_episode,
    parse_date,
)
from nasalis.diary.treatments import list_treatments
from nasalis.diary.vocab import AREAS, SIDES
from nasalis.web.checkin_form import LABELS, form_values
from nasalis.web.clock import local_now
from nasalis.web.deps import FormDep, StoreDep, Viewer, ViewerDep, WriterDep
from nasalis.web.page_cache import CSRF_SLOT, Rendered, cached_part, with_csrf
from nasalis.web.routes.today_pages import changed_query
from nasalis.web.schemas import RowId, date_param
from nasalis.web.templating import TEMPLATES, page
from nasalis.wording import number, plural

router = APIRouter(include_in_schema=False)

WEEKS = 12
_INTENSITY = EPISODE_RULES["intensity"]
STRENGTHS = frozenset(str(n) for n in range(int(_INTENSITY.low or 1), int(_INTENSITY.high or 10) + 1))
"""The strength filter's values, compared as text: int() would take "²" and choke on 5000 digits."""
LIST_ROWS = 30
"""Rows listed before 'show all': a phone should not scroll through years."""


# Rows are formatted here rather than in the template: a page of a busy diary renders
# hundreds of cells, and a Python f-string costs a fraction of a Jinja call.


def _episode_row(e: local_dates.EpisodeLine) -> dict[str, object]:
    return {
        "id": e.id,
        "when": e.started_at.strftime("%Y-%m-%d %H:%M"),
        "intensity": e.intensity or "",
        "side": e.side or "",
        "areas": ", ".join(e.areas or []),
        "note": e.note or "",
    }


def _day_row(d: DayRecord) -> dict[str, object]:
    def show(value: float | int | None) -> object:
        return "" if value is None else value

    return {
        "date": d.date.isoformat(),
        "factors": [show(getattr(d, f.name)) for f in TABLE],
        "tags": ", ".join(d.tags or ()),
        "confirmed": bool(d.no_twitches),
    }


def _bucket(count: int) -> str:
    """Heat-map class: c0 none, c1 one, c2 two or three, c3 four to seven, c4 eight or more."""
    return "c" + str(next(i for i, top in enumerate((0, 1, 3, 7, 10**9)) if count <= top))


def _calendar(
    first: dt.date, last: dt.date, counts: Counter[dt.date], known: set[dt.date]
) -> list[list[Any]]:
    """Weeks (Monday first) of (date, count or None for unknown, bucket) from first to last."""
    start = first - dt.timedelta(days=first.weekday())
    weeks: list[list[Any]] = []
    day = start
    while day <= last:
        week: list[tuple[int, str, str, str, str] | None] = []
        for _ in range(7):
            if day < first or day > last:
                week.append(None)
            else:
                count = counts.get(day, 0) if (day in known or day in counts) else None
                bucket = "unknown" if count is None else _bucket(count)
                title = f"{day.isoformat()}: " + (
                    "no check-in" if count is None else plural(count, "twitch", "twitches")
                )
                mark = "·" if count is None else (str(count) if count else "")
                week.append((day.day, mark, bucket, title, day.isoformat()))
            day += dt.timedelta(days=1)
        weeks.append(week)
    return weeks


def _filter_errors(
    since: str | None, until: str | None, side: str | None, area: str | None, strength: str | None
) -> dict[str, str]:
    """Each bad filter and its message (the page shows them beside the filters)."""
    errors: dict[str, str] = {}
    dates: dict[str, dt.date | None] = {}
    for name, raw in (("from", since), ("to", until)):
        try:
            dates[name] = parse_date(name, raw)
        except FieldError as exc:
            errors[name] = exc.message
    if dates.get("from") and dates.get("to") and dates["from"] > dates["to"]:  # type: ignore[operator]
        errors["from"] = "must not be after 'to'"
    if side and side not in SIDES:
        errors["side"] = f"must be one of {', '.join(SIDES)}"
    if area and area not in AREAS:
        errors["area"] = f"must be one of {', '.join(AREAS)}"
    if strength and strength not in STRENGTHS:
        errors["strength"] = (
            f"must be a whole number from {min(STRENGTHS, key=int)} to {max(STRENGTHS, key=int)}"
        )
    return errors


def _month_labels(first: dt.date, last: dt.date) -> dict[int, str]:
    """The calendar row (week index) where each month begins, and the month's name."""
    start = first - dt.timedelta(days=first.weekday())
    labels: dict[int, str] = {}
    day = first
    while day <= last:
        if day == first or day.day == 1:
            labels.setdefault((day - start).days // 7, day.strftime("%B %Y"))
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return labels


@dataclass(frozen=True)
class Asked:
    """What a request asks of the Diary page: with the person and the journal, all its part depends on."""

    today: dt.date
    """The viewer's local date (from their time zone): the default window ends there."""
    since: str | None
    until: str | None
    side: str | None
    area: str | None
    strength: str | None
    show: str | None

    def query(self) -> str:
        """The filters as a query string, for the 'show all' links (without ?msg= or ?change=)."""
        given = (
            ("from", self.since),
            ("to", self.until),
            ("side", self.side),
            ("area", self.area),
            ("strength", self.strength),
        )
        return urlencode([(name, value) for name, value in given if value is not None])


@router.get("/diary", response_class=HTMLResponse)
def diary_page(
    request: Request,
    store: StoreDep,
    viewer: ViewerDep,
    since: Annotated[str | None, Query(alias="from")] = None,
    until: Annotated[str | None, Query(alias="to")] = None,
    side: str | None = None,
    area: str | None = None,
    strength: Annotated[str | None, Query()] = None,
    show: Annotated[str | None, Query(description="'all' lists every row, not just the latest")] = None,
) -> HTMLResponse:
    """The calendar of recent weeks and the filtered list."""
    asked = Asked(local_now(request).date(), since, until, side, area, strength, show)
    with store.read() as session:
        person = viewer.person_id
        part = cached_part(session, person, asked, lambda: _render(session, person, asked))
    return page(request, "diary.html", {"body": with_csrf(part, viewer.csrf)}, part.status)


def _render(session: Session, person_id: int, asked: Asked) -> Rendered:
    """The Diary page's main part as this state of the diary shows it, with a CSRF slot."""
    since, until, side, area, strength = asked.since, asked.until, asked.side, asked.area, asked.strength
    errors = _filter_errors(since, until, side, area, strength)
    typed = {
        "from": since or "",
        "to": until or "",
        "side": side or "",
        "area": area or "",
        "strength": strength or "",
    }
    if errors:  # show the last good view, and each message beside its filter
        since = until = side = area = strength = None
    last = date_param("to", until) or asked.today
    first = date_param("from", since) or last - dt.timedelta(days=7 * WEEKS - 1)
    min_strength = int(strength) if strength else None
    window = local_dates.EpisodeFilter(first, last)
    filtered = local_dates.EpisodeFilter(first, last, side or None, area or None, min_strength)
    limit = None if asked.show == "all" else LIST_ROWS
    per_day = local_dates.counts_by_local_date(session, person_id, window)
    listed = local_dates.episode_lines(session, person_id, filtered, limit)
    unfiltered = filtered == window
    matching = None if unfiltered else local_dates.count_episodes(session, person_id, filtered)
    known = entries.day_dates(session, person_id, first, last)
    days = [entries.day_record(d) for d in entries.latest_days(session, person_id, first, last, limit)]
    treated = [t for t in list_treatments(session, person_id, first) if t.date <= last]
    counts = Counter({d: n for d, n in per_day.items() if first <= d <= last})
    context = {
        "csrf_token": CSRF_SLOT,
        "errors": errors,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "months": _month_labels(first, last),
        "today": asked.today,
        "weeks": _calendar(first, last, counts, known),
        "episodes": [_episode_row(e) for e in listed],
        "days": [_day_row(d) for d in days],
        "treatments": list(reversed(treated)),
        "factor_columns": [f.column for f in TABLE],
        "episode_count": sum(counts.values()) if matching is None else matching,
        "day_count": len(known),
        "query": asked.query(),
        "filters": typed
        if errors
        else {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "side": side or "",
            "area": area or "",
            "strength": strength or "",
        },
        "sides": SIDES,
        "areas": AREAS,
        "total": sum(counts.values()),
    }
    return Rendered(TEMPLATES.get_template("_diary_body.html").render(context), 422 if errors else 200)


def _shown(rec: EpisodeRecord) -> dict[str, object]:
    """A stored twitch as the edit form shows it."""
    return {
        "started_at": rec.started_at.strftime("%Y-%m-%dT%H:%M"),
        "intensity": rec.intensity or "",
        "side": rec.side or "",
        "areas": list(rec.areas or ()),
        "duration_s": "" if rec.duration_s is None else number(rec.duration_s),
        "note": rec.note or "",
    }


def _edit_page(
    request: Request,
    store: StoreDep,
    viewer: Viewer,
    episode_id: int,
    typed: dict[str, str] | None,
    errors: dict[str, str],
) -> HTMLResponse:
    with store.read() as session:
        rec = entries.episode_record(entries.get_episode(session, viewer.person_id, episode_id))
    shown = _shown(rec)
    if typed is not None:  # what the person typed, so a mistake costs one field, not the form
        shown = {**dict.fromkeys(shown, ""), **typed, "areas": typed.get("areas", "").split(";")}
        shown["started_at"] = typed.get("started_at", "")[:16]
    context = {
        "id": episode_id,
        "e": rec,
        "v": shown,
        "sides": SIDES,
        "areas": AREAS,
        "labels": LABELS,
        "errors": errors,
        "latest": local_now(request).strftime("%Y-%m-%dT%H:%M"),
    }
    return page(request, "episode_edit.html", context, 422 if errors else 200)


@router.get("/diary/episodes/{episode_id}", response_class=HTMLResponse)
def edit_episode_page(
    episode_id: RowId, request: Request, store: StoreDep, viewer: ViewerDep
) -> HTMLResponse:
    """A form to change or delete one twitch."""
    return _edit_page(request, store, viewer, episode_id, None, {})


@router.post("/diary/episodes/{episode_id}")
def save_episode(
    episode_id: RowId, request: Request, store: StoreDep, viewer: WriterDep, form: FormDep
) -> Response:
    """Save an edited twitch (undo restores the old values)."""
    typed = form_values(form, ["started_at", "intensity", "side", "areas", "duration_s", "note"])
    values = dict(typed)
    if "started_at" in values and len(values["started_at"]) == 16:  # a datetime-local field: no offset
        offset = form.get("offset")
        values["started_at"] += offset if isinstance(offset, str) and len(offset) == 6 else "+00:00"
    try:
        record = build_episode(values, text=True)
        with store.write() as session:
            entries.update_episode(session, viewer.person_id, episode_id, record)
            changed = changed_query(session, viewer)
    except FieldError as exc:
        return _edit_page(request, store, viewer, episode_id, typed, exc.errors)
    return RedirectResponse(f"/diary?msg=saved&{changed}", 303)


@router.post("/diary/episodes/{episode_id}/delete")
def delete_episode(episode_id: RowId, store: StoreDep, viewer: WriterDep) -> Response:
    """Delete a twitch (undo brings it back)."""
    with store.write() as session:
        entries.delete_episode(session, viewer.person_id, episode_id)
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/diary?msg=deleted&{changed}", 303)


@router.post("/diary/days/{date}/delete")
def delete_day(date: str, store: StoreDep, viewer: WriterDep) -> Response:
    """Delete a day's check-in (undo brings it back)."""
    day = date_param("date", date, "path")
    if day is None:
        raise HTTPException(404, "no such check-in")
    with store.write() as session:
        entries.delete_day(session, viewer.person_id, day)
        changed = changed_query(session, viewer)
    return RedirectResponse(f"/diary?msg=deleted&{changed}", 303)
