"""`nasalis admin clinician add/list/remove`: a real process, a clear error and exit code 2 on bad input."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from nasalis.diary.models import Account
from nasalis.diary.store import open_store
from tests.cli.runner import nasalis_process


def test_add_list_and_remove_a_clinician(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    added = nasalis_process(
        "admin", "clinician", "add", "DrLee", "--password-stdin", "--db", db, stdin="a good password\n"
    )
    assert added.returncode == 0, added.stderr
    assert "a good password" not in added.stdout + added.stderr
    store = open_store(db)
    with store.read() as s:
        row = s.execute(select(Account.username, Account.role, Account.password_hash)).one()
    store.close()
    assert (row.username, row.role) == ("drlee", "clinician")
    assert "a good password" not in row.password_hash
    listed = nasalis_process("admin", "clinician", "list", "--db", db)
    assert listed.returncode == 0
    assert listed.stdout.startswith("drlee\t")
    again = nasalis_process(
        "admin", "clinician", "add", "drlee", "--password-stdin", "--db", db, stdin="another one here\n"
    )
    assert again.returncode == 2
    assert "username" in again.stderr
    assert "taken" in again.stderr
    assert nasalis_process("admin", "clinician", "remove", "drlee", "--db", db).returncode == 0
    assert "no clinician accounts" in nasalis_process("admin", "clinician", "list", "--db", db).stdout


def test_bad_input_names_the_field_and_adds_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    for name, password, field in (("x", "a good password", "username"), ("drlee", "short", "password")):
        done = nasalis_process(
            "admin", "clinician", "add", name, "--password-stdin", "--db", db, stdin=password + "\n"
        )
        assert done.returncode == 2, done.stderr
        assert field in done.stderr
    # Without a terminal and without --password-stdin there is nobody to ask: say which flag.
    no_tty = nasalis_process("admin", "clinician", "add", "drlee", "--db", db)
    assert no_tty.returncode == 2
    assert "--password-stdin" in no_tty.stderr
    missing = nasalis_process("admin", "clinician", "remove", "nobody", "--db", db)
    assert missing.returncode == 2
    assert "nobody" in missing.stderr
    assert "no clinician accounts" in nasalis_process("admin", "clinician", "list", "--db", db).stdout
