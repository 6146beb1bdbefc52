"""The machine-interface docs in docs/ are generated from the code, current, and true of real output."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import typer
from bench.support.builders import generated_diary
from fastapi import FastAPI
from tools import cli_docs, web_docs
from tools import json_schemas as schemas

from nasalis.assessment import assess, parse_intake
from nasalis.diary.bundle import (
    AssessmentRecord,
    ExperimentRecord,
    Extras,
    InterchangeError,
    MedicineRecord,
    NoteRecord,
)
from nasalis.diary.json_reader import read_bundle_text
from nasalis.diary.json_writer import write_bundle
from nasalis.video.analyze import VideoResult
from nasalis.video.events import Event
from tests.assessment.vignettes import CASES
from tests.cli.runner import nasalis_process

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def _schema(name: str) -> Any:
    """A validator for the checked-in schema docs/schemas/NAME."""
    return jsonschema_rs.validator_for(json.loads((schemas.FOLDER / name).read_text("utf-8")))


def _errors(name: str, instance: object) -> list[str]:
    return [f"{e.instance_path}: {e.message}" for e in _schema(name).iter_errors(instance)]


# --- current: each generated file is what its tool makes from the code now ---------------------


def test_the_cli_page_is_current() -> None:
    assert cli_docs.PAGE.read_text("utf-8") == cli_docs.render(), "run: python -m tools.cli_docs --write"


def test_the_web_page_is_current() -> None:
    assert web_docs.PAGE.read_text("utf-8") == web_docs.render(), "run: python -m tools.web_docs --write"


def test_the_schemas_are_current() -> None:
    assert schemas.stale() == [], "run: python -m tools.json_schemas --write"


# --- generated: the tools read the app, so a new command or route cannot be left out -----------


def test_the_cli_page_names_every_command_and_option_of_an_app() -> None:
    app = typer.Typer(help="Top.")
    group = typer.Typer(help="A group.")
    app.add_typer(group, name="grp")

    @app.command("ping")
    def ping(count: int = typer.Option(3, min=1, max=9, help="How many times.")) -> None:
        """Say pong."""

    @group.command("inner")
    def inner(name: str = typer.Argument(..., help="Whom to greet.")) -> None:
        """Greet someone."""

    page = cli_docs.render(typer.main.get_command(app))
    assert "| [`ping`](#nasalis-ping) | Say pong. |" in page
    assert "| [`grp inner`](#nasalis-grp-inner) | Greet someone. |" in page
    assert "`--count <int range>` | How many times. [default: 3; 1<=x<=9] |" in page
    assert "Whom to greet." in page


def test_every_real_command_is_on_the_cli_page() -> None:
    page = cli_docs.PAGE.read_text("utf-8")
    for path, _command in list(cli_docs.walk(cli_docs.root()))[1:]:
        assert f"`nasalis {' '.join(path)}`" in page


def test_the_web_page_lists_every_route_of_an_app() -> None:
    app = FastAPI()

    @app.get("/api/thing/{thing_id}")
    def thing(thing_id: int) -> dict[str, int]:
        """One thing."""
        return {"id": thing_id}

    @app.post("/form", include_in_schema=False)
    def form() -> None:
        """Save the form."""

    page = web_docs.render(app)
    assert "| GET | `/api/thing/{thing_id}` | One thing. |" in page
    assert "| POST | `/form` | Save the form. |" in page


def test_the_web_page_has_the_real_app_s_main_paths() -> None:
    page = web_docs.PAGE.read_text("utf-8")
    for path in ("`/`", "`/api/episodes`", "`/api/assess`", "`/import`", "`/videos/{video_id}`"):
        assert path in page


def test_interfaces_links_every_generated_doc() -> None:
    interfaces = (DOCS / "interfaces.md").read_text("utf-8")
    for target in ["cli.md", "web.md", *(f"schemas/{name}" for name in schemas.SCHEMAS)]:
        assert f"]({target})" in interfaces, target
        assert (DOCS / target).is_file()


OUTSIDE = re.compile(r"\.\./shared|\bshared/(?:seeds|contracts)|\bcontracts/\w+\.md")
"""The folders beside the repository a first version was written against: a clone has neither."""


def test_nothing_points_a_reader_outside_the_repository() -> None:
    readable = [REPO / "README.md", *DOCS.rglob("*.md"), *(REPO / "src").rglob("*.py")]
    readable += [*(REPO / "src").rglob("*.html"), *(REPO / "src").rglob("*.yaml")]
    pointing = [
        f"{p.relative_to(REPO)}: {found.group()}"
        for p in readable
        for found in OUTSIDE.finditer(p.read_text("utf-8"))
    ]
    assert pointing == [], "point to docs/interfaces.md (or the doc it links) instead"


# --- true: real output validates against each schema, and a bad value fails both ------------


def test_every_case_book_intake_and_its_result_match_their_schemas() -> None:
    intakes = [c.intake for c in CASES if c.intake is not None]
    assert len(intakes) > 30
    for intake in intakes:
        assert _errors("intake.json", intake) == []
        assert _errors("assessment.json", assess(parse_intake(intake)).to_json()) == []


@pytest.mark.parametrize(
    "bad", [{"age_years": "forty"}, {"not_a_question": True}, {"side": "up"}], ids=["type", "field", "choice"]
)
def test_an_intake_the_app_refuses_the_schema_refuses(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        parse_intake(bad)
    assert _errors("intake.json", bad) != []


def test_a_video_result_matches_its_schema() -> None:
    events = [Event(12.4, 12.93, "left", "nose", 0.031, 0.92), Event(30.0, 30.4, "both", "eyelid", 0.02, 0.8)]
    result = VideoResult(30.0, 60.0, 1800, 0.99, events, 14.0, ["Sides are the person's own."]).to_json()
    assert _errors("video.json", result) == []
    assert _errors("video.json", {**result, "unknown": 1}) != []


def _full_bundle(folder: Path) -> Path:
    """A 60-day diary with every kind of entry, written by the exporter's own writer."""
    diary = generated_diary(60, 150, seed=4, start=dt.date(2026, 1, 1))
    intake = {"age_years": 41, "duration_days": 60, "areas": ["nose"], "caffeine_drinks_per_day": 5}
    result = assess(parse_intake(intake)).to_json()
    extras = Extras(
        medications=[MedicineRecord("Ventolin", "2 puffs", dt.date(2026, 1, 5), dt.date(2026, 2, 1))],
        notes=[NoteRecord(dt.datetime(2026, 1, 9, 8, 0, tzinfo=dt.UTC), "after a long drive")],
        assessments=[
            AssessmentRecord(
                dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.UTC), str(result["level"]), intake, result
            )
        ],
        experiments=[ExperimentRecord("no coffee", dt.date(2026, 1, 6), 7, 2, ("A", "B", "B", "A"))],
        settings={"units": "imperial", "reminder_time": "20:30", "name": "A. Person", "age_years": 41},
    )
    path = folder / "diary.json"
    write_bundle(path, diary.episodes, diary.days, extras)
    return path


def test_an_exported_bundle_and_the_insights_of_it_match_their_schemas(tmp_path: Path) -> None:
    written = _full_bundle(tmp_path)
    assert _errors("diary-bundle.json", json.loads(written.read_text("utf-8"))) == []
    db = f"sqlite:///{tmp_path / 'diary.db'}"
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    assert nasalis_process("import", str(written), "--db", db, env=env).returncode == 0
    exported = tmp_path / "out.json"
    ran = nasalis_process("export", "--format", "json", "--out", str(exported), "--db", db, env=env)
    assert ran.returncode == 0, ran.stderr
    bundle = json.loads(exported.read_text("utf-8"))
    assert {"medications", "notes", "assessments", "experiments", "settings"} <= set(bundle)
    assert _errors("diary-bundle.json", bundle) == []
    insights = nasalis_process("insights", "--json", "--db", db, env=env)
    assert insights.returncode == 0, insights.stderr
    said = json.loads(insights.stdout)
    assert said["experiments"]
    assert any(f.get("estimate") is not None for f in said["factors"])
    assert _errors("insights.json", said) == []


@pytest.mark.parametrize(
    ("key", "change"),
    [
        ("episodes", {"intensity": 11}),
        ("episodes", {"side": "up"}),
        ("episodes", {"colour": "red"}),
        ("days", {"stress": 2.5}),
        ("days", {"sleep_hours": 25}),
        ("days", {"tags": ["a;b"]}),
    ],
    ids=["intensity", "side", "unknown", "stress", "sleep", "tag"],
)
def test_a_bundle_the_import_refuses_the_schema_refuses(
    tmp_path: Path, key: str, change: dict[str, object]
) -> None:
    bundle = json.loads(_full_bundle(tmp_path).read_text("utf-8"))
    bundle[key][0] |= change
    with pytest.raises(InterchangeError, match=next(iter(change))):
        read_bundle_text("diary.json", json.dumps(bundle))
    assert _errors("diary-bundle.json", bundle) != []
