"""One durable atomic write: temp file in the same folder, fsync, rename, fsync the folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nasalis.diary.atomic_file import write_atomically
from tests.cli.runner import nasalis_process


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "episodes.csv"
    out.write_text("old\n")
    write_atomically(out, "started_at\r\n2026-03-02T08:15:00+01:00\r\n")
    assert out.read_bytes() == b"started_at\r\n2026-03-02T08:15:00+01:00\r\n"  # line endings as given
    write_atomically(out, b"\x00bytes too")
    assert out.read_bytes() == b"\x00bytes too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["episodes.csv"]


def test_a_failed_write_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # os.replace cannot put a file over a folder
    (target / "inside").write_text("kept")
    with pytest.raises(IsADirectoryError):
        write_atomically(target, "new")
    assert (target / "inside").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def _synced(trace: str, out: Path) -> list[str]:
    """The fsync and rename calls of a strace -y log that touch `out` or its folder, in order.

    A call another thread interrupts is logged in two lines ("<unfinished ...>", then "<... fsync
    resumed>"): it counts where it finished, with the arguments of its first line.
    """
    calls, pending = [], {}
    for line in trace.splitlines():
        pid = line.split(maxsplit=1)[0]
        started = re.search(r"(fsync|rename\w*)\((.*) <unfinished \.\.\.>", line)
        if started:
            pending[pid] = started.groups()
            continue
        resumed = re.search(r"<\.\.\. (fsync|rename\w*) resumed>.*\) += 0", line)
        found = pending.pop(pid, None) if resumed else None
        if found is None:
            whole = re.search(r"(fsync|rename\w*)\((.*)\) += 0", line)
            found = whole.groups() if whole and not resumed else None
        if found and str(out.parent) in found[1]:
            kind, args = found
            if kind == "fsync":
                calls.append("fsync folder" if args.rstrip(")").endswith(f"<{out.parent}>") else "fsync file")
            else:
                calls.append("rename")
    return calls


@pytest.mark.parametrize("how", ["helper", "cli export"])
def test_the_file_and_its_folder_reach_the_disk(tmp_path: Path, how: str) -> None:
    out = tmp_path / "out" / "bundle.json"
    out.parent.mkdir()
    trace = tmp_path / "trace.log"
    here = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    strace = ["strace", "-f", "-y", "-e", "trace=fsync,rename,renameat,renameat2", "-o", str(trace)]
    if how == "helper":
        code = "import sys, pathlib; from nasalis.diary.atomic_file import write_atomically as w; "
        code += "w(pathlib.Path(sys.argv[1]), 'x')"
        done = subprocess.run(
            [*strace, sys.executable, "-c", code, str(out)],
            capture_output=True,
            text=True,
            env={**os.environ},
        )
    else:  # the CLI's own writer (it once renamed without fsync)
        db = f"sqlite:///{tmp_path / 'd.db'}"
        assert nasalis_process("log", "--db", db, env=here).returncode == 0
        done = subprocess.run(
            [
                *strace,
                sys.executable,
                "-m",
                "nasalis",
                "export",
                "--format",
                "fhir",
                "--out",
                str(out),
                "--db",
                db,
            ],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", **here},
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    assert _synced(trace.read_text(), out) == ["fsync file", "rename", "fsync folder"]
