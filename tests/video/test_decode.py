"""Decoding runs a few frames ahead on a second thread; the reader sees the plain sequence."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from nasalis.video import decode
from nasalis.video.arrays import Array


def _decoding_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("decode ") and t.is_alive()]


def test_frames_arrive_in_order_as_decoded(clips: dict[str, Path]) -> None:
    path = clips["twitches.mp4"]
    cap = cv2.VideoCapture(str(path))
    direct = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        direct.append(frame)
    cap.release()
    got = list(decode.frames(path))
    assert len(got) == len(direct) == 7 * 30
    assert all(np.array_equal(f, d) for (_, f), d in zip(got, direct, strict=True))
    times = [t for t, _ in got]
    assert times == sorted(times)
    assert times[0] == pytest.approx(0.0)
    assert times[-1] == pytest.approx(209 / 30, abs=0.02)
    assert _decoding_threads() == []


def test_stopping_early_stops_the_decoding_thread(clips: dict[str, Path]) -> None:
    reader = decode.frames(clips["twitches.mp4"])
    for _ in range(3):
        next(reader)
    assert len(_decoding_threads()) == 1
    reader.close()
    assert _decoding_threads() == []


def test_a_failure_while_decoding_reaches_the_reader(
    clips: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenCV does not fail on demand; a failing resize stands in for any error on that thread.
    seen = []

    def failing_fit(frame: Array) -> Array:
        seen.append(frame)
        if len(seen) == 5:
            raise MemoryError("no room for frame 5")
        return frame

    monkeypatch.setattr(decode, "_fit", failing_fit)
    with pytest.raises(MemoryError, match="frame 5"):
        list(decode.frames(clips["twitches.mp4"]))
    assert len(seen) == 5
    assert _decoding_threads() == []


@pytest.mark.parametrize("name", ["phone.mov", "phone-60fps-hevc.mp4"])
def test_a_phone_clip_lying_on_its_side_is_turned_upright(clips: dict[str, Path], name: str) -> None:
    stored = cv2.VideoCapture(str(clips[name]))
    stored.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    ok, lying = stored.read()
    stored.release()
    assert ok
    assert lying.shape[:2] == (540, 960)  # what the file holds: landscape pixels
    (_, upright), *_ = decode.frames(clips[name])
    assert upright.shape[:2] == (960, 540)
    (_, truth), *_ = decode.frames(clips[f"upright-{name}"])
    difference = cv2.absdiff(upright, truth).mean()
    turned_wrong = cv2.absdiff(cv2.flip(upright, -1), truth).mean()
    assert difference < 4  # only the codec's loss
    assert turned_wrong > 5 * difference
