"""`nasalis experiment size`, `start --change` and `kept` as a person runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.cli.runner import nasalis_process


def test_size_prints_the_three_tables_and_start_sizes_the_plan(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    shown = nasalis_process("experiment", "size", "--db", db)
    assert shown.returncode == 0, shown.stderr
    for fall in ("50%", "30%", "20%"):
        assert f"{fall} fewer twitches: chance of detecting it" in shown.stdout
    assert "Your diary is short" in shown.stdout
    assert "Even 12 weeks are not enough" in shown.stdout
    sizing = json.loads(nasalis_process("experiment", "size", "--json", "--db", db).stdout)
    assert len(sizing["power"]) == 27
    started = nasalis_process("experiment", "start", "no cheese", "--change", "0.3", "--db", db)
    assert started.returncode == 0, started.stderr
    assert "Even 12 weeks are not enough: the chance of detecting 30% fewer twitches" in started.stdout
    (result,) = json.loads(nasalis_process("experiment", "result", "--json", "--db", db).stdout)
    assert result["planned_change"] == 0.3
    assert len(result["schedule"]) * result["block_days"] in (80, 84)  # the longest plan


def test_kept_and_start_refuse_bad_input_naming_the_option(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    for args, named in (
        (["start", "x", "--change", "0.4"], "--change: choose 0.5, 0.3 or 0.2"),
        (["start", "x", "--weeks", "6"], "--weeks: choose 4, 8 or 12"),
        (["start", "x", "--block-days", "3", "--washout-days", "2"], "--washout-days"),
        (["start", "x", "--pairs", "15"], "--pairs"),
        (["kept", "maybe"], "ANSWER: say yes or no"),
        (["kept", "yes"], "--date:"),  # no experiment: today is no change day
        (["kept", "yes", "--date", "soon"], "--date"),
    ):
        done = nasalis_process("experiment", *args, "--db", db)
        assert done.returncode == 2, (args, done.stdout)
        assert named in done.stderr, (args, done.stderr)
    assert nasalis_process("experiment", "result", "--db", db).stdout.strip() == "No experiments yet."
    today = dt.date.today().isoformat()
    started = nasalis_process(
        "experiment", "start", "no cheese", "--start", today, "--washout-days", "0", "--db", db
    )
    assert started.returncode == 0, started.stderr
    (result,) = json.loads(nasalis_process("experiment", "result", "--json", "--db", db).stdout)
    assert result["washout_days"] == 0
    status = nasalis_process("experiment", "status", "--db", db).stdout
    answer = nasalis_process("experiment", "kept", "yes", "--db", db)
    if result["schedule"][0] == "B":  # today is a change day: asked, and the answer is kept
        assert "Did you keep the change today?" in status
        assert answer.returncode == 0, answer.stderr
        assert f"'no cheese': change kept on {today}." in answer.stdout
        (result,) = json.loads(nasalis_process("experiment", "result", "--json", "--db", db).stdout)
        assert result["adherence"] == {"answered": 1, "kept": 1}
    else:  # a usual day: not asked, and an answer is refused
        assert "Did you keep the change today?" not in status
        assert answer.returncode == 2
        assert "is a usual day (A)" in answer.stderr
    interim = nasalis_process("experiment", "result", "--db", db).stdout
    assert "Not a result yet: day 1 of 28." in interim
