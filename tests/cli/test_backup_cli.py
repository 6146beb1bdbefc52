"""`nasalis backup` and `nasalis restore` as real processes, on both kinds of store."""

from __future__ import annotations

from pathlib import Path

from nasalis.diary.store import open_store
from tests.cli.runner import nasalis_process
from tests.diary.test_backup import every_row


def test_backup_and_restore_from_the_command_line(db_url: str, other_url: str, tmp_path: Path) -> None:
    for at in ("2026-11-01T08:10:00+01:00", "2026-11-01T09:20:00+01:00", "2026-11-02T07:30:00+01:00"):
        logged = nasalis_process("log", "--intensity", "5", "--at", at, "--db", db_url)
        assert logged.returncode == 0, logged.stderr
    made = nasalis_process("backup", "--out", str(tmp_path / "b" / "diary.backup"), "--db", db_url)
    assert made.returncode == 0, made.stderr
    assert "Backed up" in made.stdout

    target = other_url
    done = nasalis_process("restore", str(tmp_path / "b" / "diary.backup"), "--db", target)
    assert done.returncode == 0, done.stderr
    a, b = open_store(db_url), open_store(target)
    try:
        assert every_row(a) == every_row(b)
        assert len(every_row(b)["episodes"]) == 3
    finally:
        a.close()
        b.close()

    # Into the non-empty original: refused, exit 2, says how to go on.
    again = nasalis_process("restore", str(tmp_path / "b" / "diary.backup"), "--db", db_url)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    assert "--force" in again.stderr


def test_backup_to_a_folder_or_from_garbage_exits_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    assert nasalis_process("log", "--intensity", "3", "--db", db).returncode == 0
    to_folder = nasalis_process("backup", "--out", str(tmp_path), "--db", db)
    assert to_folder.returncode == 2
    assert "is a folder" in to_folder.stderr
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01garbage")
    junk = nasalis_process("restore", str(tmp_path / "junk.bin"), "--force", "--db", db)
    assert junk.returncode == 2
    assert "not a nasalis backup" in junk.stderr
    store = open_store(db)
    try:
        assert len(every_row(store)["episodes"]) == 1
    finally:
        store.close()
