"""`nasalis treatment add/list` and undo, as a person runs them: real processes, both backends."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.runner import nasalis_process


def test_add_list_json_and_undo(db_url: str, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}

    def run(*args: str) -> tuple[int, str, str]:
        done = nasalis_process(*args, "--db", db_url, env=env)
        return done.returncode, done.stdout, done.stderr

    code, out, err = run(
        "treatment", "add", "botulinum_toxin", "--on", "2026-01-10", "--product", "Botox",
        "--units", "25", "--sites", "Eyelid, orbicularis oculi", "--side", "left",
    )  # fmt: skip
    assert code == 0, err
    assert "botulinum toxin (Botox) on 2026-01-10" in out
    assert run("treatment", "add", "procedure", "--on", "2026-02-01", "--note", "nerve block")[0] == 0
    code, out, _ = run("treatment", "list", "--json")
    listed = json.loads(out)["treatments"]
    assert [(t["date"], t["kind"]) for t in listed] == [
        ("2026-01-10", "botulinum_toxin"),
        ("2026-02-01", "procedure"),
    ]
    assert listed[0]["sites"] == ["eyelid", "orbicularis oculi"]
    assert listed[0]["units"] == 25
    code, out, _ = run("treatment", "list")
    assert "Botox" in out
    assert "25 units" in out
    code, out, _ = run("undo")
    assert "procedure on 2026-02-01" in out
    assert [t["kind"] for t in json.loads(run("treatment", "list", "--json")[1])["treatments"]] == [
        "botulinum_toxin"
    ]


def test_bad_input_exits_2_names_the_field_and_saves_nothing(db_url: str, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    for args, named in (
        (("pill", "--on", "2026-01-10"), "KIND"),
        (("other", "--on", "10.01.2026"), "--on"),
        (("other", "--on", "2099-01-01"), "--on: is in the future"),
        (("other", "--on", "2026-01-10", "--units", "lots"), "--units"),
        (("other", "--on", "2026-01-10", "--units", "-5"), "--units"),
        (("other", "--on", "2026-01-10", "--side", "up"), "--side"),
    ):
        done = nasalis_process("treatment", "add", *args, "--db", db_url, env=env)
        assert done.returncode == 2, (args, done.stdout)
        assert named in " ".join(done.stderr.split()), (args, done.stderr)
    assert (
        nasalis_process("treatment", "add", "other", "--on", "2026-01-10", "--db", db_url, env=env).returncode
        == 0
    )
    again = nasalis_process("treatment", "add", "other", "--on", "2026-01-10", "--db", db_url, env=env)
    assert again.returncode == 2
    assert "already in the diary" in " ".join(again.stderr.split())
    listed = nasalis_process("treatment", "list", "--json", "--db", db_url, env=env)
    assert len(json.loads(listed.stdout)["treatments"]) == 1
