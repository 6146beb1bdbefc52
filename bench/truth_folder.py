"""A folder of clips with truth files beside them, read for scoring (`video_bench --truth DIR`).

Pairing rule: a video file (CLIP_SUFFIXES) and the `.json` of the same name beside it,
clip_x.mp4 with clip_x.json, as both the generator and `nasalis video annotate` write them. A
clip without a truth file is left out (and named); two clips of one name, or a truth file that
says it belongs to another clip, stop the run, as does a truth file that is not one (the
message names the file and the field). A truth file written by a person has no amplitude
(`null`): it is scored by the same rule, and the amplitude error counts only the twitches whose
amplitude is known.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from nasalis.video.truth import TruthError, read_truth

CLIP_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi")


class FolderError(Exception):
    """The folder cannot be scored as it is; the message says which file and why."""


def clips(folder: Path) -> tuple[list[Path], list[str]]:
    """The clips that have a truth file, in name order, and a line for each clip left out."""
    if not folder.is_dir():
        raise FolderError(f"--truth: {folder} is not a folder")
    videos = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CLIP_SUFFIXES)
    stems: dict[str, Path] = {}
    for clip in videos:
        if clip.stem in stems:
            raise FolderError(f"{clip.name} and {stems[clip.stem].name} would share {clip.stem}.json")
        stems[clip.stem] = clip
    paired = [c for c in videos if c.with_suffix(".json").is_file()]
    left_out = [
        f"{c.name}: no {c.with_suffix('.json').name} beside it, not scored" for c in videos if c not in paired
    ]
    return paired, left_out


def load(clip: Path) -> dict[str, Any]:
    """The clip's truth, checked, as bench.video_score.score_clip reads it."""
    try:
        truth = read_truth(clip.with_suffix(".json")).to_json()
    except TruthError as exc:
        raise FolderError(str(exc)) from None
    if truth["clip"] != clip.name:
        raise FolderError(f"{clip.with_suffix('.json').name}: clip: names {truth['clip']}, not {clip.name}")
    for twitch in truth["twitches"]:
        # score_clip divides by the true amplitude; NaN keeps a person's unmeasured twitch out of
        # the amplitude error (known_errors) and changes no count.
        if twitch.get("amplitude") is None:
            twitch["amplitude"] = math.nan
    return truth


def known_errors(errors: list[float] | None) -> list[float]:
    """The amplitude errors of the twitches whose true amplitude is known."""
    return [e for e in errors or [] if not math.isnan(e)]
