"""Every declared day factor reaches every part that reads one, so a factor cannot be half-added."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from nasalis.diary.factors import (
    DURATION_MAX_S,
    FACTORS,
    INTENSITY_HIGH,
    INTENSITY_LOW,
    MAX_CUSTOM_FACTORS,
    MAX_LABEL,
    MAX_TAGS,
    MAX_TEXT,
    NUMBERS,
    TABLE,
    Factor,
)
from nasalis.diary.models import Day
from nasalis.diary.records import DAY_RULES, DayRecord
from nasalis.diary.store import open_store
from nasalis.diary.vocab import DAY_FACTORS
from nasalis.insights.findings import FACTOR_WORDS, SCALE, UNITS
from nasalis.insights.frames import daily_frame
from nasalis.report.fhir import _Builder
from nasalis.web.checkin_form import CHECK_IN, CHECK_IN_EXTRA, LABELS, check_in_fields
from nasalis.web.schemas import DayIn
from tests.cli.runner import nasalis_process

SRC = Path(__file__).resolve().parents[2] / "src"
IDS = [f.name for f in FACTORS]
VALUES: dict[str, Any] = {"float": 2.5, "int": 3, "scale": 4, "bool": True}


def _full_day() -> DayRecord:
    return DayRecord(date=dt.date(2026, 3, 2), **{f.name: VALUES[f.type] for f in FACTORS})


def test_the_records_and_the_stored_columns_are_the_declared_factors_in_order() -> None:
    fields = [f.name for f in dataclasses.fields(DayRecord)]
    assert fields == ["date", *DAY_FACTORS, "tags", "factors", "morning_at", "no_twitches"]
    assert list(DAY_RULES) == ["date", *DAY_FACTORS, "tags"]
    assert tuple(f.name for f in FACTORS) == DAY_FACTORS


def test_a_new_diary_has_a_column_for_every_factor(tmp_path: Path) -> None:
    """The migrations, not only the model, make each factor's column."""
    store = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        columns = {c["name"] for c in inspect(store.engine).get_columns("days")}
    finally:
        store.close()
    assert set(DAY_FACTORS) <= columns
    assert set(DAY_FACTORS) <= set(Day.__table__.columns.keys())


@pytest.mark.parametrize("factor", FACTORS, ids=IDS)
def test_every_part_reads_the_factor(factor: Factor) -> None:
    rule = DAY_RULES[factor.name]
    assert (rule.low, rule.high) == (factor.low, factor.high)
    prop = DayIn.model_json_schema()["properties"][factor.name]
    assert (prop.get("minimum"), prop.get("maximum")) == (factor.low, factor.high)
    form = {name for name, _, _ in CHECK_IN} | set(CHECK_IN_EXTRA)
    assert factor.name in form
    assert factor.name in {name for name, _, _ in check_in_fields("imperial")} | set(CHECK_IN_EXTRA)
    assert LABELS[factor.name] == factor.shown_label
    assert FACTOR_WORDS[factor.name] == (factor.in_list, factor.one_more)
    if factor.type != "bool":
        assert factor in NUMBERS
        assert UNITS[factor.name] == factor.per
        assert SCALE.get(factor.name, 1.0) == factor.scale
        assert factor.unit, "FHIR sends a number with its unit"
        assert factor.ucum, "FHIR sends a number with its UCUM code"
        assert factor.low is not None, "every number is bounded"
        assert factor.high is not None, "every number is bounded"


def test_the_insights_frame_has_a_column_per_factor() -> None:
    frame = daily_frame([_full_day()], [])
    for f in FACTORS:
        assert frame[f.name].iloc[0] == float(VALUES[f.type])


def test_fhir_sends_an_observation_per_factor_with_its_declared_unit() -> None:
    day = Day(date=dt.date(2026, 3, 2), **{f.name: VALUES[f.type] for f in FACTORS})
    sent = {o["code"]["text"]: o for o in _Builder(1).day(day, twitches=0)}
    for f in FACTORS:
        obs = sent[f.fhir_text]
        if f.type == "bool":
            assert obs["valueBoolean"] is True
        else:
            assert obs["valueQuantity"]["code"] == f.ucum
            assert obs["valueQuantity"]["value"] == VALUES[f.type]


def test_the_tables_of_days_show_the_declared_columns() -> None:
    assert [f.column for f in TABLE] == [f.column for f in FACTORS if f.column]
    assert TABLE, "the diary page, the terminal and the report show some factors"


def test_nasalis_day_has_the_declared_flag_of_every_factor() -> None:
    done = nasalis_process("day", "--help", env={"PYTHONPATH": str(SRC), "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    for f in FACTORS:
        line = next((x for x in done.stdout.splitlines() if f" {f.flag} " in x), None)
        assert line is not None, f.flag
        assert f.help in line


def test_docs_data_md_states_the_declared_bounds() -> None:
    doc = (SRC.parent / "docs" / "data.md").read_text("utf-8")
    for f in FACTORS:
        row = next((x for x in doc.splitlines() if x.startswith(f"| `{f.name}` |")), None)
        assert row is not None, f.name
        assert f"`{f.flag}`" in row
        if f.ucum:
            assert f"| {f.ucum} |" in row
        if f.low is not None:
            assert f"from {f.low:g} to {f.high:g}" in row
    said = " ".join(doc.split())
    for fact in (
        f"from 0 to {DURATION_MAX_S} seconds",
        f"from {INTENSITY_LOW} to {INTENSITY_HIGH}",
        f"at most {MAX_TAGS} tags of 1 to {MAX_LABEL} characters",
        f"at most {MAX_CUSTOM_FACTORS} factors",
        f"up to {MAX_TEXT} characters",
    ):
        assert fact in said, fact
