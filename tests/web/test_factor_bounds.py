"""One bad value, four ways in (CLI, API, page form, import): the same refusal, naming the same field.

The bounds are the API's (caffeine up to 1,000 drinks, a twitch up to 86,400 s, 100 tags a day),
declared once in nasalis.diary.factors; before, `nasalis log` and imports took any value.
"""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nasalis.commands.diary import FLAG_OF
from nasalis.diary.factors import BY_NAME
from tests.cli.runner import nasalis_process
from tests.web.conftest import csrf_of

SRC = Path(__file__).resolve().parents[2] / "src"
DAY = "2026-03-02"
WHEN = "2026-03-02T08:15:00+01:00"
TAGS = [f"t{i}" for i in range(101)]


@dataclass(frozen=True)
class Bad:
    """A bad value for one field, and the refusal every way in must give."""

    field: str
    refusal: str
    cli: tuple[str, ...]
    json: dict[str, Any]
    form: str
    csv: str

    @property
    def episode(self) -> bool:
        """Whether the field is an episode's (else a day's)."""
        return self.field == "duration_s"


CASES = [
    Bad("caffeine_drinks", "must be from 0 to 1000 (got 5000)", ("day", "--caffeine", "5000"),
        {"caffeine_drinks": 5000}, "5000", f"date,caffeine_drinks\n{DAY},5000\n"),
    Bad("sleep_hours", "must be from 0 to 24 (got -1)", ("day", "--sleep=-1"),
        {"sleep_hours": -1}, "-1", f"date,sleep_hours\n{DAY},-1\n"),
    Bad("stress", "must be from 0 to 10 (got 11)", ("day", "--stress", "11"),
        {"stress": 11}, "11", f"date,stress\n{DAY},11\n"),
    Bad("tags", "must be at most 100 labels (got 101)", ("day", *(a for t in TAGS for a in ("--tag", t))),
        {"tags": TAGS}, ", ".join(TAGS), f"date,tags\n{DAY},{';'.join(TAGS)}\n"),
    Bad("duration_s", "must be from 0 to 86400 (got 90000)", ("log", "--at", WHEN, "--duration", "90000"),
        {"started_at": WHEN, "duration_s": 90000}, "90000", f"started_at,duration_s\n{WHEN},90000\n"),
]  # fmt: skip
IDS = [c.field for c in CASES]


def test_the_refusals_say_the_declared_bounds() -> None:
    """The bounds the refusals below expect are the declaration's, not a copy of them."""
    for case in CASES:
        factor = BY_NAME.get(case.field)
        if factor is not None:
            assert f"from {factor.low:g} to {factor.high:g}" in case.refusal


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: the `nasalis` of this checkout, whichever one the venv was installed from.
    return nasalis_process(*args, env={"PYTHONPATH": str(SRC), "TZ": "Europe/Berlin"})


def _rows(db: Path) -> tuple[int, int]:
    if not db.exists():
        return 0, 0
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
        if "days" not in tables:
            return 0, 0
        return (
            con.execute("select count(*) from episodes").fetchone()[0],
            con.execute("select count(*) from days").fetchone()[0],
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_cli_refuses_it_naming_the_flag(case: Bad, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    done = _cli(*case.cli, "--db", f"sqlite:///{db}")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{FLAG_OF[case.field]}: {case.refusal}" in done.stderr
    assert _rows(db) == (0, 0)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_cli_import_refuses_it_naming_the_column(case: Bad, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    name = "episodes.csv" if case.episode else "days.csv"
    (tmp_path / name).write_text(case.csv, "utf-8")
    done = _cli("import", str(tmp_path / name), "--db", f"sqlite:///{db}")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"({case.field}): {case.refusal}" in " ".join(done.stderr.split())  # rich wraps long lines
    assert _rows(db) == (0, 0)


def _nothing_stored(client: TestClient) -> None:
    assert client.get("/api/days").json() == []
    episodes = client.get("/api/episodes").json()
    assert all(e.get("duration_s") is None for e in episodes)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_api_refuses_it_with_a_422_naming_the_field(case: Bad, personal: TestClient) -> None:
    if case.episode:
        answer = personal.post("/api/episodes", json=case.json)
    else:
        answer = personal.put(f"/api/days/{DAY}", json=case.json)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == [
        {"loc": ["body", case.field], "msg": case.refusal, "type": "value_error"}
    ]
    _nothing_stored(personal)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_api_import_refuses_it_with_a_422(case: Bad, personal: TestClient) -> None:
    name = "episodes.csv" if case.episode else "days.csv"
    answer = personal.post("/api/import", files={"file": (name, case.csv.encode(), "text/csv")})
    assert answer.status_code == 422, answer.text
    assert f"({case.field}): {case.refusal}" in answer.json()["detail"]
    _nothing_stored(personal)


def _field_error(page: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    assert found, f"no message beside {field}"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_page_form_refuses_it_beside_the_field(case: Bad, personal: TestClient) -> None:
    token = csrf_of(personal.get("/").text)
    if case.episode:
        logged = personal.post("/episodes", data={"csrf_token": token}, follow_redirects=False)
        episode = re.search(r"ep=(\d+)", logged.headers["location"])
        assert episode, logged.headers
        answer = personal.post(
            f"/episodes/{episode.group(1)}/details", data={"csrf_token": token, case.field: case.form}
        )
    else:
        answer = personal.post("/day", data={"csrf_token": token, case.field: case.form})
    assert answer.status_code == 422, answer.text
    said = _field_error(answer.text, case.field)
    assert said == case.refusal[:1].upper() + case.refusal[1:]
    assert f'id="{case.field}"' in answer.text  # beside the field it names
    _nothing_stored(personal)
