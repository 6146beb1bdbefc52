"""`nasalis assess` shows the person's own emergency number: --country, else the diary's setting,
else LANG's region; a bad --country exits 2 naming the option; no country keeps the generic one."""

from __future__ import annotations

import json
from pathlib import Path

from nasalis.diary import preferences
from nasalis.diary.store import open_store
from nasalis.knowledge.emergency import GENERIC_NUMBERS
from tests.cli.runner import nasalis_process

HEADACHE = json.dumps({"sudden_severe_headache": True, "areas": ["nose"]})


def _shown(*args: str, env: dict[str, str] | None = None) -> str:
    done = nasalis_process("assess", "--input", "-", *args, stdin=HEADACHE, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_country_option_and_lang_give_the_number() -> None:
    german = _shown("--no-save", "--country", "de")
    assert "Call emergency services now (112)" in german
    assert "Call emergency services (112) for" in german
    assert GENERIC_NUMBERS not in german
    # LANG is only a guess (en_US is many machines' default wherever they are): the generic numbers follow
    australian = _shown("--no-save", env={"LANG": "en_AU.UTF-8"})
    assert "Call emergency services now (000, 999, 112 or 911)" in australian
    plain = _shown("--no-save", env={"LANG": "C.UTF-8"})
    assert f"Call emergency services now ({GENERIC_NUMBERS})" in plain


def test_the_diarys_setting_is_used_when_the_result_is_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    store = open_store(url)
    with store.write() as session:
        preferences.save(session, store.person_id(), {"country": "US"})
    store.close()
    kept = _shown("--save", "--db", url, env={"LANG": "en_GB.UTF-8"})
    assert "Call emergency services now (911)" in kept  # the setting, not LANG


def test_a_bad_country_exits_2_naming_the_option_and_keeps_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'diary.db'}"
    done = nasalis_process("assess", "--input", "-", "--country", "XX", "--save", "--db", url, stdin=HEADACHE)
    assert done.returncode == 2
    assert "--country" in done.stderr
    assert not (tmp_path / "diary.db").exists()
