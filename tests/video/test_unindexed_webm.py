"""A browser's recording: WebM written as a stream (MediaRecorder's way), without a duration or an index.

ffmpeg writing WebM to a pipe cannot go back to fill in the duration or add the cues, as
MediaRecorder cannot: OpenCV then reports a huge negative frame count and every seek lands
on the first frame. The clip must still be probed, decoded and measured, and its stills be
the frames at their times.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from tools.twitchclips import ClipSpec, Twitch
from tools.twitchclips.cliprender import frames as rendered
from tools.twitchclips.clipsink import ffmpeg_exe

from nasalis.video import decode
from nasalis.video.analyze import analyze

SIZE = (640, 360)
SPEC = ClipSpec(
    seconds=6,
    size=SIZE,
    twitches=[Twitch("nose", "left", 1.5, 0.4, 0.05), Twitch("eyelid", "right", 4.0, 0.5, 0.05)],
    blinks=[3.0],
    noise=2,
    seed=21,
)


@pytest.fixture(scope="module")
def streamed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SPEC as VP9 in WebM, written to a pipe (no seeking back: no duration, no cues)."""
    path = tmp_path_factory.mktemp("streamed") / "recording.webm"
    cmd = [ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{SIZE[0]}x{SIZE[1]}"]
    cmd += ["-r", "30", "-i", "-", "-an", "-c:v", "libvpx-vp9", "-b:v", "1.5M", "-deadline", "realtime"]
    cmd += ["-cpu-used", "8", "-pix_fmt", "yuv420p", "-f", "webm", "pipe:1"]
    with path.open("wb") as out:
        encoder = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out)
        assert encoder.stdin is not None
        for frame in rendered(SPEC):
            encoder.stdin.write(frame.tobytes())
        encoder.stdin.close()
        assert encoder.wait() == 0
    return path


def test_the_stream_is_like_a_browsers_no_frame_count_and_no_seeking(streamed: Path) -> None:
    cap = cv2.VideoCapture(str(streamed), cv2.CAP_FFMPEG)
    try:
        assert not 1 <= cap.get(cv2.CAP_PROP_FRAME_COUNT) <= decode.MAX_FRAMES
        cap.set(cv2.CAP_PROP_POS_MSEC, 3000.0)
        ok, _ = cap.read()
        assert ok
        assert cap.get(cv2.CAP_PROP_POS_MSEC) < 1000.0, "this stream can be seeked: not the case tested"
    finally:
        cap.release()


def test_a_clip_without_a_duration_is_probed_as_unknown_and_decoded_whole(streamed: Path) -> None:
    info = decode.probe(streamed)
    assert (info.frames, info.duration_s) == (0, 0.0)  # unknown, not a count of one frame
    assert (info.width, info.height, info.fps) == (*SIZE, 30.0)
    times = [t for t, _ in decode.frames(streamed)]
    assert len(times) == 6 * 30
    assert times == sorted(times)
    assert times[-1] == pytest.approx(179 / 30, abs=0.05)


def test_stills_of_a_clip_that_cannot_seek_are_the_frames_at_their_times(streamed: Path) -> None:
    decoded = list(decode.frames(streamed))
    wanted = [4.0, 0.5, 2.2, 99.0]  # out of order, and one past the end
    got = decode.stills(streamed, wanted)
    assert len(got) == len(wanted)
    for t, frame in zip(sorted(wanted), got, strict=True):
        stamp, expected = next(((s, f) for s, f in decoded if s >= t - 0.5 / 30), decoded[-1])
        assert np.array_equal(frame, expected), f"the still for {t} s is not the frame at {stamp:.2f} s"
    assert not np.array_equal(got[0], got[2]), "every still is the same frame"


def test_a_browser_made_clip_is_measured_with_its_twitches(streamed: Path) -> None:
    result = analyze(streamed).to_json()
    assert result["duration_s"] == pytest.approx(6.0, abs=0.1)
    found = [(e["region"], e["side"], e["start_s"]) for e in result["events"]]
    assert [(r, s) for r, s, _ in found] == [("nose", "left"), ("eyelid", "right")], found
    for (_, _, start), truth in zip(found, (1.5, 4.0), strict=True):
        assert start == pytest.approx(truth, abs=0.3)
