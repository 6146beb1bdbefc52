"""/insights (triggers with intervals, time of day) and /experiments (plan, follow, stop)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nasalis.diary import journal
from nasalis.diary.experiments import TITLE_MAX
from nasalis.diary.records import FieldError, parse_date
from nasalis.insights import nof1, nof1power, running
from nasalis.insights.analysis import SHOWN, by_strength, experiment_sentence, plain
from nasalis.insights.cache import cached_report
from nasalis.insights.findings import FactorResult, factor_name, verdict_words
from nasalis.insights.timeofday import WEEKDAYS
from nasalis.insights.triggers import MIN_DAYS
from nasalis.web.charts import bars, forest
from nasalis.web.clock import local_now
from nasalis.web.deps import StoreDep, ViewerDep, WriterDep
from nasalis.web.templating import page
from nasalis.wording import plural

router = APIRouter(include_in_schema=False)


def _row(f: FactorResult) -> dict[str, Any]:
    """One test as a row of the statistics table, in words (no internal names)."""
    if f.estimate is not None:
        effect = f"{f.estimate:.2f} ({f.ci_low:.2f}\u2013{f.ci_high:.2f})"
    elif f.does_not_vary:
        effect = "cannot be tested until it changes"
    elif f.days_needed:
        effect = f"about {plural(f.days_needed, 'more day')}"
    else:
        effect = "—"
    return {
        "verdict": f.verdict,
        "name": factor_name(f.factor),
        "when": ("the day before" if f.lag_days else "same day")
        + ("" if f.kind == "binary" else f", per {f.per}"),
        "words": verdict_words(f),
        "effect": effect,
        "q": None if f.q is None else f"{f.q:.3f}",
        "days": f.days_with_data,
    }


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """What goes with more or fewer twitches in plain sentences, then how sure that is."""
    with store.read() as session:
        report = cached_report(session, viewer.person_id, today=local_now(request).date())
    factors = by_strength(report.insights.factors)
    tested = [f for f in factors if f.estimate is not None]
    tod: dict[str, Any] = report.time_of_day
    weekday_counts = [int(tod["by_weekday"][d]) for d in WEEKDAYS]
    shown = [_row(f) for f in factors if f.verdict in SHOWN]
    rest = [f for f in factors if f.verdict not in SHOWN]
    return page(
        request,
        "insights.html",
        {
            "insights": report.insights,
            "early": report.insights.days_analysed < MIN_DAYS,
            "plain": plain(report.insights),
            "shown": shown,
            "rest": [_row(f) for f in rest],
            "rest_no_sign": sum(f.verdict == "no_evidence" for f in rest),
            "total": len(factors),
            "forest": forest(tested),
            "by_hour": bars(tod["by_hour"], [f"{h:02d}" for h in range(24)], "Twitches by hour of day"),
            "by_weekday": bars(weekday_counts, list(WEEKDAYS), "Twitches by weekday"),
            "tod": tod,
            "experiments": [{**e, "said": experiment_sentence(e)} for e in report.experiments],
        },
    )


EXPERIMENT_LABELS = {
    "title": "The change to try",
    "start": "First day",
    "change": "Sized to detect",
    "weeks": "Length",
    "block_days": "Days per block",
    "washout_days": "Settling-in days after each switch",
    "date": "Kept the change",
}
"""What each field of the experiment form is called on the page (error summaries use these)."""
AUTO = "auto"
"""The form's choice for length and block: the shortest plan with the target power."""
DEFAULT_CHANGE = 0.3


def _power_rows(sizing: dict[str, Any]) -> list[dict[str, Any]]:
    """Per fall: a row per length, a cell per block length, in whole percent."""
    cells = {(r["fall"], r["weeks"], r["block_days"]): r["power"] for r in sizing["power"]}
    return [
        {
            "fall": fall,
            "rows": [
                {"weeks": w, "cells": [round(100 * cells[(fall, w, b)]) for b in nof1power.BLOCK_DAYS]}
                for w in nof1power.WEEKS
            ],
        }
        for fall in nof1power.EFFECTS
    ]


def _experiments_context(request: Request, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    today = local_now(request).date()
    with store.read() as session:  # the experiments only: no trigger analysis for this page
        judged = running.load_results(session, viewer.person_id, today)
        instruction = running.instruction(session, viewer.person_id, today)
        busy = running.under_way(session, viewer.person_id, today)
        under_way = (
            {
                "title": busy.title,
                "state": running.state_of(busy, today),
                "status": running.state_sentence(busy, today),
                "asks": running.asks_today(session, viewer.person_id, today),
                "answer": (busy.adherence or {}).get(today.isoformat()),
            }
            if busy
            else None
        )
        sizing = None if busy else running.load_sizing(session, viewer.person_id, today)
    return {
        "experiments": [{**e, "said": experiment_sentence(e)} for e in judged],
        "instruction": instruction,
        "under_way": under_way,
        "confirm_stop": False,
        "today": today,
        "latest": today + dt.timedelta(days=running.MAX_DAYS_AHEAD),
        "labels": EXPERIMENT_LABELS,
        "effects": nof1power.EFFECTS,
        "weeks_choices": nof1power.WEEKS,
        "block_choices": nof1power.BLOCK_DAYS,
        "sizing": sizing,
        "power_rows": _power_rows(sizing) if sizing else [],
        "title_max": TITLE_MAX,
        "values": {"change": str(DEFAULT_CHANGE), "weeks": AUTO, "block_days": AUTO, "washout_days": ""},
    }


def _refused(
    request: Request, store: StoreDep, viewer: ViewerDep, errors: dict[str, str], values: dict[str, str]
) -> HTMLResponse:
    """The page again with status 422, each message beside its field and what was typed kept."""
    context = _experiments_context(request, store, viewer)
    return page(request, "experiments.html", {**context, "errors": errors, "values": values}, 422)


@router.get("/experiments", response_class=HTMLResponse)
def experiments_page(request: Request, store: StoreDep, viewer: ViewerDep) -> HTMLResponse:
    """The planned or running experiment with today's instruction, past results, and a form to start one."""
    return page(request, "experiments.html", _experiments_context(request, store, viewer))


def _choice(raw: str, choices: tuple[Any, ...], errors: dict[str, str], field: str, what: str) -> Any:
    """The chosen value among `choices` (AUTO stays AUTO), or an error for `field`."""
    raw = raw.strip()
    if raw == AUTO and field in ("weeks", "block_days"):
        return AUTO
    for c in choices:
        if raw == str(c):
            return c
    errors[field] = f"choose {what}"
    return None


@router.post("/experiments")
def start_experiment(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    title: Annotated[str, Form(max_length=1000)] = "",
    start: Annotated[str, Form(max_length=100)] = "",
    change: Annotated[str, Form(max_length=100)] = str(DEFAULT_CHANGE),
    weeks: Annotated[str, Form(max_length=100)] = AUTO,
    block_days: Annotated[str, Form(max_length=100)] = AUTO,
    washout_days: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Plan a randomised experiment; a bad field comes back beside itself with status 422.

    Length and block "auto": the shortest plan with at least 80% power for the chosen change at
    this diary's variation (12 weeks when none reaches it; the page has said so).
    """
    values = {"title": title, "start": start, "change": change, "weeks": weeks, "block_days": block_days}
    values["washout_days"] = washout_days
    today = local_now(request).date()
    errors: dict[str, str] = {}
    first: dt.date | None = None
    try:
        first = parse_date("start", start)
    except FieldError as exc:
        errors["start"] = exc.message
    fall = _choice(change, nof1power.EFFECTS, errors, "change", "50%, 30% or 20%")
    length = _choice(weeks, nof1power.WEEKS, errors, "weeks", "4, 8 or 12 weeks")
    block = _choice(block_days, nof1power.BLOCK_DAYS, errors, "block_days", "3, 5 or 7 days")
    wash: int | None = None
    if washout_days.strip():
        if washout_days.strip().isdigit():
            wash = int(washout_days.strip())
        else:
            errors["washout_days"] = "a whole number of days, 0 or more"
    errors = {**running.start_problems(title, first, today), **errors}
    if errors:
        return _refused(request, store, viewer, errors, values)
    with store.read() as session:
        length, block = running.sized_plan(
            session,
            viewer.person_id,
            today,
            fall,
            None if length == AUTO else length,
            None if block == AUTO else block,
        )
    wash = nof1.default_washout(block) if wash is None else wash
    shape = running.plan_problems(nof1power.pairs_for(length, block), block, wash, fall)
    if shape:
        return _refused(request, store, viewer, shape, values)
    try:
        with store.write() as session:
            running.start(
                session,
                viewer.person_id,
                title,
                first or today + dt.timedelta(days=1),
                nof1power.pairs_for(length, block),
                block,
                wash,
                today=today,
                planned_change=fall,
            )
            made = journal.latest_change_id(session, viewer.person_id)
    except running.ExperimentError as exc:
        return _refused(request, store, viewer, {exc.field or "title": str(exc)}, values)
    return RedirectResponse(f"/experiments?msg=started&change={made}", 303)


@router.post("/experiments/kept")
def change_kept(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    kept: Annotated[str, Form(max_length=10)] = "",
    date: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Today's (or `date`'s) answer to "did you keep the change?"; 422 names the field when refused."""
    today = local_now(request).date()
    if kept not in ("yes", "no"):
        return _refused(request, store, viewer, {"date": "answer yes or no"}, {})
    try:
        day = parse_date("date", date) or today
        with store.write() as session:
            running.record_kept(session, viewer.person_id, day, kept == "yes", today)
            made = journal.latest_change_id(session, viewer.person_id)
    except FieldError as exc:
        return _refused(request, store, viewer, {"date": exc.message}, {})
    except running.ExperimentError as exc:
        return _refused(request, store, viewer, {"date": str(exc)}, {})
    return RedirectResponse(f"/experiments?msg=kept&change={made}", 303)


@router.get("/experiments/stop", response_class=HTMLResponse)
def confirm_stop(request: Request, store: StoreDep, viewer: ViewerDep) -> Response:
    """Ask before stopping: a stopped experiment cannot be picked up again later."""
    context = _experiments_context(request, store, viewer)
    if context["under_way"] is None:
        return RedirectResponse("/experiments", 303)
    return page(request, "experiments.html", {**context, "confirm_stop": True})


@router.post("/experiments/stop")
def stop_experiment(
    request: Request,
    store: StoreDep,
    viewer: WriterDep,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """End the planned or running experiment early, once the person said yes on the question page."""
    if confirm != "yes":
        return confirm_stop(request, store, viewer)
    try:
        with store.write() as session:
            running.stop(session, viewer.person_id, local_now(request).date())
            change = journal.latest_change_id(session, viewer.person_id)
    except running.ExperimentError as exc:
        context = _experiments_context(request, store, viewer)
        return page(request, "experiments.html", {**context, "errors": {"stop": str(exc)}}, 409)
    return RedirectResponse(f"/experiments?msg=stopped&change={change}", 303)
