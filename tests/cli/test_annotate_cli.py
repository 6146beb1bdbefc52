"""`nasalis video annotate` refuses bad input before it opens any page: a clear message, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import nasalis_process


@pytest.mark.parametrize(
    ("make", "args", "says"),
    [
        (lambda d: d / "none.mp4", [], "CLIP: " + "{d}/none.mp4: no such file"),
        (lambda d: _write(d / "notes.mp4", b"not a video"), [], "CLIP: notes.mp4: not a video"),
        (lambda d: _write(d / "truth.json", b"{}"), [], "CLIP: truth.json: not a video"),
    ],
)
def test_a_clip_that_is_not_a_video_is_refused(
    tmp_path: Path, make: object, args: list[str], says: str
) -> None:
    clip = make(tmp_path)  # type: ignore[operator]
    done = nasalis_process("video", "annotate", str(clip), "--no-browser", *args)
    assert done.returncode == 2
    assert says.format(d=tmp_path) in " ".join(done.stderr.split())


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("out", "says"),
    [
        ("{d}/missing/t.json", "--out: {d}/missing is not a folder that exists"),
        ("{d}", "--out: {d} is a folder"),
        ("{d}/c.avi", "--out: {d}/c.avi is the clip itself"),
        ("{d}/broken.json", "--out: broken.json: not JSON"),
    ],
)
def test_an_out_that_cannot_take_the_truth_is_refused(tmp_path: Path, out: str, says: str) -> None:
    from tools.twitchclips import ClipSpec, render

    render(ClipSpec(seconds=0.3, size=(320, 180)), tmp_path / "c.avi")
    (tmp_path / "broken.json").write_text("{half")
    done = nasalis_process(
        "video", "annotate", str(tmp_path / "c.avi"), "--out", out.format(d=tmp_path), "--no-browser"
    )
    assert done.returncode == 2
    assert says.format(d=tmp_path) in " ".join(done.stderr.split())
    assert (tmp_path / "broken.json").read_text() == "{half"  # nothing changed
