"""nasalis.video.events on measured signals built by hand: what a rule does to a known movement."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nasalis.video.events import find_events
from nasalis.video.measure import Signals

FPS, SECONDS, IOD = 30.0, 8.0, 100.0
PLACES = {
    "nose": (0.3, -1.0),
    "eyelid": (0.0, 1.0),
    "lower_eyelid": (0.0, -1.0),
    "cheek": (0.3, -1.0),
    "mouth": (0.6, -0.8),
}
"""Each place of the face and the direction it moves in when the muscles of its side contract."""


def _one_sided(envelope: npt.NDArray[np.float64], amplitude: float, seed: int = 0) -> Signals:
    """All five places of one side (index 0) pulled together, as in hemifacial spasm; noise elsewhere."""
    rng = np.random.default_rng(seed)
    n = len(envelope)
    motion: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for place, direction in PLACES.items():
        for k in (0, 1):
            d = rng.normal(0, 0.002 * IOD, (n, 2))
            if k == 0:
                d += amplitude * IOD * envelope[:, None] * np.array(direction)[None, :]
            motion[(place, k)] = [(float(x), float(y)) for x, y in d]
    return Signals(
        times=[i / FPS for i in range(n)],
        found=[True] * n,
        motion=motion,
        iod=IOD,
        image_x={(p, k): 60.0 if k == 0 else 40.0 for p in PLACES for k in (0, 1)},
        nose_x=50.0,
    )


def test_a_strong_hemifacial_spasm_is_measured_whole_not_taken_for_a_failed_frame() -> None:
    # Five places of one side move far at once: the other side's places stay still, so the
    # frames are not failed measurements (they were blanked, capping 0.15 IOD at about 0.07).
    t = np.arange(int(FPS * SECONDS)) / FPS
    jerk = np.where((t >= 3.0) & (t < 3.6), np.sin(np.pi * (t - 3.0) / 0.6) ** 2, 0.0)
    events = find_events(_one_sided(jerk, 0.15)).events
    regions = {e.region for e in events}
    assert regions >= {"nose", "cheek", "mouth", "eyelid"}
    assert all(e.side == events[0].side for e in events)  # one side only
    assert all(e.amplitude >= 0.12 for e in events)


def test_a_two_second_contraction_is_one_event_per_place() -> None:
    t = np.arange(int(FPS * SECONDS)) / FPS
    tonic = np.asarray(np.clip((t - 3.0) / 0.2, 0, 1) * np.clip((5.2 - t) / 0.2, 0, 1), dtype=np.float64)
    events = find_events(_one_sided(tonic, 0.2)).events
    regions = [e.region for e in events if e.region != "eyelid"]
    assert sorted(regions) == ["cheek", "mouth", "nose"]  # not split in two at its plateau
    assert all(e.end_s - e.start_s >= 1.5 for e in events)
