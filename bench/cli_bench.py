"""CLI start-up benchmark: `nasalis --help` and `nasalis log` beside a bare `python -c pass`.

Run: .venv/bin/python -m bench.cli_bench [--runs N] [--before SRC]
Each case runs N times (15 by default) as a fresh process (`python -m nasalis ...`), the cases
taking turns run by run so a change in the machine's load falls on all of them alike. `log`
writes a real twitch into a SQLite diary made once beforehand (schema created and upgraded by
the first `nasalis log`), through the same data functions as always. Printed per case: the
median and p90 of the wall time, and the median CPU time (user + system) of the process, which
a busy machine inflates less. Baselines in the same run: `python -c pass`, `import typer`, and
the floor of `log` (typer, which validates options with pydantic, and the SQLAlchemy ORM), and
the floor a `log` writing through SQLAlchemy Core alone would have (typer building a pydantic
TypeAdapter, as it does for every option, and SQLAlchemy without the ORM).
With --before SRC (e.g. the `src` of a checkout of the old code) the nasalis cases also run
against that tree, in the same turns. Goals (issue 18): `--help` < 0.3 s, `log` < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
GOALS_S = {"nasalis --help": 0.3, "nasalis log": 0.5}
FLOOR = "import typer, pydantic, sqlalchemy.orm"
"""What `nasalis log` cannot do without: Typer checks option values with pydantic; the diary is ORM."""
CORE_FLOOR = "import typer, pydantic, sqlalchemy; pydantic.TypeAdapter(str)"
"""The floor of a `log` that wrote through SQLAlchemy Core alone, not the ORM (which the journal, the
episode writer and the store are written in): Typer still builds a pydantic TypeAdapter per option."""


@dataclass
class Case:
    """One command line, timed run after run."""

    name: str
    argv: list[str]
    src: Path | None = None
    """The nasalis tree it runs (None: no nasalis at all)."""
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self, db_url: str) -> None:
        """Run once in a fresh process; record its wall and CPU time."""
        env = {**os.environ, "NASALIS_DB_URL": db_url, "COLUMNS": "100"}
        env.pop("PYTHONPATH", None)
        if self.src is not None:
            env["PYTHONPATH"] = str(self.src)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(self.argv, env=env, capture_output=True, text=True, check=False)
        self.wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{self.name} failed ({done.returncode}):\n{done.stderr}")


def p90(values: list[float]) -> float:
    """The 90th percentile (inclusive method)."""
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def cases(before: Path | None) -> list[Case]:
    """The baselines, then each nasalis command for the tree under test (and the old one)."""
    py = sys.executable
    out = [
        Case("python -c pass", [py, "-c", "pass"]),
        Case("python -c 'import typer'", [py, "-c", "import typer"]),
        Case(
            "floor of log: typer+pydantic+sqlalchemy.orm",
            [py, "-c", FLOOR],
        ),
        Case("floor of a Core-only log: +TypeAdapter, no ORM", [py, "-c", CORE_FLOOR]),
    ]
    trees = [("", SRC)] + ([("before: ", before)] if before else [])
    for label, src in trees:
        out.append(Case(f"{label}nasalis --help", [py, "-m", "nasalis", "--help"], src))
        out.append(Case(f"{label}nasalis log", [py, "-m", "nasalis", "log", "--intensity", "3"], src))
    return out


def main() -> None:
    """Run every case N times in turns and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another nasalis src tree to time alike")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as folder:
        db_url = f"sqlite:///{Path(folder) / 'diary.db'}"
        all_cases = cases(args.before)
        for case in all_cases:  # warm-up: schema made, bytecode cached; not counted
            case.run(db_url)
            case.wall.clear()
            case.cpu.clear()
        for _ in range(args.runs):
            for case in all_cases:
                case.run(db_url)
    bare = statistics.median(all_cases[0].wall)
    print(f"{args.runs} runs each, fresh processes, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"{'case':<46} {'median':>8} {'p90':>8} {'x bare':>7} {'cpu':>7}  goal")
    for case in all_cases:
        median = statistics.median(case.wall)
        goal = GOALS_S.get(case.name)
        verdict = "" if goal is None else f"< {goal} s: {'met' if median < goal else 'NOT met'}"
        print(
            f"{case.name:<46} {median:>7.3f}s {p90(case.wall):>7.3f}s {median / bare:>6.1f}x"
            f" {statistics.median(case.cpu):>6.3f}s  {verdict}"
        )


if __name__ == "__main__":
    main()
