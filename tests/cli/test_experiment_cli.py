"""`nasalis experiment` as a person runs it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.cli.runner import nasalis_process


def test_start_status_remind_result_stop(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    started = nasalis_process(
        "experiment", "start", "no caffeine after noon", "--start", yesterday, "--db", db
    )
    assert started.returncode == 0, started.stderr
    assert "blocks of 7 days" in started.stdout
    status = nasalis_process("experiment", "status", "--db", db)
    assert "Block 1 of 4" in status.stdout
    assert "Block 1 of 4" in nasalis_process("log", "--db", db).stdout  # the reminder
    assert nasalis_process("experiment", "start", "again", "--db", db).returncode == 2
    (result,) = json.loads(nasalis_process("experiment", "result", "--json", "--db", db).stdout)
    assert result["verdict"] == "not finished"
    assert sorted(result["schedule"]) == ["A", "A", "B", "B"]
    insights = json.loads(nasalis_process("insights", "--json", "--db", db).stdout)
    assert insights["experiments"] == [result]  # the same analysis, in the insights contract
    assert "Stopped" in nasalis_process("experiment", "stop", "--db", db).stdout
    assert "No experiment is running" in nasalis_process("experiment", "status", "--db", db).stdout


def test_bad_options_exit_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    for args in (["--start", "soon"], ["--block-days", "1"], ["--pairs", "0"]):
        done = nasalis_process("experiment", "start", "x", *args, "--db", db)
        assert done.returncode == 2, args
        assert "--" in done.stderr
    assert nasalis_process("experiment", "start", "", "--db", db).returncode == 2
