"""The diary commands as a person runs them: real processes on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli.runner import nasalis_process


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "TZ": "Europe/Berlin"}

    def nasalis(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return nasalis_process(*args, stdin=stdin, env=env)

    return nasalis


def test_default_store_is_a_sqlite_file_in_the_data_folder(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = run("log", "--intensity", "4")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "nasalis" / "nasalis.db").is_file()


def test_log_day_diary_undo(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    assert (
        run(
            "log",
            "--at",
            "2026-03-02T08:15",
            "--intensity",
            "6",
            "--areas",
            "nose,cheek",
            "--side",
            "left",
            "--db",
            db,
        ).returncode
        == 0
    )
    assert run("log", "--at", "2026-03-02T09:00:00+01:00", "--db", db).returncode == 0
    assert (
        run(
            "day",
            "--date",
            "2026-03-02",
            "--sleep",
            "6",
            "--stress",
            "7",
            "--tag",
            "cheese",
            "--factor",
            "pollen=3",
            "--db",
            db,
        ).returncode
        == 0
    )
    exported = tmp_path / "out.json"
    assert run("export", "--format", "json", "--out", str(exported), "--db", db).returncode == 0
    data = json.loads(exported.read_text())
    assert [e["started_at"] for e in data["episodes"]] == [
        "2026-03-02T08:15:00+01:00",
        "2026-03-02T09:00:00+01:00",
    ]
    assert data["days"] == [
        {
            "date": "2026-03-02",
            "sleep_hours": 6.0,
            "stress": 7,
            "tags": ["cheese"],
            "factors": {"pollen": 3.0},
        }
    ]
    undo = run("undo", "--db", db)
    assert "check-in for 2026-03-02" in undo.stdout
    assert run("undo", "--db", db).returncode == 0
    assert run("undo", "--db", db).returncode == 0
    assert run("undo", "--db", db).stdout.strip() == "Nothing to undo."


def test_bad_flags_exit_2_name_the_flag_and_save_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    for args, flag in [
        (["log", "--intensity", "11"], "--intensity"),
        (["log", "--areas", "toe"], "--areas"),
        (["log", "--at", "soon"], "--at"),
        (["day", "--stress", "-1"], "--stress"),
        (["day", "--factor", "pollen"], "--factor"),
        (["med", "add", "x", "--started", "May"], "--started"),
        (["log", "--at", "2099-01-01T08:00:00+01:00"], "--at"),  # a twitch in the future
        (["day", "--date", "2099-01-01", "--stress", "2"], "--date"),
    ]:
        done = run(*args, "--db", db)
        assert done.returncode == 2, args
        assert flag in done.stderr, args
    assert run("undo", "--db", db).stdout.strip() == "Nothing to undo."


def test_interactive_check_in_reasks_bad_answers(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    done = run("day", "--date", "2026-03-02", "--db", db, stdin="7\n12\n5\n\n\n\n\n1\ncheese\n")
    assert done.returncode == 0, done.stderr
    assert "must be from 0 to 10" in done.stdout
    out = tmp_path / "o.json"
    run("export", "--out", str(out), "--db", db)
    (day,) = json.loads(out.read_text())["days"]
    assert (day["sleep_hours"], day["stress"], day.get("caffeine_drinks"), day["allergy_symptoms"]) == (
        7.0,
        5,
        None,
        True,
    )


def test_import_export_round_trip_and_bad_import(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, db2 = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "episodes.csv").write_text("started_at,intensity,note\n2026-03-02T08:15:00Z,5,=HYPERLINK(1)\n")
    (folder / "days.csv").write_text("date,stress\n2026-03-02,3\n")
    first = run("import", str(folder), "--db", db)
    assert "Imported 1 episode and 1 day" in first.stdout
    assert "1 episode and 1 day were already there" in run("import", str(folder), "--db", db).stdout
    assert run("export", "--format", "csv", "--out", str(tmp_path / "csv"), "--db", db).returncode == 0
    assert "'=HYPERLINK(1)" in (tmp_path / "csv" / "episodes.csv").read_text()
    assert run("import", str(tmp_path / "csv"), "--db", db2).returncode == 0
    run("export", "--format", "json", "--out", str(tmp_path / "a.json"), "--db", db)
    run("export", "--format", "json", "--out", str(tmp_path / "b.json"), "--db", db2)
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    (folder / "days.csv").write_text("date,stress\n2026-03-03,99\n")
    bad = run("import", str(folder), "--db", db2)
    assert bad.returncode == 2
    assert "days.csv, line 2, column 2 (stress)" in bad.stderr


def test_medicines(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    assert "salbutamol" in run("med", "add", "Ventolin", "--dose", "2 puffs", "--db", db).stdout
    assert "beta_agonist" in run("med", "list", "--db", db).stdout


def test_diary_view_shows_counts_and_unknown_days(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    run("log", "--intensity", "8", "--db", db)
    run("log", "--intensity", "4", "--at", "00:00", "--db", db)
    run("day", "--stress", "6", "--db", db)
    view = run("diary", "--weeks", "2", "--db", db)
    assert view.returncode == 0
    assert "unknown, not zero" in view.stdout
    assert "6.0" in view.stdout  # mean intensity of today's two twitches
    assert run("diary", "--db", "nonsense").returncode == 2


def test_note_and_its_undo(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    assert "Saved the note" in run("note", "new glasses today", "--db", db).stdout
    assert run("undo", "--db", db).stdout.strip() == "undid: note: new glasses today"
    empty = run("note", "   ", "--db", db)
    assert empty.returncode == 2
    assert "text:" in empty.stderr


def test_an_unreachable_database_is_a_clear_message_not_a_traceback() -> None:
    done = nasalis_process("log", "--intensity", "3", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert done.returncode == 1
    assert "could not be read or written; nothing was saved" in done.stderr
    assert "Connection refused" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_morning_check_in_and_no_twitches_from_the_terminal(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    past = ["--date", "2026-03-02", "--db", db]
    done = run("day", "--morning", "--at", "07:15", "--sleep", "6.5", "--morning-stress", "3", *past)
    assert done.returncode == 0, done.stderr
    assert "Saved the morning check-in for 2026-03-02" in done.stdout
    asked = run("day", "--morning", "--date", "2026-03-03", "--db", db, stdin="8\n2\n1\n")
    assert asked.returncode == 0, asked.stderr
    assert "Stress this morning" in asked.stdout
    assert "Alcoholic drinks" not in asked.stdout  # the morning asks only the morning
    assert run("day", "--stress", "7", "--no-twitches", *past).returncode == 0
    out = tmp_path / "o.json"
    run("export", "--out", str(out), "--db", db)
    first, second = json.loads(out.read_text())["days"]
    assert (first["morning_at"], first["morning_stress"], first["stress"], first["no_twitches"]) == (
        "07:15",
        3,
        7,
        True,
    )
    assert (second["sleep_hours"], second["morning_stress"], second["morning_caffeine"]) == (8.0, 2, 1.0)
    assert run("undo", "--db", db).returncode == 0
    run("export", "--out", str(out), "--db", db)
    assert "no_twitches" not in json.loads(out.read_text())["days"][0]


def test_bad_morning_flags_exit_2_and_no_twitches_is_refused_on_a_twitch_day(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'd.db'}"
    berlin = dt.datetime.now(ZoneInfo("Europe/Berlin"))  # the processes' TZ
    later = min(berlin + dt.timedelta(minutes=30), berlin.replace(hour=23, minute=59))  # past 23:49 none is
    for args, flag in [
        (["day", "--morning", "--at", "7h15", "--date", "2026-03-02"], "--at"),
        (["day", "--at", "07:15", "--date", "2026-03-02"], "--at"),  # a time without --morning
        (["day", "--morning", "--at", f"{later:%H:%M}", "--sleep", "7"], "--at"),  # later than now today
        (["day", "--morning-stress", "11"], "--morning-stress"),
    ]:
        done = run(*args, "--db", db)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert flag in done.stderr, args
    assert run("log", "--at", "2026-03-02T09:00", "--db", db).returncode == 0
    refused = run("day", "--no-twitches", "--date", "2026-03-02", "--db", db)
    assert refused.returncode == 2
    assert "--no-twitches: 1 twitch is logged on 2026-03-02" in refused.stderr
    out = tmp_path / "o.json"
    run("export", "--out", str(out), "--db", db)
    assert json.loads(out.read_text())["days"] == []
