"""`video_bench --truth DIR` scores a folder of clips with truth files beside them exactly as the
generated bench scores the same clips, annotated (amplitude unknown) or not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bench.video_bench import main

from bench import truth_folder
from nasalis.video.truth import parse_truth, read_truth, save_truth


def _accuracy(out: str) -> list[str]:
    """The accuracy lines of a bench report: counts, precision, recall, F1, blinks (not speed)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("events:"))
    # a hand-marked file names no generator conditions: the per-condition table is left out
    end = next(i for i, line in enumerate(lines) if line.startswith(("per condition", "all ")))
    return [line for line in lines[start:end] if line.strip() and not line.startswith("amplitude error")]


def _as_annotated(path: Path) -> None:
    """Rewrite a generated truth file as `nasalis video annotate` would save it for the same marks."""
    generated = read_truth(path)
    marks = [
        {"region": t.region, "side": t.side, "onset_s": t.onset_s, **({"lid": t.lid} if t.lid else {})}
        for t in generated.twitches
    ]
    annotated = parse_truth(
        {
            "clip": generated.clip,
            "fps": generated.fps,
            "seconds": generated.seconds,
            "twitches": marks,
            "blinks": generated.blinks,
            "mirrored": generated.mirrored,
        },
        "truth",
    )
    save_truth(path, annotated, backup=False)


def test_truth_folder_gives_the_generated_benchs_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "clips"
    main(["--count", "2", "--seconds", "4", "--out", str(folder)])
    generated = _accuracy(capsys.readouterr().out)
    assert generated[0].startswith("events:")
    assert not generated[0].startswith("events: 0 found")

    truths = sorted(folder.glob("*/clip_*.json"))  # the bench keeps its clips per generator version
    assert len(truths) == 2
    folder = truths[0].parent
    _as_annotated(truths[1])
    assert json.loads(truths[1].read_text())["twitches"][0]["amplitude"] is None
    shutil.copy(truths[0].with_suffix(".mp4"), folder / "not-annotated.mp4")

    main(["--truth", str(folder)])
    scored = capsys.readouterr().out
    assert "not-annotated.mp4: no not-annotated.json beside it, not scored" in scored
    assert "Video benchmark: 2 annotated clips in" in scored
    assert _accuracy(scored) == generated


def test_a_folder_that_cannot_be_scored_stops_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.mp4").write_bytes(b"")
    (tmp_path / "a.json").write_text(json.dumps({"clip": "b.mp4", "fps": 30, "seconds": 1}))
    assert main(["--truth", str(tmp_path)]) == 2
    assert "a.json: clip: names b.mp4, not a.mp4" in capsys.readouterr().err
    (tmp_path / "a.json").write_text(json.dumps({"clip": "a.mp4", "fps": 30, "seconds": 1, "blinks": ["x"]}))
    assert main(["--truth", str(tmp_path)]) == 2
    assert "a.json: blinks.0:" in capsys.readouterr().err
    (tmp_path / "a.webm").write_bytes(b"")
    with pytest.raises(truth_folder.FolderError, match=r"a\.webm and a\.mp4 would share a\.json"):
        truth_folder.clips(tmp_path)
    assert main(["--truth", str(tmp_path / "none")]) == 2
