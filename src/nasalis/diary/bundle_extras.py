"""The JSON bundle's extras (medicines, notes, assessments, experiments, settings): their rules and checks."""

from __future__ import annotations

from typing import Any

from nasalis.assessment.result import SCHEMA as ASSESSMENT_SCHEMA
from nasalis.assessment.result import Reason
from nasalis.diary import preferences
from nasalis.diary.bundle import AssessmentRecord, ExperimentRecord, InterchangeError, MedicineRecord
from nasalis.diary.records import (
    FieldError,
    RecordError,
    Rule,
    read_value,
    refuse_future_date,
    refuse_future_instant,
)
from nasalis.knowledge.curated import LEVELS


def json_errors(where: str, exc: FieldError) -> str:
    """Every bad field of one JSON object, after where it is."""
    return f"{where}, " + "; ".join(f"field '{name}': {message}" for name, message in exc.errors.items())


MAX_BLOCKS = 48
"""The most blocks an imported experiment may have (the planner makes at most 24)."""
MAX_NAME = 200
"""Medicine names, doses and experiment titles: the longest the store keeps."""
MEDICINE_RULES: dict[str, Rule] = {
    "name": Rule("text", high=MAX_NAME, required=True),
    "dose": Rule("text", high=MAX_NAME),
    "started_on": Rule("date"),
    "stopped_on": Rule("date"),
}
NOTE_RULES: dict[str, Rule] = {
    "written_at": Rule("instant", required=True),
    "text": Rule("text", required=True),
}
ASSESSMENT_RULES: dict[str, Rule] = {
    "at": Rule("instant", required=True),
    "level": Rule("choice", options=LEVELS, required=True),
}
EXPERIMENT_RULES: dict[str, Rule] = {
    "title": Rule("text", high=MAX_NAME, required=True),
    "start_date": Rule("date", required=True),
    "block_days": Rule("int", low=1, high=365, required=True),
    "washout_days": Rule("int", low=0, high=364, required=True),
    "stopped_on": Rule("date"),
}


def fields(item: dict[str, Any], rules: dict[str, Rule], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """`item` read by `rules`: RecordError names every bad or unknown field; no future dates."""
    errors: dict[str, str] = {k: "is not a field here" for k in item if k not in rules and k not in extra}
    out: dict[str, Any] = {}
    for name, rule in rules.items():
        try:
            out[name] = read_value(name, rule, item.get(name), text=False)
            if rule.required and out[name] is None:
                raise FieldError(name, "is required")
            if rule.kind == "text" and rule.high and len(out[name] or "") > rule.high:
                raise FieldError(name, f"is longer than {rule.high:g} characters")
            if rule.kind == "instant":
                refuse_future_instant(name, out[name])
            elif name == "started_on" and out[name] is not None:
                refuse_future_date(name, out[name])
        except FieldError as exc:
            errors[name] = exc.message
    if errors:
        raise RecordError(errors)
    return out


def medicine(item: dict[str, Any]) -> MedicineRecord:
    """A medicine; it cannot stop before it started."""
    checked = fields(item, MEDICINE_RULES)
    started, stopped = checked["started_on"], checked["stopped_on"]
    if started and stopped and stopped < started:
        raise FieldError("stopped_on", "is before started_on")
    return MedicineRecord(**checked)


def assessment(item: dict[str, Any]) -> AssessmentRecord:
    """An assessment: its time and level, the intake as answered, the result as it was shown."""
    checked = fields(item, ASSESSMENT_RULES, extra=("intake", "result"))
    intake, result = item.get("intake"), item.get("result")
    if not isinstance(intake, dict):
        raise FieldError("intake", "must be an object (the answers)")
    if not isinstance(result, dict) or result.get("schema") != ASSESSMENT_SCHEMA:
        raise FieldError("result", f'must be an assessment result ("schema": "{ASSESSMENT_SCHEMA}")')
    if result.get("level") != checked["level"]:
        raise FieldError("result", "its level differs from the assessment's level")
    reasons = result.get("reasons", [])
    try:
        # The report and the FHIR export read each reason: a malformed one must not reach them.
        if not isinstance(reasons, list) or not isinstance(result.get("headline", ""), str):
            raise ValueError
        for reason in reasons:
            Reason.model_validate(reason)
    except ValueError:
        raise FieldError("result", "its headline or reasons are not an assessment's") from None
    return AssessmentRecord(checked["at"], checked["level"], intake, result)


def experiment(item: dict[str, Any]) -> ExperimentRecord:
    """An experiment's plan; the washout must be shorter than a block."""
    checked = fields(item, EXPERIMENT_RULES, extra=("schedule",))
    schedule = item.get("schedule")
    if not isinstance(schedule, list) or not 0 < len(schedule) <= MAX_BLOCKS or set(schedule) - {"A", "B"}:
        raise FieldError("schedule", f'must be a list of 1 to {MAX_BLOCKS} blocks, each "A" or "B"')
    if checked["washout_days"] >= checked["block_days"]:
        raise FieldError("washout_days", "must be shorter than block_days")
    stopped = checked["stopped_on"]
    if stopped is not None and stopped < checked["start_date"]:
        raise FieldError("stopped_on", "is before start_date")
    return ExperimentRecord(**checked, schedule=tuple(schedule))


def read_settings(file: str, raw: object) -> dict[str, Any] | None:
    """The bundle's settings object, checked as the Settings page checks them."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InterchangeError(f"{file}, settings: must be an object")
    try:
        typed = {k: "" if v is None else str(v) for k, v in raw.items()}
        bad = [k for k, v in raw.items() if not isinstance(v, str | int | None) or isinstance(v, bool)]
        if bad:
            raise FieldError(bad[0], "must be text or a whole number")
        return preferences.check(typed)
    except FieldError as exc:
        raise InterchangeError(json_errors(f"{file}, settings", exc)) from None
