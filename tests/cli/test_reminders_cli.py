"""`nasalis reminders send` refuses what it cannot do with exit code 2, naming the setting or flag."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import nasalis_process


def test_without_an_smtp_server_nothing_is_sent_and_it_says_which_setting(tmp_path: Path) -> None:
    done = nasalis_process("reminders", "send", "--db", f"sqlite:///{tmp_path / 'd.db'}")
    assert done.returncode == 2
    assert "NASALIS_SMTP_HOST" in done.stderr


def test_a_bad_instant_names_the_flag(tmp_path: Path) -> None:
    env = {"NASALIS_SMTP_HOST": "127.0.0.1"}
    for at in ("yesterday", "2026-03-01T21:05"):
        done = nasalis_process(
            "reminders", "send", "--at", at, "--db", f"sqlite:///{tmp_path / 'd.db'}", env=env
        )
        assert done.returncode == 2, done.stderr
        assert "--at" in done.stderr
    assert not (tmp_path / "d.db").exists()  # refused before the diary was opened
