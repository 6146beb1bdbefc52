"""Clip generator speed: seconds to render a 10 s 720p30 clip, plain and under each condition.

Run: .venv/bin/python -m bench.clip_render_bench [--seconds 10] [--seed 5001]
Renders one clip of the tuning seed with no condition (`plain`), then with each condition
alone and with `mixed`, beside the floor in the same run: the same number of frames of the
still face through the same writer (decoding nothing, warping nothing). Prints each time as
seconds and as a multiple of the clip's own length (below 1: faster than real time).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tools.twitchclips import CONDITIONS, random_spec, render
from tools.twitchclips.clipface import Face
from tools.twitchclips.clipsink import OpenCVSink


def _floor(seconds: float, folder: Path) -> float:
    """Writing the still face, frame after frame: what any clip costs at least."""
    face = Face((1280, 720))
    started = time.perf_counter()
    sink = OpenCVSink(folder / "floor.mp4", 30.0, (1280, 720))
    for _ in range(round(seconds * 30)):
        sink.write(face.base.copy())
    sink.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Print the render time of each condition beside the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=5001)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        floor = _floor(args.seconds, folder)
        print(
            f"{'floor (still face, writer only)':34s} {floor:6.1f} s  {floor / args.seconds:5.2f}x real time"
        )
        for name in ("plain", *CONDITIONS, "mixed"):
            spec = random_spec(args.seed, args.seconds, conditions=name)
            started = time.perf_counter()
            render(spec, folder / f"{name}.mp4")
            took = time.perf_counter() - started
            label = name if name != "mixed" else f"mixed ({', '.join(sorted(spec.conditions))})"
            print(
                f"{label:34s} {took:5.1f} s {took / args.seconds:5.2f}x real time  {took / floor:4.1f}x floor"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
