"""Video benchmark: accuracy over generated clips, and speed beside bare Face Mesh.

Run: .venv/bin/python -m bench.video_bench [--count 50] [--seconds 10] [--out DIR]
Generates --count 720p30 clips with tools/twitchclips.py (1-4 twitches each, plus blinks,
talking, head motion, noise, brightness drift and the codec's compression), analyses each,
and prints event precision, recall and F1 (a match: onset within 0.3 s, same region and
side), blinks counted as twitches, amplitude error, and speed as a multiple of real time.
In the same run, bare Face Mesh runs over the same decoded frames, for comparison.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tools.twitchclips import random_spec, render

from bench.video_score import Score, load_truth, score_clip
from nasalis.video.analyze import analyze
from nasalis.video.decode import frames
from nasalis.video.face import FaceMesh

GOALS = "goals: F1 >= 0.9, no blink counted as a twitch, faster than real time, <= 1.3x bare Face Mesh"


def _make(args: tuple[int, Path, float, int]) -> Path:
    n, folder, seconds, seed_base = args
    suffix = [".mp4", ".mp4", ".mov", ".mp4", ".mp4", ".mov", ".mp4", ".webm"][n % 8]
    path = folder / f"clip_{n:03d}{suffix}"
    truth = render(random_spec(seed_base + n, seconds), path)
    path.with_suffix(".json").write_text(json.dumps(truth))
    return path


def _bare_face_mesh(path: Path) -> tuple[float, int]:
    """Seconds to decode the clip and run Face Mesh on every frame, nothing else."""
    decoded = [f for _, f in frames(path)]
    mesh = FaceMesh()
    start = time.perf_counter()
    for f in decoded:
        mesh.landmarks(f)
    elapsed = time.perf_counter() - start
    mesh.close()
    return elapsed, len(decoded)


def _decode_only(path: Path) -> float:
    start = time.perf_counter()
    for _ in frames(path):
        pass
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 if a goal is missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=None, help="keep the clips here")
    parser.add_argument(
        "--seed-base",
        type=int,
        default=5000,
        help="clip n uses seed BASE+n; thresholds were tuned on seeds 1000-1049, so the default is held out",
    )
    args = parser.parse_args(argv)
    folder = args.out or Path(tempfile.mkdtemp(prefix="nasalis-clips-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        clips = list(pool.map(_make, [(n, folder, args.seconds, args.seed_base) for n in range(args.count)]))
    made = time.perf_counter() - start
    print(f"generated {len(clips)} clips of {args.seconds:.0f} s at 1280x720 in {made:.0f} s")
    score = Score()
    analysis_s = video_s = 0.0
    misses: list[str] = []
    for path in clips:
        truth = load_truth(path)
        t0 = time.perf_counter()
        result = analyze(path).to_json()
        analysis_s += time.perf_counter() - t0
        video_s += result["duration_s"]
        misses += [f"{path.name}: {p}" for p in score_clip(truth, result, score)]
    sample = clips[: min(10, len(clips))]
    bare = [_bare_face_mesh(p) for p in sample]
    bare_s = sum(b for b, _ in bare)
    bare_frames = sum(n for _, n in bare)
    decode_s = sum(_decode_only(p) for p in sample)
    ours_per_frame = analysis_s / (video_s * 30.0)
    bare_per_frame = bare_s / bare_frames
    decode_per_frame = decode_s / bare_frames
    errors = score.amplitude_errors or [0.0]
    print(f"\nVideo benchmark: {len(clips)} clips, {video_s:.0f} s of 720p30 video; {GOALS}\n")
    print(f"events: {score.true_positive} found, {score.false_positive} false, {score.false_negative} missed")
    print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}")
    print(f"blinks counted as twitches: {score.blinks_as_twitches}")
    print(
        f"amplitude error (measured vs true, relative): median {statistics.median(errors):+.2f},"
        f" median absolute {statistics.median(abs(e) for e in errors):.2f}"
    )
    print(f"\nanalysis: {ours_per_frame * 1000:.2f} ms a frame, {1 / (ours_per_frame * 30):.1f}x real time")
    print(f"bare Face Mesh (same clips' frames, decoded beforehand): {bare_per_frame * 1000:.2f} ms a frame")
    print(f"decoding alone: {decode_per_frame * 1000:.2f} ms a frame")
    print(
        f"analysis / bare Face Mesh: {ours_per_frame / bare_per_frame:.2f}x;"
        f" analysis / (Face Mesh + decoding): {ours_per_frame / (bare_per_frame + decode_per_frame):.2f}x"
    )
    if misses:
        print("\nwhat went wrong:")
        for line in misses:
            print("  " + line)
    print(f"\nclips kept in {folder}" if args.out else "")
    ok = score.f1 >= 0.9 and score.blinks_as_twitches == 0 and ours_per_frame < 1 / 30
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
