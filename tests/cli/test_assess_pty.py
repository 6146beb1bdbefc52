"""`nasalis assess` typed at a real pseudo-terminal, key by key, as a person types it.

Piped input (test_assess_cli.py) does not see what a terminal sees: the prompt, the echo and
the re-asking. These tests drive `.venv/bin/nasalis assess` through `pty` and read the screen.
"""

from __future__ import annotations

import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

NASALIS = Path(sys.executable).with_name("nasalis")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


class Terminal:
    """A program on a pseudo-terminal: type lines, wait for text on the screen."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.fd, child = pty.openpty()
        self.process = subprocess.Popen(
            args, stdin=child, stdout=child, stderr=child, env=env, close_fds=True
        )
        os.close(child)
        self.screen = ""
        self.seen = 0  # how much of the screen `expect` has passed

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the program ended and the terminal closed
            return False
        self.screen += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return bool(chunk)

    def expect(self, text: str, timeout: float = 30) -> str:
        """Wait until `text` appears after what was already expected; the screen up to it."""
        end = time.monotonic() + timeout
        while (found := self.screen.find(text, self.seen)) < 0:
            if time.monotonic() > end or (not self._read(0.5) and self.process.poll() is not None):
                raise AssertionError(f"{text!r} never appeared; the screen ends:\n{self.screen[-1500:]}")
        before = self.screen[self.seen : found]
        self.seen = found + len(text)
        return before

    def type(self, line: str) -> None:
        """Type a line and press Enter."""
        os.write(self.fd, line.encode() + b"\r")

    def close(self) -> int:
        """Wait for the program to end; its exit code."""
        return self.process.wait(30)

    def stop(self) -> None:
        """End the program if it still runs, and release the terminal."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)
        os.close(self.fd)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def assess(data_dir: Path) -> Iterator[Terminal]:
    """`nasalis assess` on a pseudo-terminal, over a diary of its own."""
    env = {
        "PATH": "/usr/bin:/bin",
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "HOME": str(data_dir),
        "NASALIS_DB_URL": f"sqlite:///{data_dir / 'nasalis.db'}",
    }
    terminal = Terminal([str(NASALIS), "assess"], env)
    yield terminal
    terminal.stop()


def _answer_first_four(term: Terminal) -> None:
    for _ in range(3):  # face, arm or leg, speech: no
        term.expect("(y/n, or ? if you don't know)")
        term.expect("> ")
        term.type("n")
    term.expect("1. No")  # vision: option 1 is "No"
    term.expect("> ")
    term.type("1")


def test_a_1_after_a_numbered_question_is_never_a_yes(assess: Terminal, data_dir: Path) -> None:
    _answer_first_four(assess)
    assess.expect("5. ")
    assess.expect("(y/n, or ? if you don't know)")
    assess.expect("> ")
    assess.type("1")
    said = assess.expect("> ")
    assert "'1' is not an answer to a yes/no question" in said
    assert "please answer y or n, or ? if you don't know" in said
    assert "EMERGENCY" not in assess.screen
    assess.type("")  # an empty Enter on a warning sign: asked again, not "don't know"
    said = assess.expect("> ")
    assert "please answer y or n, or ? if you don't know" in said
    assert "6. " not in said
    assess.type("n")
    assess.expect("6. Have you had a sudden, severe headache?")
    assess.expect("> ")
    assess.type("1")  # the headache question of the report: never an emergency from a "1"
    assert "'1' is not an answer" in assess.expect("> ")
    assert "EMERGENCY" not in assess.screen
    assess.type("y")  # a real yes is one
    assess.expect("EMERGENCY")
    assert assess.close() == 0
    with sqlite3.connect(data_dir / "nasalis.db") as db:
        (intake,) = db.execute("select intake from assessments").fetchone()
    assert '"sudden_severe_headache": true' in intake
    assert '"balance_or_coordination_loss": false' in intake


def test_back_asks_the_question_before_again_with_its_answer(assess: Terminal) -> None:
    _answer_first_four(assess)
    assess.expect("5. ")
    assess.expect("> ")
    assess.type("back")
    again = assess.expect("> ")
    assert "4. Has your vision changed" in again
    assert "You answered before: No" in again
    assess.type("3")  # sudden vision change: an emergency
    assess.expect("EMERGENCY")
    assert assess.close() == 0


def test_progress_and_the_medicines_question_say_one_thing(assess: Terminal) -> None:
    first = assess.expect("> ")
    assert "1. Now, or at any time" in first
    assert re.search(r"up to \d+ more questions", first)
    screen = first
    for _ in range(40):  # "no" to each warning sign, "don't know" to the rest, to the medicines
        if "Which medicines" in screen:
            break
        assess.type("n" if "(y/n, or ?" in screen else "?")
        screen = assess.expect("> ")
    assert "names separated by commas; none if there are none; ? if you don't know" in screen
    assert "leave empty" not in screen
    assess.type("")
    assert "please type names separated by commas" in assess.expect("> ")
