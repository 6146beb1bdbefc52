"""`nasalis experiment` as a person runs it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.cli.runner import nasalis_process


def test_a_planned_experiment_is_one_status_says_and_start_refuses_a_second(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    started = nasalis_process("experiment", "start", "no caffeine after noon", "--db", db)
    assert started.returncode == 0, started.stderr
    assert f"is planned: starts tomorrow, on {tomorrow.isoformat()}" in started.stdout
    assert "blocks of 7 days" in started.stdout
    status = nasalis_process("experiment", "status", "--db", db).stdout
    # `status` once said nothing was running while `start` refused a second one.
    assert "No experiment" not in status
    assert "'no caffeine after noon' is planned: starts tomorrow" in status
    assert "Until then, live as usual" in status
    assert "is planned: starts tomorrow" in nasalis_process("log", "--db", db).stdout  # the reminder
    again = nasalis_process("experiment", "start", "again", "--db", db)
    assert again.returncode == 2
    assert "'no caffeine after noon' is planned already: stop it first" in again.stderr
    (result,) = json.loads(nasalis_process("experiment", "result", "--json", "--db", db).stdout)
    assert (result["verdict"], result["state"], result["days_run"]) == ("not started", "planned", 0)


def test_stop_asks_first_and_a_stopped_experiment_says_when_and_after_how_long(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    today = dt.date.today().isoformat()
    started = nasalis_process("experiment", "start", "no cheese", "--start", today, "--db", db)
    assert started.returncode == 0, started.stderr
    assert "is running: day 1 of 28" in started.stdout
    assert "Block 1 of 4" in nasalis_process("experiment", "status", "--db", db).stdout
    assert "Block 1 of 4" in nasalis_process("log", "--db", db).stdout  # the reminder
    for answer in ("n\n", ""):  # a no, and no answer at all, stop nothing
        kept = nasalis_process("experiment", "stop", "--db", db, stdin=answer)
        assert kept.returncode == 0, kept.stderr
        assert "Stop 'no cheese' (running: day 1 of 28)?" in kept.stdout
        assert "Nothing was stopped." in kept.stdout
        assert "Block 1 of 4" in nasalis_process("experiment", "status", "--db", db).stdout
    stopped = nasalis_process("experiment", "stop", "--db", db, stdin="y\n")
    assert f"'no cheese' is stopped on {today} after 1 day of 28 days." in stopped.stdout
    assert "No experiment is planned or running" in nasalis_process("experiment", "status", "--db", db).stdout
    (result,) = json.loads(nasalis_process("experiment", "result", "--json", "--db", db).stdout)
    # A stopped experiment once stayed "not finished" for ever.
    assert result["verdict"] == "too few days to tell"
    assert (result["state"], result["stopped_on"], result["days_run"]) == ("stopped", today, 1)
    assert sorted(result["schedule"]) == ["A", "A", "B", "B"]
    insights = json.loads(nasalis_process("insights", "--json", "--db", db).stdout)
    assert insights["experiments"] == [result]  # the same analysis, in the insights contract
    shown = nasalis_process("experiment", "result", "--db", db).stdout
    assert f"stopped on {today} after 1 day of 28 days" in shown
    assert "0 change days and 0 usual days counted" in shown
    assert nasalis_process("undo", "--db", db).returncode == 0  # undo takes the stop back
    assert "Block 1 of 4" in nasalis_process("experiment", "status", "--db", db).stdout
    assert "is stopped on" in nasalis_process("experiment", "stop", "--yes", "--db", db).stdout  # no question


def test_bad_options_exit_2_naming_the_option_and_store_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    cases = [
        (["x", "--start", "soon"], "--start"),
        (["x", "--start", "2020-03-02"], "--start: must be today or later (2020-03-02 has passed)"),
        (["x", "--start", far], f"--start: must be within 365 days from today ({far}"),
        (["x", "--block-days", "1"], "--block-days"),
        (["x", "--pairs", "0"], "--pairs"),
        (["   "], "TITLE: describe the change"),
        (["a" * 201], "TITLE: describe the change in 1 to 200 characters"),
    ]
    for args, named in cases:
        done = nasalis_process("experiment", "start", *args, "--db", db)
        assert done.returncode == 2, args
        assert named in done.stderr, (args, done.stderr)
    assert nasalis_process("experiment", "result", "--db", db).stdout.strip() == "No experiments yet."
    nothing = nasalis_process("experiment", "stop", "--yes", "--db", db)
    assert nothing.returncode == 2
    assert "no experiment is planned or running" in nothing.stderr
