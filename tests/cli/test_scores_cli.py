"""`nasalis score add/list` as a real process: kept as written, a bad flag named with exit 2, undo."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.runner import nasalis_process


def test_score_add_list_refuse_and_undo(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    added = nasalis_process(
        "score", "add", "--scale", "Hemifacial spasm grade", "--value", "Grade II", "--on", "2026-03-02",
        "--by", "Dr Okafor", "--db", db,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Saved Hemifacial spasm grade: Grade II on 2026-03-02" in added.stdout
    bad = nasalis_process("score", "add", "--scale", "JRS", "--value", " ", "--on", "yesterday", "--db", db)
    assert bad.returncode == 2
    assert "--value: is required" in bad.stderr
    assert "--on: must be a date" in bad.stderr
    listed = json.loads(nasalis_process("score", "list", "--json", "--db", db).stdout)
    assert listed == {
        "clinician_scores": [
            {
                "scale": "Hemifacial spasm grade",
                "value": "Grade II",
                "value_number": None,
                "rated_on": "2026-03-02",
                "rated_by": "Dr Okafor",
                "source": "letter",
                "note": None,
            }
        ]
    }
    assert "Hemifacial spasm grade" in nasalis_process("score", "list", "--db", db).stdout
    assert nasalis_process("undo", "--db", db).returncode == 0
    assert json.loads(nasalis_process("score", "list", "--json", "--db", db).stdout) == {
        "clinician_scores": []
    }
