"""What a person typed is printed as typed by real `nasalis` processes: Rich markup in a tag,
a medicine, an experiment title, a search or an intake stays those characters (never a
terminal hyperlink). A control character is refused before it is stored, and where one is
only read (an intake file, a search) it is shown as a visible escape, never sent."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.runner import nasalis_process

LINK = "[link=https://evil.example]x[/link]"
OSC_LINK = "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\"
"""A raw terminal hyperlink, as an attacker would type it into a name."""
COLOUR = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "200"}
"""As on a person's terminal: Rich writes styles and hyperlinks."""

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`nasalis ARGS --db` on this test's diary file, in a colour terminal."""
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), **COLOUR}
    db = f"sqlite:///{tmp_path / 'd.db'}"

    def nasalis(
        *args: str, stdin: str = "", db_flag: bool = True, code: int = 0
    ) -> subprocess.CompletedProcess[str]:
        done = nasalis_process(*args, *(("--db", db) if db_flag else ()), stdin=stdin, env=env)
        assert done.returncode == code, done.stderr
        return done

    return nasalis


def _no_hyperlink(out: str) -> None:
    assert "\x1b]8;" not in out, "a terminal hyperlink was printed"
    assert "https://evil.example" in out


def test_a_tag_written_as_rich_markup_is_printed_literally_by_nasalis_diary(run: Run) -> None:
    run("day", "--sleep", "7", "--tag", LINK)
    out = run("diary", "--weeks", "1").stdout
    _no_hyperlink(out)
    assert LINK in out


def test_a_medicine_named_with_a_raw_terminal_hyperlink_is_refused_and_markup_kept_literally(
    run: Run,
) -> None:
    refused = run("med", "add", f"Evil{OSC_LINK}", "--dose", "daily", code=2)
    assert "--name: must not contain control characters (found U+001B)" in refused.stderr
    assert "Evil" not in run("med", "list").stdout  # nothing was saved
    added = run("med", "add", "Evil", "--dose", f"{LINK} daily").stdout
    listed = run("med", "list").stdout
    undone = run("undo").stdout
    for out in (added, listed, undone):
        assert "\x1b]8;" not in out, "a terminal hyperlink was printed"
    _no_hyperlink(listed)
    assert LINK in listed


def test_an_experiment_title_with_an_escape_is_refused_and_markup_printed_literally(run: Run) -> None:
    start = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    clearing = run("experiment", "start", "no coffee\x1b[2J", "--start", start, code=2)  # ESC [2J clears
    assert "TITLE: must not contain control characters (found U+001B)" in clearing.stderr
    title = f"no coffee {LINK}"
    outs = [
        run("experiment", "start", title, "--start", start).stdout,
        run("experiment", "status").stdout,
        run("experiment", "result").stdout,
    ]
    for out in outs:
        _no_hyperlink(out)
        assert title in out.replace("\n", "")


def test_an_intake_medicine_and_a_search_written_as_markup_are_printed_literally(
    run: Run, tmp_path: Path
) -> None:
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"age_years": 30, "medications": [LINK, f"pill{OSC_LINK}"]}))
    out = run("assess", "--input", str(intake), db_flag=False).stdout
    _no_hyperlink(out)
    assert "pill\\x1b]8;;https://evil.example" in out
    assert "[link=https://evil.example]x[/link]" in out.replace("\n", "").replace("│", "").replace(" ", "")
    found = run("learn", f"twitch {LINK}", db_flag=False).stdout
    assert "\x1b]8;" not in found
    assert "[link=https://evil.example]x[/link]" in found
