"""python -m tools.twitchclips OUT_DIR: write clips and their truth files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.twitchclips import CONDITIONS, EXTREME, HELD_OUT_FROM, PHONE_CODECS, random_spec, write_clip
from tools.twitchclips.cliprandom import HeldOutSeedError


def main(argv: list[str] | None = None) -> int:
    """Write --count clips and their truth files into OUT_DIR."""
    parser = argparse.ArgumentParser(description="Synthetic twitch clips with known answers.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1, help="clip n uses seed SEED*1000+n")
    parser.add_argument("--no-distractors", action="store_true")
    parser.add_argument(
        "--condition",
        action="append",
        metavar="NAME",
        help=f"mixed (default: 2-4 ordinary ones at random), plain, or any of {', '.join(CONDITIONS)}"
        f" (repeat to combine; extreme: {', '.join(sorted(EXTREME))})",
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help=f"allow the held-out seeds (from {HELD_OUT_FROM}): only for the final, first-look run",
    )
    parser.add_argument(
        "--phone",
        choices=sorted(PHONE_CODECS),
        help="portrait 720x1280 clips stored as a phone does: lying on their side, this codec,"
        " a rotation tag (needs imageio-ffmpeg)",
    )
    args = parser.parse_args(argv)
    conditions = args.condition or ["mixed"]
    try:
        specs = [
            random_spec(
                args.seed * 1000 + n,
                args.seconds,
                not args.no_distractors,
                conditions=conditions if len(conditions) > 1 else conditions[0],
                held_out=args.held_out,
            )
            for n in range(args.count)
        ]
    except (HeldOutSeedError, ValueError) as err:
        print(f"twitchclips: {err}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for n, spec in enumerate(specs):
        path = write_clip(args.out, n, spec, args.phone)
        on = ",".join(spec.conditions) or "plain"
        print(f"{path.name}: {len(spec.twitches)} twitches, {len(spec.blinks)} blinks, {on}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
