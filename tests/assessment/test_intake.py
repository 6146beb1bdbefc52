"""The intake contract: optional fields, strict types, every bad field named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nasalis.assessment import Intake, IntakeError, assess, parse_intake, parse_intake_json
from nasalis.assessment.intake import FIELDS, field_spec


def test_empty_and_null_mean_unknown() -> None:
    assert parse_intake({}).known() == {}
    assert parse_intake({"fever": None, "areas": None}).known() == {}


def test_every_bad_field_is_named_once() -> None:
    with pytest.raises(IntakeError) as info:
        parse_intake(
            {
                "age_years": 121,
                "fever": "yes",
                "colour": "red",
                "areas": ["nose", "toe"],
                "stress_level": 4.5,
                "sleep_hours": 25,
                "pregnant": 1,
                "sex": "Female",
            }
        )
    named = [p.split(":")[0].split("[")[0] for p in info.value.problems]
    assert named == sorted(
        ["age_years", "fever", "colour", "areas", "stress_level", "sleep_hours", "pregnant", "sex"]
    )
    assert any("not a field of the intake" in p for p in info.value.problems)


@pytest.mark.parametrize(
    "text",
    ["", "[1, 2]", '"x"', "{bad json", '{"duration_days": NaN}', '{"duration_days": Infinity}'],
)
def test_not_an_intake(text: str) -> None:
    with pytest.raises(IntakeError):
        parse_intake_json(text)


def test_bool_is_not_a_number_and_number_is_not_a_bool() -> None:
    for bad in (
        {"age_years": True},
        {"fever": 0},
        {"duration_days": "3"},
        {"medications": "aspirin"},
    ):
        with pytest.raises(IntakeError):
            parse_intake(bad)


def test_limits_on_size() -> None:
    with pytest.raises(IntakeError):
        parse_intake({"medications": ["x"] * 101})
    with pytest.raises(IntakeError):
        parse_intake({"medications": ["x" * 201]})


def _value_for(field: str) -> st.SearchStrategy[Any]:
    spec = field_spec(field)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "choice":
        return st.sampled_from(spec.options)
    if spec.kind == "multi":
        return st.lists(st.sampled_from(spec.options), max_size=4)
    if spec.kind == "text_list":
        return st.lists(st.text(max_size=30), max_size=5)
    high = spec.high if spec.high is not None else 1e6
    if spec.kind == "int":
        return st.integers(int(spec.low), int(high))
    return st.floats(spec.low, high, allow_nan=False)


VALID_INTAKES = st.fixed_dictionaries({}, optional={f: _value_for(f) for f in FIELDS})
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(VALID_INTAKES)
def test_every_valid_intake_is_assessed_deterministically(data: dict[str, Any]) -> None:
    intake = parse_intake(data)
    first = assess(intake).dumps()
    assert first == assess(parse_intake(json.loads(json.dumps(data)))).dumps()
    result = json.loads(first)
    assert result["schema"] == "nasalis.assessment/1"
    assert result["self_care"]
    assert result["disclaimer"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*FIELDS, "junk"]), ANY_JSON, max_size=6))
def test_random_input_is_either_valid_or_named(data: dict[str, Any]) -> None:
    problems: list[str] = []
    try:
        parse_intake(data)
    except IntakeError as exc:
        problems = exc.problems
        assert problems, "a rejected intake names at least one problem"
    assert all(any(p.startswith(k) for k in data) for p in problems)


def test_intake_is_immutable() -> None:
    intake = Intake(fever=True)
    with pytest.raises(Exception):  # noqa: B017,PT011 - pydantic raises its own error type
        intake.fever = False  # type: ignore[misc]
