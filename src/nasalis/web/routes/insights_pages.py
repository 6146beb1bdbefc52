"""/insights (triggers with intervals, time of day) and /experiments (plan, follow, stop)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary.records import parse_date
from nasalis.insights import running
from nasalis.insights.report import load_report
from nasalis.insights.timeofday import WEEKDAYS
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.plots import bars, forest
from nasalis.web.templating import page

router = APIRouter(include_in_schema=False)

VERDICT_ORDER = ("likely_trigger", "likely_protective", "possible", "no_evidence", "not_enough_data")
VERDICT_WORDS = {
    "likely_trigger": "Likely trigger",
    "likely_protective": "Seems to help",
    "possible": "Possible — not sure",
    "no_evidence": "No sign of an effect",
    "not_enough_data": "Not enough data yet",
}


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """What goes with more or fewer twitches, and how sure that is."""
    with store.read() as session:
        report = load_report(session, viewer.person_id, today=local_now(request).date())
    factors = sorted(report.insights.factors, key=lambda f: (VERDICT_ORDER.index(f.verdict), f.p or 1))
    tested = [f for f in factors if f.estimate is not None]
    tod: dict[str, Any] = report.time_of_day
    weekday_counts = [int(tod["by_weekday"][d]) for d in WEEKDAYS]
    return page(
        request,
        "insights.html",
        {
            "insights": report.insights,
            "factors": factors,
            "words": VERDICT_WORDS,
            "forest": forest(tested),
            "by_hour": bars(tod["by_hour"], [f"{h:02d}" for h in range(24)], "Twitches by hour of day"),
            "by_weekday": bars(weekday_counts, list(WEEKDAYS), "Twitches by weekday"),
            "tod": tod,
            "experiments": report.experiments,
        },
    )


def _experiments_context(request: Request, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    today = local_now(request).date()
    with store.read() as session:  # the experiments only: no trigger analysis for this page
        judged = running.load_results(session, viewer.person_id, today)
        instruction = running.instruction(session, viewer.person_id, today)
    return {"experiments": judged, "instruction": instruction, "error": None, "today": today}


@router.get("/experiments", response_class=HTMLResponse)
def experiments_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The running experiment with today's instruction, past results, and a form to start one."""
    return page(request, "experiments.html", _experiments_context(request, store, viewer))


@router.post("/experiments")
def start_experiment(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    title: Annotated[str, Form(max_length=200)],
    start: Annotated[str, Form(max_length=20)] = "",
    pairs: Annotated[str, Form(max_length=5)] = "2",
) -> Response:
    """Plan a randomised experiment."""
    try:
        first = parse_date("start", start) or local_now(request).date() + dt.timedelta(days=1)
        count = int(pairs)
    except ValueError:
        context = _experiments_context(request, store, viewer)
        context["error"] = "start: must be a date, and pairs a whole number"
        return page(request, "experiments.html", context, 422)
    try:
        with store.write() as session:
            running.start(session, viewer.person_id, title, first, count)
    except running.ExperimentError as exc:
        context = _experiments_context(request, store, viewer)
        context["error"] = f"{exc.field}: {exc}" if exc.field else str(exc)
        return page(request, "experiments.html", context, 422)
    return RedirectResponse("/experiments?msg=started", 303)


@router.post("/experiments/stop")
def stop_experiment(request: Request, store: StoreDep, viewer: WriterDep) -> Response:
    """End the running experiment early."""
    try:
        with store.write() as session:
            running.stop(session, viewer.person_id, local_now(request).date())
    except running.ExperimentError as exc:
        context = _experiments_context(request, store, viewer)
        context["error"] = str(exc)
        return page(request, "experiments.html", context, 409)
    return RedirectResponse("/experiments?msg=stopped", 303)
