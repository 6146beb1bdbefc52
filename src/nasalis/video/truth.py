"""A clip's truth file: the twitches and blinks a person marked, in the generator's own format.

tools/twitchclips.py writes `clip_NNN.json` beside each generated clip; `nasalis video annotate`
writes the same keys for a real recording, so bench/truth_folder.py scores either alike. What a
generator alone knows (the warp's amplitude, the noise it added) is `null` or left out for a real
clip; keys this module does not know are kept as they were when a file is edited and saved again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nasalis.diary.atomic_file import write_atomically
from nasalis.video.face import REPORTED_REGIONS

Side = Literal["left", "right", "both"]
Lid = Literal["upper", "lower"]
Shape = Literal["jerk", "train", "pull", "quiver"]
"""jerk: one brief contraction; train: a few jerks within about a second (one twitch); pull: a
slow contraction of seconds; quiver: a 5-10 Hz ripple (as the generator names them)."""
TRUTH_REGIONS = REPORTED_REGIONS
"""The regions a truth file may name: the ones the analyser measures."""
SCHEMA = "twitchclips/2"
"""The truth format's name and version, as the generator writes it (tests/video/test_truth.py
checks the two agree)."""


class TruthError(Exception):
    """A truth file that cannot be read or written; the message names the field or the file."""


class TruthTwitch(BaseModel):
    """One true twitch: onset, region and the person's own side (left, right or both)."""

    model_config = ConfigDict(extra="allow")

    region: str
    side: Side
    onset_s: float = Field(ge=0)
    duration_s: float | None = Field(default=None, ge=0, description="null: the annotator marked no end")
    amplitude: float | None = Field(default=None, description="null: not measured (a real clip)")
    lid: Lid | None = Field(default=None, description="eyelid twitches: which lid moved")
    shape: Shape | None = Field(default=None, description="how it moved, when said")

    @model_validator(mode="after")
    def _known_region(self) -> TruthTwitch:
        if self.region not in TRUTH_REGIONS:
            raise ValueError(f"region must be one of {', '.join(TRUTH_REGIONS)}, not {self.region!r}")
        if self.lid is not None and self.region != "eyelid":
            raise ValueError("lid is said only of an eyelid twitch")
        return self


class Truth(BaseModel):
    """The truth of one clip: what happened in it, and when (seconds from its start)."""

    model_config = ConfigDict(extra="allow")

    clip: str = Field(description="the clip's file name, in the same folder")
    fps: float = Field(gt=0)
    seconds: float = Field(ge=0)
    twitches: list[TruthTwitch] = Field(default_factory=list)
    blinks: list[float] = Field(default_factory=list, description="blink onsets, s")
    talking: list[tuple[float, float]] = Field(default_factory=list, description="(start, end), s")
    mirrored: bool = Field(default=False, description="the picture is mirrored (a front camera's preview)")

    def to_json(self) -> dict[str, Any]:
        """The file's content: twitches in time order, without a lid or shape nobody said."""
        data = self.model_dump(mode="json")
        data["twitches"] = [
            {k: v for k, v in t.items() if not (k in ("lid", "shape") and v is None)}
            for t in sorted(data["twitches"], key=lambda t: t["onset_s"])
        ]
        data["blinks"] = sorted(data["blinks"])
        data.setdefault("schema", SCHEMA)
        return data


def parse_truth(data: object, where: str) -> Truth:
    """Check a truth document; TruthError names the first wrong field."""
    try:
        return Truth.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "the file"
        raise TruthError(f"{where}: {field}: {first['msg']}") from None


def read_truth(path: Path) -> Truth:
    """The truth file at `path`; TruthError if it is unreadable, not JSON or not a truth file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TruthError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise TruthError(f"{path.name}: not JSON ({exc.msg}, line {exc.lineno})") from None
    return parse_truth(data, path.name)


def render_truth(truth: Truth) -> str:
    """The text of a truth file, indented as the generator writes it."""
    return json.dumps(truth.to_json(), indent=1) + "\n"


def digest(path: Path) -> str | None:
    """A fingerprint of the file's bytes (None: no file), to tell whether someone else changed it."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def backup_path(path: Path) -> Path:
    """Where the file's previous content is kept before it is replaced."""
    return path.with_name(path.name + ".bak")


def save_truth(path: Path, truth: Truth, backup: bool) -> None:
    """Write the truth file whole or not at all; with `backup`, keep the old file as NAME.bak first."""
    try:
        if backup and path.exists():
            write_atomically(backup_path(path), path.read_bytes())
        write_atomically(path, render_truth(truth))
    except OSError as exc:
        raise TruthError(f"{path}: cannot be written ({exc.strerror or exc})") from None
