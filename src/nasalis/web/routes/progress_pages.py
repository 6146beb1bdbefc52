"""/progress: is it getting better? Twitches week by week, and the last four weeks in one sentence."""

from __future__ import annotations

import base64
import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nasalis.diary import entries, local_dates
from nasalis.report.plots import weekly_trend
from nasalis.report.progress import MIN_CHECK_INS, WINDOW_DAYS, progress
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

PHONE_PLOT = (3.4, 2.0)
"""Inches at 8 pt text: drawn about 360 px wide on a phone, the labels are about 11 px."""


def plot_uri(svg: str) -> str:
    """The report's SVG as an image address: inside an <img>, its own inline styles need no CSP exception."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The whole diary week by week, and whether the last four weeks had fewer twitches."""
    today = local_now(request).date()
    with store.read() as session:
        # Counted by the database: a five-year diary stays two small queries.
        counts = local_dates.counts_by_local_date(session, viewer.person_id, local_dates.EpisodeFilter())
        check_ins = entries.day_dates(session, viewer.person_id, dt.date.min, today)
    found = progress(counts, check_ins, today)
    svg = weekly_trend(found.weeks, PHONE_PLOT)
    context = {
        "p": found,
        "plot": plot_uri(svg) if svg else None,
        "window_weeks": WINDOW_DAYS // 7,
        "min_check_ins": MIN_CHECK_INS,
        "logged": sum(counts.values()),
    }
    return page(request, "progress.html", context)
