"""Write docs/schemas/*.json: JSON Schema for every JSON format nasalis reads or writes.

python -m tools.json_schemas --write     # regenerate docs/schemas/ (a test fails when one is stale)
python -m tools.json_schemas --check     # exit 1 when a file there differs from the code

Each schema is read from the code that makes or checks the format, never typed by hand:
the pydantic models (the intake, the assessment result, the API in openapi.json), the dataclasses
behind the video and insights JSON (pydantic's TypeAdapter), and the diary's field rules (the
bundle: nasalis.diary.records and nasalis.diary.bundle_extras). Where `to_json` adds, renames or drops
a key, the change is made here in one named step, and tests/test_docs.py validates real output
against every schema so the two cannot drift apart.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

FOLDER = Path(__file__).resolve().parent.parent / "docs" / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]


def _document(name: str, description: str, body: Schema) -> Schema:
    """`body` as a standalone schema document titled by the format's name."""
    body = {k: v for k, v in body.items() if k not in ("title", "description")}
    return {"$schema": DIALECT, "title": name, "description": description, **body}


def _closed(schema: Schema, required: list[str] | None = None) -> Schema:
    """An object schema that admits only its own keys; `required` replaces its required list."""
    schema["additionalProperties"] = False
    if required is not None:
        schema["required"] = required
    return schema


def _all_closed(schema: Schema) -> None:
    """Close the schema and each of its definitions, every property required (to_json writes all)."""
    for definition in schema.get("$defs", {}).values():
        _closed(definition, list(definition["properties"]))
    _closed(schema, list(schema["properties"]))


def _rename(schema: Schema, old: str, new: str, value: Schema | None = None) -> None:
    """Rename a property (keeping its place), optionally with a new schema, in properties and required."""
    props = schema["properties"]
    schema["properties"] = {
        (new if k == old else k): (value or v if k == old else v) for k, v in props.items()
    }
    if old in schema.get("required", []):
        schema["required"] = [new if k == old else k for k in schema["required"]]


def _model(model: type[BaseModel]) -> Schema:
    return model.model_json_schema(mode="serialization")


def intake() -> Schema:
    """nasalis.intake/1: the answers `nasalis assess --input` and POST /api/assess take."""
    from nasalis.assessment.intake import Intake

    schema = Intake.model_json_schema(mode="validation")
    return _document(
        "nasalis.intake/1", "An assessment's answers; a missing or null field is unknown.", schema
    )


def assessment() -> Schema:
    """nasalis.assessment/1: AssessmentResult as AssessmentResult.to_json writes it."""
    from nasalis.assessment.result import SCHEMA, AssessmentResult

    schema = _model(AssessmentResult)
    # to_json: `schema_` is written `schema`, `class_` is written `class`, get_help is left out.
    _rename(schema, "schema_", "schema", {"const": SCHEMA})
    del schema["properties"]["get_help"]
    schema["$defs"].pop("GetHelp")
    medication = schema["$defs"]["MedicationResult"]
    _rename(medication, "class_", "class", {"type": "string"})
    _all_closed(schema)
    return _document(SCHEMA, "The result of an assessment (CLI --json and POST /api/assess).", schema)


VIDEO_OPTIONAL = (
    ("eyes", "EyeMeasures", "Eye closures (per eye, the person's own sides) and blink completeness."),
    ("synkinesis", "Synkinesis", "Eyelid twitches that came with a cheek or mouth twitch on the same side."),
)
"""Optional fields of nasalis.video/1: (key, definition, what it holds)."""
VIDEO_SPEECH = {
    "speech_from_s": {
        "type": "number",
        "minimum": 0,
        "description": "Where the part read aloud began (seconds into the clip): a guided recording's.",
    },
    "speech_set_aside": {
        "type": "integer",
        "minimum": 0,
        "description": "Mouth movements in the part read aloud, taken for speech and not counted.",
    },
}
"""Optional fields of nasalis.video/1 written together, only for a clip with a part read aloud."""


def video() -> Schema:
    """nasalis.video/1: VideoResult as VideoResult.to_json writes it."""
    from nasalis.video.analyze import SCHEMA, VideoResult

    schema = TypeAdapter(VideoResult).json_schema(mode="serialization")
    props = schema["properties"]
    # to_json adds the format's name and two figures worked out from the events.
    schema["properties"] = {
        "schema": {"const": SCHEMA},
        **{k: props[k] for k in ("fps", "duration_s", "frames", "face_found_ratio", "events")},
        "events_per_minute": {"type": "number", "description": "Twitches per minute of clip."},
        "by_region": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 1},
            "description": "How many twitches in each region.",
        },
        **{k: props[k] for k in ("blinks_per_minute", "notes")},
        # Optional: written only when measured (never null), absent from older results.
        **{k: {"$ref": f"#/$defs/{ref}", "description": why} for k, ref, why in VIDEO_OPTIONAL},
        **VIDEO_SPEECH,
    }
    leftover = set(props) - set(schema["properties"])
    assert not leftover, f"VideoResult fields to_json does not write: {leftover}"
    _all_closed(schema)
    optional = {k for k, _, _ in VIDEO_OPTIONAL} | set(VIDEO_SPEECH)
    schema["required"] = [k for k in schema["required"] if k not in optional]
    # An event's field that defaults to None (lid) is left out of the JSON when unset.
    event = schema["$defs"]["Event"]
    for name, prop in event["properties"].items():
        if "default" in prop and prop["default"] is None:
            event["required"].remove(name)
            prop.update(next(o for o in prop.pop("anyOf") if o.get("type") != "null"))
            del prop["default"]
    return _document(SCHEMA, "A clip's measurement (video analyze --json, GET /api/videos/{id}).", schema)


def truth() -> Schema:
    """twitchclips/2: a clip's truth file, as tools/twitchclips and `nasalis video annotate` write it."""
    from nasalis.video.truth import SCHEMA, TRUTH_REGIONS, Truth

    schema = _model(Truth)
    # The region is checked against the analyser's regions at run time; the schema names them.
    schema["$defs"]["TruthTwitch"]["properties"]["region"]["enum"] = list(TRUTH_REGIONS)
    schema["properties"]["schema"] = {"const": SCHEMA, "description": "absent in files made before it"}
    return _document(
        SCHEMA, "A clip's truth: its twitches and blinks (generated, or marked by hand).", schema
    )


def _factor() -> Schema:
    """One test of FactorResult.to_json."""
    from nasalis.insights.findings import VERDICT_WORDS, FactorResult

    schema = TypeAdapter(FactorResult).json_schema(mode="serialization")
    props = schema["properties"]
    props["verdict"] = {"enum": list(VERDICT_WORDS)}
    props["does_not_vary"] = {"const": True, "description": "Written only when true."}
    props["direction_unclear"] = {"const": True, "description": "Written only when true."}
    props["within_day"] = {"const": True, "description": "Written only when true."}
    props["min_detectable_effect"] = {"type": "number", "exclusiveMinimum": 0}
    del props["p_worthwhile"]  # internal: q is its adjusted form
    _rename(schema, "days_needed", "more_days_needed", {"type": "integer", "minimum": 0})
    props = schema["properties"]
    ordered = ["factor", "lag_days", "kind", "effect", "per", "estimate", "ci_low", "ci_high", "p", "q"]
    schema["properties"] = {
        **{k: ({"const": "rate_ratio"} if k == "effect" else props[k]) for k in ordered},
        **{k: v for k, v in props.items() if k not in ordered},
    }
    # to_json writes these only when they say something
    optional = (
        "more_days_needed",
        "does_not_vary",
        "min_detectable_effect",
        "direction_unclear",
        "within_day",
    )
    return _closed(schema, [k for k in schema["properties"] if k not in optional])


def _time_of_day() -> Schema:
    from nasalis.insights.timeofday import WEEKDAYS

    counts = {"type": "integer", "minimum": 0}
    return _closed(
        {
            "type": "object",
            "properties": {
                "episodes": counts,
                "by_hour": {"type": "array", "items": counts, "minItems": 24, "maxItems": 24},
                "by_weekday": _closed(
                    {"type": "object", "properties": dict.fromkeys(WEEKDAYS, counts)}, list(WEEKDAYS)
                ),
                "peak_hour": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 23}, {"type": "null"}]},
                "peak_weekday": {"anyOf": [{"enum": list(WEEKDAYS)}, {"type": "null"}]},
            },
        },
        ["episodes", "by_hour", "by_weekday", "peak_hour", "peak_weekday"],
    )


def _experiment_result() -> Schema:
    """One entry of nasalis.insights.running.results: the plan, Outcome.to_json, and its state."""
    from nasalis.insights.nof1 import Outcome

    day = {"type": "string", "format": "date"}
    outcome = TypeAdapter(Outcome).json_schema(mode="serialization")
    props = {
        "title": {"type": "string"},
        "start": day,
        "end": day,
        "schedule": {"type": "array", "items": {"enum": ["A", "B"]}},
        **outcome["properties"],
        "state": {"enum": ["planned", "running", "stopped", "finished"]},
        "status": {"type": "string", "description": "Where it is, in words."},
        "stopped_on": {"anyOf": [day, {"type": "null"}]},
        "days_run": {"type": "integer", "minimum": 0},
        "block_days": {"type": "integer", "minimum": 3},
        "washout_days": {"type": "integer", "minimum": 0},
        "planned_change": {"anyOf": [{"type": "number"}, {"type": "null"}]},
    }
    # Issue 19 added fields to Outcome and to the plan: optional, so older readers keep working.
    original = ["verdict", "rate_ratio", "ci_low", "ci_high", "days_a", "days_b", "finished"]
    added = set(outcome["properties"]) - set(original) | {"block_days", "washout_days", "planned_change"}
    return _closed({"type": "object", "properties": props}, [k for k in props if k not in added])


def insights() -> Schema:
    """nasalis.insights/1: Report.to_json (Insights.to_json, the time of day, the experiments)."""
    from nasalis.insights.findings import SCHEMA, Insights

    schema = TypeAdapter(Insights).json_schema(mode="serialization")
    defs = schema.pop("$defs")
    defs.pop("FactorResult")
    props = schema["properties"]
    schema["properties"] = {
        "schema": {"const": SCHEMA},
        **{k: props[k] for k in ("days_analysed", "episodes_analysed")},
        "factors": {"type": "array", "items": {"$ref": "#/$defs/Factor"}},
        "notes": props["notes"],
        "time_of_day": {"$ref": "#/$defs/TimeOfDay"},
        "experiments": {"type": "array", "items": {"$ref": "#/$defs/Experiment"}},
    }
    schema["$defs"] = {
        **defs,
        "Factor": _factor(),
        "TimeOfDay": _time_of_day(),
        "Experiment": _experiment_result(),
    }
    _closed(schema, [k for k in schema["properties"] if k != "experiments"])  # written when there are any
    return _document(
        SCHEMA, "What goes with more or fewer twitches (insights --json, GET /api/insights).", schema
    )


def _rule(rule: Any) -> Schema:
    """The JSON a diary field rule (nasalis.diary.records.Rule) accepts in a bundle."""
    from nasalis.diary.records import _LABEL, MAX_LABEL, MAX_TEXT

    bounds = {k: v for k, v in (("minimum", rule.low), ("maximum", rule.high)) if v is not None}
    bounds = {k: int(v) if float(v).is_integer() else v for k, v in bounds.items()}
    kinds: dict[str, Schema] = {
        "instant": {"type": "string", "format": "date-time", "description": "ISO 8601 with its UTC offset"},
        "date": {"type": "string", "format": "date"},
        "clock": {
            "type": "string",
            "pattern": "^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$",
            "description": "local HH:MM",
        },
        "number": {"type": "number", **bounds},
        "int": {"type": "integer", **bounds},
        "flag": {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]},
        "choice": {"enum": list(rule.options)},
        "choices": {"type": "array", "items": {"enum": list(rule.options)}},
        "text": {"type": "string", "maxLength": int(rule.high or MAX_TEXT)},
        "labels": {
            "type": "array",
            "items": {"type": "string", "pattern": f"^{_LABEL.pattern}$", "maxLength": MAX_LABEL},
        },
    }
    accepted = kinds[rule.kind]
    if rule.required:
        return accepted
    return {"anyOf": [*accepted.get("anyOf", [accepted]), {"type": "null"}]}


def _entry(rules: dict[str, Any], extra: dict[str, Schema] | None = None, closed: bool = True) -> Schema:
    """An object read by `rules` (plus `extra` fields checked apart): unknown fields are refused."""
    props = {name: _rule(rule) for name, rule in rules.items()} | (extra or {})
    required = [name for name, rule in rules.items() if rule.required] + list(extra or {})
    schema: Schema = {"type": "object", "properties": props, "required": required}
    return _closed(schema) if closed else schema


def _clinician_score() -> Schema:
    """A clinician-rated score of the bundle, from the bounds nasalis.diary.clinician_scores declares."""
    from nasalis.diary import clinician_scores as cs

    def text(most: int, description: str) -> Schema:
        return {"type": "string", "minLength": 1, "maxLength": most, "description": description}

    def optional(schema: Schema) -> Schema:
        return {"anyOf": [schema, {"type": "null"}]}

    props: dict[str, Schema] = {
        "scale": text(cs.SCALE_MAX, "The rating scale's name, as the clinician wrote it"),
        "value": text(cs.VALUE_MAX, "The score as written: '2', 'Grade II', '14/30'"),
        "value_number": optional(
            {"type": "number", "description": "Ignored on import: read again from value"}
        ),
        "rated_on": {"type": "string", "format": "date"},
        "rated_by": optional(text(cs.RATED_BY_MAX, "Who rated it")),
        "source": {"enum": list(cs.SOURCES), "default": "letter"},
        "note": optional(text(cs.NOTE_MAX, "Anything else the letter says")),
    }
    assert set(props) == cs.BUNDLE_KEYS, "a key of a clinician score has no schema here"
    return {
        "type": "object",
        "properties": props,
        "required": ["scale", "value", "rated_on"],
        "additionalProperties": False,
    }


def bundle() -> Schema:
    """nasalis.diary/1: the JSON bundle `nasalis export --format json` writes and every import reads."""
    from nasalis.assessment.result import SCHEMA as ASSESSMENT_SCHEMA
    from nasalis.diary import bundle as bundle_model
    from nasalis.diary import bundle_extras, preferences
    from nasalis.diary.records import _FACTOR_NAME, CUSTOM_FACTOR, DAY_MARKS, DAY_RULES, EPISODE_RULES
    from nasalis.diary.treatment_records import TREATMENT_RULES
    from nasalis.knowledge.emergency import OTHER, load_numbers

    own = {
        "propertyNames": {"pattern": f"^{_FACTOR_NAME.pattern}$"},
        "additionalProperties": _rule(CUSTOM_FACTOR),
    }
    day = _entry({**DAY_RULES, **DAY_MARKS}, closed=False)
    # A day's own factors: in `factors`, or (as a CSV column would be) as a key of the day itself.
    day["properties"]["factors"] = {"type": "object", **own}
    day |= own
    schedule = {
        "type": "array",
        "items": {"enum": ["A", "B"]},
        "minItems": 1,
        "maxItems": bundle_extras.MAX_BLOCKS,
    }
    result = {
        "type": "object",
        "properties": {"schema": {"const": ASSESSMENT_SCHEMA}, "level": {"type": "string"}},
        "required": ["schema", "level"],
        "description": "The result as it was shown (see assessment.json); its level is the assessment's.",
    }
    answers = {"type": "object", "description": "The answers (see intake.json)."}
    settings = {
        "type": "object",
        "properties": {
            "units": {"enum": list(preferences.UNITS)},
            "reminder_time": {"type": "string", "description": "HH:MM"},
            "name": {"type": "string", "maxLength": 100},
            "age_years": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 120}, {"type": "null"}]},
            "country": {
                "enum": ["", OTHER, *sorted(c.code for c in load_numbers().countries)],
                "description": "ISO 3166 code whose emergency number is shown; 'other'; '' if not asked yet",
            },
        },
        "additionalProperties": False,
    }
    lists = {
        "episodes": _entry(EPISODE_RULES),
        "days": day,
        "medications": _entry(bundle_extras.MEDICINE_RULES),
        "notes": _entry(bundle_extras.NOTE_RULES),
        "experiments": _entry(bundle_extras.EXPERIMENT_RULES, {"schedule": schedule}),
        "assessments": _entry(bundle_extras.ASSESSMENT_RULES, {"intake": answers, "result": result}),
        "treatments": _entry(TREATMENT_RULES),
        "clinician_scores": _clinician_score(),
    }
    assert set(lists) == bundle_model.LIST_KEYS, "a list of the bundle has no schema here"
    schema: Schema = {
        "type": "object",
        "properties": {
            "schema": {"const": bundle_model.SCHEMA},
            **{key: {"type": "array", "items": {"$ref": f"#/$defs/{key}"}} for key in lists},
            "settings": {"anyOf": [settings, {"type": "null"}]},
        },
        "required": ["schema"],
        "$defs": lists,
        "description": "Other top-level keys are allowed and ignored by readers.",
    }
    return _document(
        bundle_model.SCHEMA, "A whole diary as one JSON file (export --format json; import).", schema
    )


def openapi() -> Schema:
    """The JSON API: every path's bodies and answers, as the app serves at /openapi.json."""
    from tools.web_docs import built_app

    with built_app() as app:
        return app.openapi()


def cycles() -> Schema:
    """nasalis.cycles/1: CyclesReport.to_json (`nasalis cycles --json`, GET /api/cycles)."""
    from nasalis.insights.cycles_report import SCHEMA, CyclesReport

    schema = CyclesReport.model_json_schema(mode="serialization", by_alias=True)
    schema["properties"]["schema"] = {"const": SCHEMA}
    return _document(
        SCHEMA, "Treatment cycles and medicine changes (cycles --json, GET /api/cycles).", schema
    )


SCHEMAS: dict[str, Callable[[], Schema]] = {
    "intake.json": intake,
    "assessment.json": assessment,
    "video.json": video,
    "truth.json": truth,
    "insights.json": insights,
    "cycles.json": cycles,
    "diary-bundle.json": bundle,
    "openapi.json": openapi,
}
"""Each file under docs/schemas/ and what makes it."""


def dumps(schema: Schema) -> str:
    """A schema as the checked-in text: stable key order as made, two-space indent, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def rendered() -> dict[str, str]:
    """Every schema file's text, by file name."""
    return {name: dumps(make()) for name, make in SCHEMAS.items()}


def stale(texts: dict[str, str] | None = None) -> list[str]:
    """The schema files that differ from the code, or are missing, or should not be there."""
    texts = texts if texts is not None else rendered()
    present = {p.name for p in FOLDER.glob("*.json")}
    wrong = [n for n, t in texts.items() if n not in present or (FOLDER / n).read_text("utf-8") != t]
    return sorted(wrong + list(present - set(texts)))


def main(argv: list[str] | None = None) -> int:
    """Write the schema files (--write), or list the stale ones and exit 1 (--check)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {FOLDER.name}/*.json")
    parser.add_argument("--check", action="store_true", help="exit 1 when a schema file is stale")
    args = parser.parse_args(argv)
    texts = rendered()
    if args.write:
        FOLDER.mkdir(parents=True, exist_ok=True)
        for extra in {p.name for p in FOLDER.glob("*.json")} - set(texts):
            (FOLDER / extra).unlink()
        for name, text in texts.items():
            (FOLDER / name).write_text(text, "utf-8")
        return 0
    wrong = stale(texts)
    for name in wrong:
        print(f"stale: docs/schemas/{name}")
    return 1 if args.check and wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
