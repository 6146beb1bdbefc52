"""`nasalis assess` and `nasalis learn` as a person runs them: real processes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from nasalis.assessment import assess, parse_intake
from tests.cli.runner import nasalis_process


def nasalis(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return nasalis_process(*args, stdin=stdin)


def test_assess_json_from_a_file_matches_the_library(tmp_path: Path) -> None:
    intake = {"age_years": 34, "duration_days": 21, "stress_level": 8, "medications": ["Ventolin"]}
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake))
    done = nasalis("assess", "--input", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout == assess(parse_intake(intake)).dumps()
    assert json.loads(done.stdout)["level"] == "appointment"


def test_assess_json_from_stdin_is_byte_for_byte_stable() -> None:
    intake = json.dumps({"sudden_severe_headache": True, "areas": ["nose", "cheek"]})
    first = nasalis("assess", "--input", "-", "--json", stdin=intake)
    second = nasalis("assess", "--input", "-", "--json", stdin=intake)
    assert first.returncode == 0
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["level"] == "emergency"


def test_bad_intake_exits_2_and_names_every_field() -> None:
    done = nasalis(
        "assess", "--input", "-", "--json", stdin='{"age_years": -1, "fevre": true, "trend": "up"}'
    )
    assert done.returncode == 2
    assert done.stdout == ""
    for field in ("age_years", "fevre", "trend"):
        assert field in done.stderr


def test_unreadable_and_invalid_files_exit_2(tmp_path: Path) -> None:
    assert nasalis("assess", "--input", str(tmp_path / "missing.json")).returncode == 2
    (tmp_path / "bad.json").write_bytes(b"\xff\xfe not json")
    assert nasalis("assess", "--input", str(tmp_path / "bad.json")).returncode == 2


def test_interactive_interview_to_an_emergency_stops_early() -> None:
    done = nasalis("assess", stdin="n\nn\ny\n")
    assert done.returncode == 0, done.stderr
    assert "EMERGENCY" in done.stdout
    assert "Question" not in done.stdout.split("EMERGENCY")[1]
    assert "How stressed" not in done.stdout


SELF_CARE_TYPED = {
    "age_years": "34",
    "sex": "2",  # male
    "vision_change": "1",  # no
    "areas": "1",  # nose
    "side": "3",  # both
    "episode_seconds": "2",
    "duration_days": "3",
    "trend": "2",  # the same
    "medications": "none",
    "conditions": "none",
    "other_tics": "none",
    "stress_level": "8",
    "sleep_hours": "6",
    "caffeine_drinks_per_day": "5",
}
"""What a stressed coffee drinker types; "n" at every other yes/no question, "?" elsewhere."""


def test_interactive_interview_to_self_care_with_json() -> None:
    # The typed answers follow the interview's own order, so they are worked out with the
    # same next_question the command uses, then typed into the real process.
    from nasalis.assessment import next_question
    from nasalis.assessment.answers import UNKNOWN, parse_answer
    from nasalis.assessment.intake import field_spec

    answers: dict[str, object] = {}
    asked: list[str] = []
    typed: list[str] = []
    while (q := next_question(answers, asked)) is not None:
        text = SELF_CARE_TYPED.get(q.field, "n" if field_spec(q.field).kind == "bool" else "?")
        typed.append(text)
        asked.append(q.field)
        value = parse_answer(q, text)
        if value is not UNKNOWN:
            answers[q.field] = value
    done = nasalis("assess", "--json", stdin="\n".join(typed) + "\n")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout[done.stdout.index("{\n") :])
    assert result["level"] == "self_care"
    assert [c["id"] for c in result["contributors"]][:2] == ["caffeine", "stress"]


def test_interactive_reprompts_on_a_bad_answer() -> None:
    done = nasalis("assess", stdin="maybe\n\n1\ny\n")
    assert done.stdout.count("please answer y or n, or ? if you don't know") == 3
    assert "'1' is not an answer to a yes/no question" in done.stdout
    assert "EMERGENCY" in done.stdout


def test_learn_index_topic_search_and_unknown() -> None:
    index = nasalis("learn")
    assert index.returncode == 0
    assert "hemifacial_spasm" in index.stdout
    assert "Warning signs" in index.stdout
    topic = nasalis("learn", "magnesium")
    assert topic.returncode == 0
    assert "Why Does Your Nose Twitch? (article)" in topic.stdout  # the seed's title, not its file name
    found = nasalis("learn", "botox")
    assert "Botulinum" in found.stdout
    assert nasalis("learn", "xylophone").returncode == 2
