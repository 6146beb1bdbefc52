"""The array type the video code passes around (frames, landmarks, flow)."""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

Array = NDArray[Any]
