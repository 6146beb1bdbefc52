"""The cycles contract (nasalis.cycles/1): every treatment's cycle and every medicine change.

One data function (load_cycles) serves `nasalis cycles`, `GET /api/cycles`, the Treatments page
and the report. The numbers come from nasalis.insights.cycle_fit (cycles) and
nasalis.insights.medicine_its (medicine changes); this module reads the diary and words them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from nasalis.diary.entries import insight_inputs, medications_of
from nasalis.diary.models import Medication
from nasalis.diary.records import DayRecord
from nasalis.diary.treatments import list_treatments
from nasalis.insights.cycle_fit import BASELINE_DAYS, CycleFit, compare, cycle_data, fit_cycle
from nasalis.insights.frames import daily_frame
from nasalis.insights.medicine_its import WINDOW_DAYS, ChangeResult, MedicineChange, analyse_change

SCHEMA = "nasalis.cycles/1"
STATUSES = ("complete", "ongoing", "no_clear_effect", "not_enough_data")
VERDICTS = ("helps", "no clear effect", "makes it worse", "not enough data")
CHANGES = ("start", "stop", "dose_change")
DOSE_CHANGE_DAYS = 1
"""A stop and a start of the same medicine at another dose within a day are one dose change."""
NOT_ADVICE = (
    "What followed a change is not proof that the change caused it, and it is not a diagnosis. "
    "Talk to your prescriber before changing or stopping any medicine."
)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CycleOut(_Out):
    """One treatment's cycle: the contract's fields first, then optional extras."""

    date: dt.date
    kind: str
    product: str | None
    days_followed: int = Field(ge=0)
    baseline_per_day: float | None
    best_per_day: float | None
    relative_change: float | None
    onset_day: int | None
    onset_day_ci: tuple[int, int] | None
    wear_off_day: int | None
    wear_off_day_ci: tuple[int, int] | None
    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    best_day: int | None = Field(None, description="Optional: the day of the lowest fitted level.")
    sentence: str = Field("", description="Optional: the cycle in plain words.")
    observed: list[tuple[int, float]] = Field(
        default_factory=list, description="Optional: (day since the treatment, twitches) per logged day."
    )
    fitted: list[float] = Field(
        default_factory=list, description="Optional: the fitted twitches per day on days 0, 1, ..."
    )


class MedicineChangeOut(_Out):
    """One start, stop or dose change of a medicine and what followed it."""

    name: str
    change: str = Field(json_schema_extra={"enum": list(CHANGES)})
    date: dt.date
    rate_ratio: float | None
    ci: tuple[float, float] | None
    verdict: str = Field(json_schema_extra={"enum": list(VERDICTS)})
    warnings: list[str]
    slope_change_per_week: float | None = Field(
        None, description="Optional: the change of the weekly trend, as a rate ratio per week."
    )
    sentence: str = Field("", description="Optional: the change in plain words.")


class CyclesReport(_Out):
    """nasalis.cycles/1."""

    schema_: str = Field(SCHEMA, alias="schema", serialization_alias="schema")
    cycles: list[CycleOut]
    medicine_changes: list[MedicineChangeOut]
    comparison: str | None = Field(None, description="Optional: the cycles compared in one sentence.")
    note: str = Field(NOT_ADVICE, description="Optional: what these numbers are not.")

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON (dates as YYYY-MM-DD, intervals as two-item lists)."""
        return self.model_dump(mode="json", by_alias=True)


def cycle_sentence(number: int, fit: CycleFit) -> str:
    """One cycle in plain words: "cycle 3: effect from day 6, best -70% at week 5, wore off at day 74"."""
    head = f"cycle {number}"
    if fit.status == "not_enough_data":
        return f"{head}: not enough logged days around it to tell"
    if fit.status == "no_clear_effect":
        return f"{head}: no fall in twitches that the diary can tell from chance"
    parts = []
    if fit.onset_day is not None:
        parts.append(f"effect from day {fit.onset_day}")
    if fit.relative_change is not None and fit.best_day is not None:
        parts.append(f"best {round(100 * fit.relative_change)}% at week {fit.best_day // 7}")
    if fit.wear_off_day is not None:
        ci = fit.wear_off_day_ci
        parts.append(f"wore off at day {fit.wear_off_day}" + (f" ({ci[0]}\N{EN DASH}{ci[1]})" if ci else ""))
    elif fit.status == "ongoing":
        parts.append("not worn off yet")
    else:
        parts.append("the next treatment came before it wore off")
    return f"{head}: " + ", ".join(parts)


def change_sentence(result: ChangeResult) -> str:
    """A medicine change in plain words (what followed it, never advice)."""
    what = {"start": "starting", "stop": "stopping", "dose_change": "the dose change of"}[result.change]
    head = f"After {what} {result.name} on {result.date.isoformat()}"
    if result.verdict == "not enough data" or result.rate_ratio is None or result.ci is None:
        return f"{head}: not enough logged days before and after to tell."
    pct = round(100 * (result.rate_ratio - 1))
    size = f"{abs(pct)}% {'fewer' if pct < 0 else 'more'} twitches a day"
    interval = f"95% interval {result.ci[0]:.2f}\N{EN DASH}{result.ci[1]:.2f} times"
    if result.verdict == "no clear effect":
        return f"{head}: no clear change ({size}, {interval}, which includes no change)."
    return f"{head}: {size} ({interval})."


def medicine_changes(medications: Sequence[Medication]) -> list[MedicineChange]:
    """Each medicine's starts, stops and dose changes, oldest first, with their neighbours."""
    by_name: dict[str, list[Medication]] = {}
    for m in medications:
        by_name.setdefault((m.matched or m.name).strip().lower(), []).append(m)
    out: list[MedicineChange] = []
    for rows in by_name.values():
        events: list[tuple[dt.date, str, str]] = []
        for m in rows:
            if m.started_on is not None and m.started_on == m.stopped_on:
                continue  # started and stopped on one day: no before and after to compare
            if m.started_on is not None:
                events.append((m.started_on, "start", m.name))
            if m.stopped_on is not None:
                events.append((m.stopped_on, "stop", m.name))
        events.sort(key=lambda e: (e[0], e[1] == "start"))
        merged: list[tuple[dt.date, str, str]] = []
        for date, change, name in events:
            prev = merged[-1] if merged else None
            if (
                change == "start"
                and prev is not None
                and prev[1] == "stop"
                and (date - prev[0]).days <= DOSE_CHANGE_DAYS
                and _doses_differ(rows, prev[0], date)
            ):
                merged[-1] = (date, "dose_change", name)
                continue
            merged.append((date, change, name))
        for i, (date, change, name) in enumerate(merged):
            since = merged[i - 1][0] if i else None
            until = merged[i + 1][0] if i + 1 < len(merged) else None
            out.append(MedicineChange(name, change, date, until, since))
    return sorted(out, key=lambda c: (c.date, c.name))


def _doses_differ(rows: Sequence[Medication], stopped: dt.date, started: dt.date) -> bool:
    old = {m.dose for m in rows if m.stopped_on == stopped}
    new = {m.dose for m in rows if m.started_on == started}
    return bool(old and new and old != new)


def daily_counts(days: list[DayRecord], starts: list[dt.datetime]) -> dict[dt.date, float]:
    """Twitches on each logged day (a day without a check-in is unknown, never zero)."""
    frame = daily_frame(days, starts)
    dates = pd.DatetimeIndex(frame.index).date
    return {d: float(v) for d, v in zip(dates, frame["episodes"], strict=True)}


def make_cycles(
    counts: dict[dt.date, float],
    treatments: Sequence[tuple[dt.date, str, str | None]],
    changes: Sequence[MedicineChange],
    today: dt.date,
) -> CyclesReport:
    """The contract from daily counts, treatments (date, kind, product) and medicine changes."""
    # `today` ends what is read: a report cut to a period must not see the days after it.
    counts = {d: n for d, n in counts.items() if d <= today}
    changes = [c for c in changes if c.date <= today]
    last = max(counts) if counts else None
    ordered = sorted(t for t in treatments if t[0] <= today)
    cycles: list[CycleOut] = []
    fits: list[CycleFit] = []
    for i, (on, kind, product) in enumerate(ordered):
        nxt = next((d for d, _, _ in ordered[i + 1 :] if d > on), None)
        # followed up to the last logged day; none logged since the treatment: followed for 0 days
        followed_to = on - dt.timedelta(days=1) if last is None or last < on else last
        data = cycle_data(counts, on, nxt, followed_to)
        fit = fit_cycle(data)
        fits.append(fit)
        observed = [(int(d), float(y)) for d, y in zip(data.day, data.count, strict=True) if d >= 0]
        cycles.append(
            CycleOut(
                date=on,
                kind=kind,
                product=product,
                days_followed=fit.days_followed,
                baseline_per_day=fit.baseline_per_day,
                best_per_day=fit.best_per_day,
                relative_change=fit.relative_change,
                onset_day=fit.onset_day,
                onset_day_ci=fit.onset_day_ci,
                wear_off_day=fit.wear_off_day,
                wear_off_day_ci=fit.wear_off_day_ci,
                status=fit.status,
                best_day=fit.best_day,
                sentence=cycle_sentence(i + 1, fit),
                observed=observed,
                fitted=fit.fitted,
            )
        )
    meds = []
    for change in changes:
        result = analyse_change(counts, change, last or today)
        meds.append(
            MedicineChangeOut(
                name=result.name,
                change=result.change,
                date=result.date,
                rate_ratio=result.rate_ratio,
                ci=result.ci,
                verdict=result.verdict,
                warnings=result.warnings,
                slope_change_per_week=result.slope_change_per_week,
                sentence=change_sentence(result),
            )
        )
    return CyclesReport(cycles=cycles, medicine_changes=meds, comparison=compare(fits))


def load_cycles(
    session: Session, person_id: int, since: dt.date | None = None, today: dt.date | None = None
) -> CyclesReport:
    """Read one person's diary, treatments and medicines (from `since`) and analyse the cycles."""
    # The analysis is of treatments and changes from `since`, but each needs the days before it
    # (its 28-day baseline, a medicine's 8 weeks): those are read even when they come earlier.
    reach = max(BASELINE_DAYS, WINDOW_DAYS)
    days, starts = insight_inputs(
        session, person_id, None if since is None else since - dt.timedelta(days=reach)
    )
    treatments = [
        (t.date, t.kind, t.record.product)
        for t in list_treatments(session, person_id)
        if since is None or t.date >= since
    ]
    changes = [
        c for c in medicine_changes(medications_of(session, person_id)) if since is None or c.date >= since
    ]
    return make_cycles(daily_counts(days, starts), treatments, changes, today or dt.date.today())
