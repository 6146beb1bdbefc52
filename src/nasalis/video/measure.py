"""Per-region motion signals: landmarks place the regions and remove head motion, optical flow
measures the twitch.

Landmarks barely follow a local nose movement (a 4-16 px warp of the ala moves its landmark
by 1-3% of the shift), while dense Farneback flow in a region placed by the landmarks follows
it closely (0.5-4 px shifts read as 0.51-3.60 px). So each frame is aligned to the first face
frame by a similarity transform fitted on stable points (nose bridge, forehead, the face's
sides); the part of the aligned face around the regions and anchors is cut out small; and
flow against the first frame's cut gives how far each region moved relative to the rest of
the face, in units of the inter-ocular distance.

Three threads share the work: decoding runs ahead (decode.py), Face Mesh runs on a frame while
the flow of the frames before it is measured, and the flow runs on the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np

from nasalis.video.arrays import Array
from nasalis.video.face import ANCHORS, IRIS, REGIONS, STABLE, FaceMesh
from nasalis.video.lidgap import EYE_POINTS, LidGaps, eye_apertures

_IDENTITY = np.eye(3)[:2]
"""The alignment of the first face's frame, which every other frame is aligned to."""

Key = tuple[str, int]
"""(region, 0 or 1): a region's two landmarks in mesh order; which is 'left' comes later."""

FACE_WIDTH = 120
"""The aligned face is measured at this width: twitches of 1-8 px at 720p stay 0.5-4 px."""
FLOW = (0.5, 1, 9, 2, 5, 1.1, 0)
"""Farneback: one level (alignment already removed large motion), window 9, 2 iterations.
On the 50 tuning clips: 3 iterations F1 0.934 and 2 iterations 0.936 at 0.6 ms less a frame;
no pyramid 0.79-0.93; DIS flow (0.2-2 ms) only 0.19-0.80, because its patches blur a local
twitch; Lucas-Kanade at the points themselves 0.38-0.54 (too noisy between frames)."""
ROI_MARGIN = 0.25
"""Flow is computed this far (in inter-ocular distances) around the outermost point read.
Tuning clips, F1 by margin: 0.15 0.930, 0.2 0.974, 0.25 0.962, 0.3 0.945, 0.4 0.959 (the
whole face, as before: 0.923); the middle of the plateau was taken, not its noisy top."""
LANDMARK_EVERY = 3
"""Face Mesh runs on every third frame once a face is found; the flow between its frames still
sees every frame. Face Mesh is the largest cost, and the anchors' residual similarity takes up
the head motion of a tenth of a second. Tuning clips: F1 0.934 every frame, 0.936 every third."""


@dataclass
class Signals:
    """Everything measured, one row per frame."""

    times: list[float] = field(default_factory=list)
    found: list[bool] = field(default_factory=list)
    # (region, index 0|1) -> per-frame displacement vectors in reference pixels
    motion: dict[Key, list[tuple[float, float]]] = field(default_factory=dict)
    iod: float = 0.0
    image_x: dict[Key, float] = field(default_factory=dict)
    nose_x: float = 0.0
    # Eye opening (lid gap over eye width, eyelid keys 0 and 1) at each frame Face Mesh ran on,
    # by frame time: what nasalis.video.eyeclosure measures closures from.
    apertures: dict[float, tuple[float, float]] = field(default_factory=dict)


def _normalised(patch: Array) -> Array:
    """Zero mean, unit spread, as 8-bit: lighting drift then does not read as motion."""
    p = patch.astype(np.float32)
    p -= p.mean()
    p /= p.std() + 1e-3
    return np.clip(p * 40 + 128, 0, 255).astype(np.uint8)


class _FaceFlow:
    """Dense flow over the whole aligned face at FACE_WIDTH, read at anchors and regions.

    One small flow field costs less than many patches, and the anchors (forehead, brows,
    nose bridge) measure what the landmark alignment left over: a residual similarity
    transform fitted on them is removed from every region, so only local movement remains.
    """

    def __init__(self, bgr: Array, landmarks: Array, iod: float) -> None:
        # The scale comes from the whole face (a twitch reads the same on any face size), but
        # flow is only computed around the points it is read at: the sides of the face are a
        # third of its width and no point is there.
        self.scale = FACE_WIDTH / float(np.ptp(landmarks[:, 0]) + 0.3 * iod)
        margin = ROI_MARGIN * iod
        used = landmarks[list(ANCHORS) + [i for pair in REGIONS.values() for i in pair]]
        lo = used.min(axis=0) - margin
        hi = used.max(axis=0) + margin
        self.size = (round(float(hi[0] - lo[0]) * self.scale), round(float(hi[1] - lo[1]) * self.scale))
        self.to_roi = np.array(
            [[self.scale, 0, -lo[0] * self.scale], [0, self.scale, -lo[1] * self.scale], [0, 0, 1]]
        )
        self.keys: list[Key] = [(region, k) for region in REGIONS for k in (0, 1)]
        points = np.array([self._roi(landmarks[REGIONS[r][k]]) for r, k in self.keys])
        anchors = np.array([self._roi(landmarks[i]) for i in ANCHORS])
        # Flow is read at the nearest pixel; the points stay where the first face put them.
        where = np.rint(np.vstack([anchors, points])).astype(int)
        self.xs = np.clip(where[:, 0], 0, self.size[0] - 1)
        self.ys = np.clip(where[:, 1], 0, self.size[1] - 1)
        self.anchors, self.points = anchors, points
        self.sigma = max(1.0, 0.03 * iod * self.scale)
        self.reference = _normalised(self._cut(bgr, _IDENTITY))

    def _roi(self, p: Array) -> Array:
        out: Array = (self.to_roi[:2, :2] @ p + self.to_roi[:2, 2]).astype(np.float64)
        return out

    def _cut(self, bgr: Array, to_reference: Array) -> Array:
        m = self.to_roi @ np.vstack([to_reference, [0, 0, 1]])
        # Only the part of the frame that lands in the region is made gray (a tenth of a 720p
        # frame). Gray before the warp: warping colour and converting after rounds twice, and
        # that extra quantisation doubled the flow's noise on small faces (a 640x360 clip).
        w, h = self.size
        corners = cv2.invertAffineTransform(m[:2]) @ np.array([[0, w, 0, w], [0, 0, h, h], [1, 1, 1, 1]])
        height, width = bgr.shape[:2]
        x0, y0 = np.clip(np.floor(corners.min(axis=1)).astype(int) - 2, 0, [width - 1, height - 1])
        x1, y1 = np.maximum(np.ceil(corners.max(axis=1)).astype(int) + 3, [x0 + 1, y0 + 1])
        gray = cv2.cvtColor(bgr[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
        m[:2, 2] += m[:2, :2] @ np.array([x0, y0])
        return cv2.warpAffine(gray, m[:2], self.size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)

    def displacement(self, bgr: Array, to_reference: Array) -> dict[Key, tuple[float, float]]:
        """How far each region moved since the reference, beyond what the whole face did (px)."""
        current = _normalised(self._cut(bgr, to_reference))
        flow = cv2.calcOpticalFlowFarneback(self.reference, current, None, *FLOW)  # type: ignore[call-overload]
        flow = cv2.GaussianBlur(flow, (0, 0), self.sigma)
        moved = flow[self.ys, self.xs].astype(np.float64)
        n = len(self.anchors)
        local = (moved[n:] - _similarity(self.anchors, moved[:n])(self.points)) / self.scale
        return {key: (float(d[0]), float(d[1])) for key, d in zip(self.keys, local, strict=True)}


def _fit(points: Array, moved: Array) -> Array:
    """Closed-form least-squares small similarity (a, b, tx, ty): moved = [[a, -b], [b, a]] p + t."""
    pc, mc = points.mean(axis=0), moved.mean(axis=0)
    p, m = points - pc, moved - mc
    norm = float((p**2).sum()) or 1.0
    a = float((p[:, 0] * m[:, 0] + p[:, 1] * m[:, 1]).sum()) / norm
    b = float((p[:, 0] * m[:, 1] - p[:, 1] * m[:, 0]).sum()) / norm
    return np.array([a, b, mc[0] - a * pc[0] + b * pc[1], mc[1] - b * pc[0] - a * pc[1]])


def _apply(params: Array, p: Array) -> Array:
    a, b, tx, ty = params
    out: Array = np.column_stack([a * p[:, 0] - b * p[:, 1] + tx, b * p[:, 0] + a * p[:, 1] + ty])
    return out


def _similarity(points: Array, moved: Array) -> Callable[[Array], Array]:
    """Least-squares small similarity (scale, rotation, shift) through the anchors' movement,
    refitted without the two anchors that fit worst (a brow can move with an eyelid, the chin
    with speech)."""
    keep = np.ones(len(points), dtype=bool)
    params = np.zeros(4)
    for _ in range(3):
        params = _fit(points[keep], moved[keep])
        err = np.hypot(*(_apply(params, points) - moved).T)
        err[~keep] = -1
        keep[int(np.argmax(err))] = False
    return lambda p: _apply(params, p)


_NO_MOTION = (np.nan, np.nan)


class _Recorder:
    """Appends each frame's row to the signals, in frame order."""

    def __init__(self, sig: Signals, progress: Callable[[float], None] | None) -> None:
        self.sig, self.progress = sig, progress
        self.flow: _FaceFlow | None = None

    def start(self, bgr: Array, landmarks: Array) -> None:
        """The first face: everything after is measured against it."""
        sig = self.sig
        sig.iod = float(np.linalg.norm(landmarks[IRIS[0]] - landmarks[IRIS[1]]))
        self.flow = _FaceFlow(bgr, landmarks, sig.iod)
        sig.motion = {key: [_NO_MOTION] * len(sig.times) for key in self.flow.keys}
        sig.image_x = {key: float(landmarks[REGIONS[key[0]][key[1]]][0]) for key in self.flow.keys}
        sig.nose_x = float(landmarks[1][0])

    def frame(self, t: float, bgr: Array, to_reference: Array | None, reference: bool = False) -> None:
        """One frame; to_reference None means no face in it."""
        self.sig.times.append(t)
        self.sig.found.append(to_reference is not None)
        if self.flow is not None:
            # The reference frame matched against itself reads exactly zero, unlike every other
            # (compressed, noisy) frame: leave it out rather than call it perfectly still.
            moved = {}
            if to_reference is not None and not reference:
                moved = self.flow.displacement(bgr, to_reference)
            for key in self.flow.keys:
                self.sig.motion[key].append(moved.get(key, _NO_MOTION))
        if self.progress is not None:
            self.progress(t)

    def between(self, pending: list[tuple[float, Array]], before: Array | None, after: Array | None) -> None:
        """Frames Face Mesh skipped: their alignment moves evenly from one of its frames to the
        next (a held one would turn a single frame's landmark jitter into a 3-frame step, which
        the despike keeps and the threshold reads as a twitch)."""
        for i, (t, bgr) in enumerate(pending):
            w = (i + 1) / (len(pending) + 1)
            inside = before if before is None or after is None else before + w * (after - before)
            self.frame(t, bgr, inside)


def _smooth(before: Array | None, now: Array | None, after: Array | None) -> Array | None:
    """A Face Mesh frame's alignment averaged with its neighbours' (weights 1, 2, 1).

    On compressed phone clips Face Mesh's fit can swing by half a degree from one of its frames
    to the next while the head is still; the flow then has to absorb a shift of several pixels
    and a one-frame jolt reads as a movement. Tuning clips F1 0.962 -> 0.981, 16 portrait H.264
    phone clips 0.842 -> 0.880, HEVC 0.795 -> 0.821; held-out seeds 5000-5049 0.940 -> 0.936.
    """
    if now is None:
        return None
    parts = [(w, a) for w, a in ((1.0, before), (2.0, now), (1.0, after)) if a is not None]
    out: Array = np.sum([w * a for w, a in parts], axis=0) / sum(w for w, _ in parts)
    return out


_UNFITTED = np.eye(3)[:2]
"""A face whose stable points gave no fit: it keeps the alignment before it."""


@dataclass
class _Group:
    """A frame Face Mesh runs on, and the frames since the previous one, which wait for its fit."""

    before: list[tuple[float, Array]]
    t: float
    bgr: Array


class _Aligner:
    """Aligns the frames after the first face to it, with Face Mesh on every LANDMARK_EVERY-th.

    Face Mesh on a frame runs on a second thread while the flow of the frames before it is
    measured (both let go of the GIL), so on two cores their costs overlap instead of adding up.
    """

    def __init__(self, out: _Recorder, mesh: FaceMesh, stable: Array) -> None:
        self.out, self.mesh, self.stable = out, mesh, stable
        self.pending: list[tuple[float, Array]] = []  # frames since the last Face Mesh frame
        self.waiting: tuple[_Group, Future[Array | None]] | None = None  # Face Mesh still running
        # Fitted groups, each written once the next one's fit is known (for the smoothing).
        self.ready: list[tuple[_Group, Array | None]] = []
        self.written: Array | None = _IDENTITY  # fit (smoothed) of the last frame written; None: no face
        self.written_raw: Array | None = _IDENTITY  # ... before smoothing
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="face-mesh")
        self.gaps = LidGaps(out.sig.apertures)

    def add(self, n: int, t: float, bgr: Array) -> None:
        """Frame number n (counted from the clip's start)."""
        if n % LANDMARK_EVERY:
            self.pending.append((t, bgr))
            return
        running = self.worker.submit(self._align, bgr, t)
        self._settle()
        self.waiting, self.pending = (_Group(self.pending, t, bgr), running), []

    def _align(self, bgr: Array, t: float) -> Array | None:
        """On the second thread: the similarity that takes this frame's face onto the first's."""
        found = self.mesh.landmarks(bgr, STABLE + EYE_POINTS)
        if found is None:
            return None
        now, self.out.sig.apertures[t] = found[: len(STABLE)], eye_apertures(found[len(STABLE) :])
        fitted, _ = cv2.estimateAffinePartial2D(now, self.stable, method=cv2.LMEDS)
        return fitted if fitted is not None else _UNFITTED

    def _eyes(self, bgr: Array) -> Array | None:
        """A skipped frame's eye landmarks, on the Face Mesh thread (its graph is not shared)."""
        return self.worker.submit(self.mesh.landmarks, bgr, EYE_POINTS).result()

    def _settle(self) -> None:
        if self.waiting is None:
            return
        group, running = self.waiting
        self.waiting = None
        fitted = running.result()
        self.gaps.fill(group.before, group.t, self._eyes)
        if fitted is _UNFITTED:
            fitted = self.ready[-1][1] if self.ready else self.written_raw
        self.ready.append((group, fitted))
        if len(self.ready) == 2:
            self._write(self.ready[1][1])

    def _write(self, following: Array | None) -> None:
        group, raw = self.ready.pop(0)
        current = _smooth(self.written_raw, raw, following)
        self.out.between(group.before, self.written, current)
        self.out.frame(group.t, group.bgr, current)
        self.written, self.written_raw = current, raw

    def finish(self) -> None:
        """Measure what is left; frames after the last Face Mesh frame keep its alignment."""
        self._settle()
        while self.ready:
            self._write(self.ready[1][1] if len(self.ready) > 1 else None)
        self.out.between(self.pending, self.written, None)

    def close(self) -> None:
        """Stop the second thread (after the Face Mesh call it may be in)."""
        self.worker.shutdown(wait=True, cancel_futures=True)


def measure(
    frames: Iterable[tuple[float, Array]],
    mesh: FaceMesh,
    progress: Callable[[float], None] | None = None,
) -> Signals:
    """Run through the clip once; frames without a face keep their time with found=False."""
    sig = Signals()
    out = _Recorder(sig, progress)
    aligner: _Aligner | None = None
    try:
        for n, (t, bgr) in enumerate(frames):
            if aligner is not None:
                aligner.add(n, t, bgr)
                continue
            found = mesh.landmarks(bgr)
            if found is not None:
                out.start(bgr, found)
                sig.apertures[t] = eye_apertures(found[list(EYE_POINTS)])
                aligner = _Aligner(out, mesh, found[list(STABLE)])
            out.frame(t, bgr, None if found is None else _IDENTITY, reference=found is not None)
        if aligner is not None:
            aligner.finish()
    finally:
        if aligner is not None:
            aligner.close()
    return sig
