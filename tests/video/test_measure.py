"""measure(): Face Mesh runs on a second thread; it never outlives the measurement."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from tools.twitchclips import ClipSpec, render

from nasalis.video.arrays import Array
from nasalis.video.decode import frames
from nasalis.video.face import FaceMesh
from nasalis.video.measure import measure


def _face_mesh_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("face-mesh") and t.is_alive()]


def test_every_frame_gets_its_row_in_order(clips: dict[str, Path]) -> None:
    mesh = FaceMesh()
    try:
        sig = measure(frames(clips["twitches.mp4"]), mesh)
    finally:
        mesh.close()
    assert len(sig.times) == len(sig.found) == 7 * 30
    assert sig.times == sorted(sig.times)
    assert all(sig.found)
    for rows in sig.motion.values():
        assert len(rows) == len(sig.times)
        # Only the reference frame (the first) is left out; every other frame was measured.
        assert np.isnan(rows[0][0])
        assert not np.isnan(np.array(rows[1:])).any()
    assert _face_mesh_threads() == []


def test_a_failing_clip_stops_the_face_mesh_thread(clips: dict[str, Path]) -> None:
    def broken() -> Iterator[tuple[float, Array]]:
        for n, item in enumerate(frames(clips["twitches.mp4"])):
            if n == 40:
                raise OSError("the clip's file went away")
            yield item

    mesh = FaceMesh()
    try:
        with pytest.raises(OSError, match="went away"):
            measure(broken(), mesh)
    finally:
        mesh.close()
    assert _face_mesh_threads() == []


def test_a_small_face_at_the_side_of_the_frame_is_found_and_followed(tmp_path: Path) -> None:
    # Eyes 61 px apart, low in the right of a 1280x720 frame: Face Mesh's detector, shown
    # the whole frame, found no face in it at all.
    place = {"iod_px": 60.7, "x": 0.85, "y": 0.78}  # the face_size condition's place in the frame
    spec = ClipSpec(seconds=3, blinks=[1.5], noise=2, seed=8, conditions={"face_size": place})
    path = tmp_path / "small.mp4"
    render(spec, path)
    mesh = FaceMesh()
    try:
        sig = measure(frames(path), mesh)
    finally:
        mesh.close()
    assert all(sig.found)
    assert sig.iod == pytest.approx(60.7, rel=0.1)
