"""measure(): Face Mesh runs on a second thread; it never outlives the measurement."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

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
