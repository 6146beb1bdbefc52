"""The stills around each event a person is asked to check: from a second before to a second after."""

from __future__ import annotations

import base64
from pathlib import Path

import cv2
import numpy as np
import pytest

from nasalis.video.review_frames import AROUND_S, STILLS, WIDTH, moments, review_frames
from tests.web.review_clips import ASKED, EVENTS, render_clip, result


def test_the_moments_reach_a_second_either_side_and_stay_inside_the_clip() -> None:
    event = {"start_s": 1.6, "end_s": 1.9}
    times = moments(event, 4.0, 30.0)
    assert len(times) == STILLS
    assert times[0] == pytest.approx(1.6 - AROUND_S)
    assert times[-1] == pytest.approx(1.9 + AROUND_S)
    near_start = moments({"start_s": 0.2, "end_s": 0.4}, 4.0, 30.0)
    assert near_start[0] == 0.0
    near_end = moments({"start_s": 3.7, "end_s": 3.95}, 4.0, 30.0)
    assert max(near_end) <= 4.0 - 1 / 30


def test_only_the_events_asked_about_get_stills_and_they_show_the_face(tmp_path: Path) -> None:
    clip = render_clip(tmp_path)
    stills = review_frames(clip, result())
    assert sorted(stills) == [str(i) for i in ASKED]
    for key, pairs in stills.items():
        event = EVENTS[int(key)]
        times = [t for t, _ in pairs]
        assert times == moments(event, 4.0, 30.0)
        images = []
        for _, uri in pairs:
            raw = base64.b64decode(uri.split(",", 1)[1])
            image = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_GRAYSCALE)
            assert image.shape[1] == WIDTH
            assert image.shape[0] > WIDTH  # the face cut out (taller than wide), not the whole frame
            images.append(cv2.resize(image, (WIDTH, 200)).astype(np.float32))
        assert max(float(np.abs(a - images[0]).mean()) for a in images[1:]) > 0.1  # not one frame copied
    assert review_frames(clip, {**result(), "events": [EVENTS[0]]}) == {}  # nothing unsure: no stills
