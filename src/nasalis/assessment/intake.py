"""The intake (schema nasalis.intake/1): every field optional, anything else rejected."""

from __future__ import annotations

import json
import math
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nasalis.assessment.areas import Area as Area  # re-exported: the web schemas read it here
from nasalis.assessment.json_keys import RepeatedKeyError, unique_keys

Tic = Literal[
    "sniffing",
    "throat_clearing",
    "blinking",
    "grimacing",
    "head_jerking",
    "shoulder_shrugging",
    "sounds_or_words",
]
Condition = Literal[
    "tourette",
    "tic_disorder",
    "parkinsons",
    "multiple_sclerosis",
    "epilepsy",
    "stroke_history",
    "thyroid_disease",
    "parathyroid_disease",
    "kidney_disease",
    "diabetes",
    "eating_disorder",
    "alcohol_dependence",
    "anxiety",
]
Onset = Literal["gradual", "sudden"]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
MAX_MEDICATION_NAME = 200
MedicationName = Annotated[str, Field(max_length=MAX_MEDICATION_NAME)]

MAX_MEDICATIONS = 100


class Intake(BaseModel):
    """What the person has told us; a missing (or null) field means 'not known'."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    age_years: Annotated[int, Field(ge=0, le=120)] | None = None
    sex: Literal["female", "male", "other"] | None = None
    pregnant: bool | None = None
    duration_days: NonNegative | None = None
    episodes_per_day: NonNegative | None = None
    episode_seconds: NonNegative | None = None
    trend: Literal["better", "same", "worse"] | None = None
    side: Literal["left", "right", "both", "middle"] | None = None
    areas: list[Area] | None = None
    started_near_eye_then_spread: bool | None = None
    during_sleep: bool | None = None
    urge_before: bool | None = None
    can_hold_back: bool | None = None
    other_tics: list[Tic] | None = None
    eyes_forced_shut: bool | None = None
    interferes_with_daily_life: bool | None = None
    new_face_weakness: bool | None = None
    arm_or_leg_weakness: bool | None = None
    speech_trouble: bool | None = None
    sudden_severe_headache: bool | None = None
    loss_of_awareness: bool | None = None
    numbness: bool | None = None
    numbness_onset: Onset | None = None
    pain: bool | None = None
    vision_change: Literal["none", "gradual", "sudden"] | None = None
    hearing_change: bool | None = None
    hearing_onset: Onset | None = None
    tingling_mouth_or_fingers: bool | None = None
    muscle_cramps: bool | None = None
    recent_neck_surgery: bool | None = None
    trouble_breathing_or_swallowing: bool | None = None
    fever: bool | None = None
    recent_head_injury: bool | None = None
    weeks_since_giving_birth: NonNegative | None = None
    balance_or_coordination_loss: bool | None = None
    neck_stiffness: bool | None = None
    rash: bool | None = None
    vomiting: bool | None = None
    stress_level: Annotated[int, Field(ge=0, le=10)] | None = None
    sleep_hours: Annotated[float, Field(ge=0, le=24, allow_inf_nan=False)] | None = None
    caffeine_drinks_per_day: NonNegative | None = None
    alcohol_drinks_per_week: NonNegative | None = None
    water_litres_per_day: NonNegative | None = None
    recent_fluid_loss: bool | None = None
    allergy_symptoms: bool | None = None
    irritant_exposure: bool | None = None
    restricted_diet: bool | None = None
    medications: Annotated[list[MedicationName], Field(max_length=MAX_MEDICATIONS)] | None = None
    new_medication_recently: bool | None = None
    conditions: list[Condition] | None = None

    @field_validator("areas", "other_tics", "conditions", "medications")
    @classmethod
    def _dedupe(cls, value: list[str] | None) -> list[str] | None:
        # Order-preserving: the same answers in another order must give the same result.
        return None if value is None else list(dict.fromkeys(value))

    def known(self) -> dict[str, Any]:
        """Only the fields that are known, as plain JSON values."""
        return self.model_dump(exclude_none=True)


FIELDS: tuple[str, ...] = tuple(Intake.model_fields)

ADDITIONS = frozenset(
    {
        "numbness_onset",
        "hearing_onset",
        "weeks_since_giving_birth",
        "balance_or_coordination_loss",
        "neck_stiffness",
        "rash",
        "vomiting",
    }
)
"""The contract's "Additions": an intake without them means what it meant before."""


class IntakeError(ValueError):
    """An intake that cannot be assessed; `problems` names every bad field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _describe(field: str) -> str:
    spec = field_spec(field)
    if spec.kind == "bool":
        return "true or false"
    if spec.kind in ("choice", "multi"):
        choices = ", ".join(spec.options)
        return f"one of: {choices}" if spec.kind == "choice" else f"a list of: {choices}"
    if spec.kind == "text_list":
        return f"a list of up to {MAX_MEDICATIONS} names of up to {MAX_MEDICATION_NAME} characters each"
    low, high = spec.low, spec.high
    what = "a whole number" if spec.kind == "int" else "a number"
    if high is not None:
        return f"{what} from {low:g} to {high:g}"
    return f"{what} of at least {low:g}"


def parse_intake(data: object) -> Intake:
    """Validate a decoded JSON value as an intake; IntakeError names every bad field."""
    if not isinstance(data, dict):
        raise IntakeError(["the intake must be a JSON object of answers"])
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for err in exc.errors():
            loc = err["loc"]
            name = str(loc[0]) if loc else "intake"
            if err["type"] == "extra_forbidden":
                problems[name] = f"{name}: not a field of the intake"
            elif err["type"] == "string_too_long" and name not in problems:
                where = name + "".join(f"[{p}]" for p in loc[1:] if isinstance(p, int))
                problems[name] = f"{where}: a name may be at most {MAX_MEDICATION_NAME} characters long"
            elif name not in problems:
                where = name + "".join(f"[{p}]" for p in loc[1:] if isinstance(p, int))
                got = json.dumps(data.get(name), ensure_ascii=False, default=str)[:60]
                problems[name] = f"{where}: must be {_describe(name)} (got {got})"
        raise IntakeError([problems[k] for k in sorted(problems)]) from None


def parse_intake_json(text: str | bytes) -> Intake:
    """Parse intake JSON text; IntakeError on bad JSON, a repeated key or bad fields."""
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=unique_keys)
    except RepeatedKeyError as exc:
        raise IntakeError([f"{exc.key}: given more than once (each answer may appear only once)"]) from None
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise IntakeError([f"not valid JSON: {exc}"]) from None
    return parse_intake(data)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


@dataclass(frozen=True)
class FieldSpec:
    """What kind of answer a field takes, read off the Intake model."""

    kind: Literal["bool", "choice", "multi", "int", "number", "text_list"]
    options: tuple[str, ...] = ()
    low: float = 0.0
    high: float | None = None


def field_spec(field: str) -> FieldSpec:
    """The answer kind, options and bounds of one intake field."""
    info = Intake.model_fields[field]
    annotation = _strip_optional(info.annotation)
    metadata = list(info.metadata)
    if typing.get_origin(annotation) is Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata += [m for e in extra for m in getattr(e, "metadata", [e])]
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return FieldSpec("bool")
    if origin is Literal:
        return FieldSpec("choice", tuple(typing.get_args(annotation)))
    if origin is list:
        (item,) = typing.get_args(annotation)
        if typing.get_origin(item) is Literal:
            return FieldSpec("multi", tuple(typing.get_args(item)))
        return FieldSpec("text_list")
    low = next((float(m.ge) for m in metadata if hasattr(m, "ge")), -math.inf)
    high = next((float(m.le) for m in metadata if hasattr(m, "le")), None)
    return FieldSpec("int" if annotation is int else "number", low=low, high=high)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0]
    return annotation
